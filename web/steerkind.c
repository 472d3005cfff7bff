#include "config.h"
#include "web/steerkind.h"

#include <math.h>
#include <string.h>

const char *const steer_kinds[] = {"all",       "steer",    "step", "state", "holdover", "alarm",
                                   "reacquire", "operator", NULL};

int steer_kind_index(const char *k)
{
  for (int i = 0; steer_kinds[i]; i++)
    if (strcmp(steer_kinds[i], k) == 0)
      return i;
  return -1;
}

double jrow_num(const json_t *r, const char *k)
{
  const json_t *v = json_object_get(r, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *jrow_str(const json_t *r, const char *k)
{
  const char *s = json_string_value(json_object_get(r, k));
  return s ? s : "";
}

int jrow_in_holdover(const json_t *r)
{
  const char *st = jrow_str(r, "state");
  return strcmp(st, "HOLDOVER") == 0 || strcmp(st, "ALARM") == 0;
}

int steer_row_is(const json_t *r, const json_t *before, const char *k)
{
  const char *st = jrow_str(r, "state"), *why = jrow_str(r, "reason");
  const char *prev = before ? jrow_str(before, "state") : "";
  if (strcmp(k, "all") == 0)
    return 1;
  if (strcmp(k, "step") == 0)
    return isfinite(jrow_num(r, "phase_step_ns")) && jrow_num(r, "phase_step_ns") != 0;
  if (strcmp(k, "state") == 0)
    return strcmp(st, prev) != 0;
  if (strcmp(k, "holdover") == 0)
    return strcmp(st, "HOLDOVER") == 0;
  if (strcmp(k, "alarm") == 0)
    return strcmp(st, "ALARM") == 0;
  if (strcmp(k, "reacquire") == 0)
    return strstr(why, "reacquire") != NULL || strstr(why, "re-acquire") != NULL;
  if (strcmp(k, "operator") == 0)
    return strstr(why, "operator") != NULL;
  if (strcmp(k, "steer") == 0)
    return !jrow_in_holdover(r);
  return 0;
}

json_t *steer_rows_of(const json_t *rows, const char *k, size_t limit)
{
  json_t *out = json_array();
  for (size_t i = 0; out && i < json_array_size(rows) && json_array_size(out) < limit; i++)
    if (steer_row_is(json_array_get(rows, i), json_array_get(rows, i + 1), k) &&
        json_array_append(out, json_array_get(rows, i)) != 0) {
      json_decref(out);
      return NULL;
    }
  return out;
}
