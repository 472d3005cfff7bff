/* cvd cggtts: BIPM CGGTTS files (cggtts/): check them, take the common view of two, send
 * a site's files to the server.  This file reads the options and prints. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cggtts.h"
#include "cggtts/diff.h"
#include "core/jsonx.h"
#include "cvd/cmd.h"

/* cvd/cggtts_upload.c */
int cvd_cggtts_upload(int argc, char **argv);

void cvd_cggtts_help(FILE *out)
{
  fprintf(out,
"Usage: cvd cggtts check [--json] FILE...\n"
"       cvd cggtts diff [--json] [--tracks] [--aiv]\n"
"                       [--frc CODE | --frc-a CODE --frc-b CODE] A B\n"
"       cvd cggtts upload -c FILE [--json] CGGTTS-FILE...\n"
"\n"
"Reads BIPM CGGTTS files, version 01 and V2E (GPS, GLONASS, Galileo, BeiDou, QZSS,\n"
"NavIC; single or dual frequency): the data columns are those of the file's own column\n"
"line, fields are split at blanks (loose spacing is read), and the header checksum\n"
"(CKSUM) and every data line's checksum (CK) are checked as V2E defines them.  A header\n"
"checksum that counts the line ends (as some receivers write it) is a warning; any other\n"
"mismatch refuses the file.  A broken data line (its field count, checksum, or a value\n"
"that is not a number or out of range) is refused, named FILE:LINE and counted; the\n"
"rest of the file is used.  A field holding its overflow marker (all '*', or all 9s)\n"
"is unknown; a track whose REFSYS is unknown or beyond +-1 ms (written modulo 1 s) is\n"
"counted, warned about and not used for time transfer.  Unknown header lines and\n"
"columns are warnings.\n"
"\n"
"check     says what each file holds: version, receiver, lab, tracks, signals, days,\n"
"          and every warning and refused line.\n"
"diff      the common view of two files, as OpenTTP's cmpcggtts.py takes it: tracks\n"
"          matched by MJD, STTIME, satellite and (when both files name signals) FRC,\n"
"          full-length tracks only (TRKL 780) with REFSYS known in both.  Each\n"
"          difference is A - B = REFSYS(A) - REFSYS(B) = REF(A) - REF(B) in ns; each\n"
"          epoch (MJD and STTIME) gets the mean of its differences.  Prints the epoch\n"
"          means and the statistics: the mean and sample standard deviation over the\n"
"          tracks and over the epoch means.\n"
"upload    sends each file to the server (POST /api/v1/cggtts, signed as track uploads\n"
"          are) as the site the configuration names (its name, server and secret, as\n"
"          cvd site reads them); the server must declare it `site NAME SECRET cggtts`.\n"
"          It takes each GPS epoch's mean REFSYS into the 10-minute slot that holds the\n"
"          track's midpoint, for common view with the reference's tracks (see\n"
"          cvd-cggtts(1), THE SERVER).\n"
"\n"
"Options:\n"
"  --json             print one JSON object on one line (the last line of stdout;\n"
"                     upload: {\"uploads\": [the server's answer to each file]})\n"
"  --tracks           diff: print every matched track too (in JSON: \"tracks\")\n"
"  --aiv              diff: all in view instead: each file's epoch means (one signal\n"
"                     each: --frc-a/--frc-b, else the file's first) matched by MJD and\n"
"                     STTIME alone, so that GPS and Galileo files of one receiver, or\n"
"                     receivers seeing different satellites, compare; matched counts\n"
"                     the epochs\n"
"  --frc CODE         diff: only tracks of the signal CODE (L1C, E1, ...) in both files\n"
"  --frc-a CODE       diff: only tracks of signal CODE in A\n"
"  --frc-b CODE       diff: only tracks of signal CODE in B (with --frc-a: two signals\n"
"                     of one receiver, matched by satellite)\n"
"  -c, --config FILE  upload: the site's configuration (server URL, site name, key)\n"
"  -h, --help         this help\n"
"\n"
"JSON of check: {\"files\": [{\"file\", \"version\" (\"01\"|\"2E\"), \"rcvr\", \"lab\", \"dual\",\n"
"\"tracks\", \"usable\", \"refused\", \"warnings\", \"refsys_overflow\", \"first_mjd\",\n"
"\"last_mjd\", \"signals\", \"messages\": [{\"line\", \"level\", \"text\"}]} or {\"file\",\n"
"\"error\"}]}.  JSON of diff: {\"mode\" (\"cv\"|\"aiv\"), \"a\", \"b\", \"a_tracks\",\n"
"\"b_tracks\", \"matched\", \"mean_ns\", \"sd_ns\", \"epochs\", \"mean_epoch_ns\",\n"
"\"sd_epoch_ns\", \"epoch_means\": [{\"mjd\", \"sttime\", \"n\", \"mean_ns\"}]}; a value that\n"
"cannot be computed is null.\n"
"\n"
"Exit status: 0 success; 1 runtime failure; 2 bad usage, a file that cannot be read or\n"
"is refused as a whole, or (check) a refused data line.\n"
"\n"
"Examples:\n"
"  cvd cggtts check GZSY8259.506\n"
"  cvd cggtts diff --json GZLAB160.258 GZLAB260.258\n"
"  cvd cggtts diff --frc-a L1C --frc-b L1P GZGTR560.258 GZGTR560.258\n"
"  cvd cggtts diff --aiv GZGTR560.258 EZGTR60.258\n"
"\n"
"See cvd-cggtts(1).\n");
}

static void print_msgs(FILE *out, const struct cggtts_file *f)
{
  for (size_t i = 0; i < f->nmsg; i++) {
    const struct cggtts_msg *m = &f->msg[i];
    if (m->line)
      fprintf(out, "%s:%u: %s: %s\n", f->name, m->line,
             m->level == CGGTTS_WARN ? "warning" : "refused", m->text);
    else
      fprintf(out, "%s: %s: %s\n", f->name, m->level == CGGTTS_WARN ? "warning" : "refused",
             m->text);
  }
  size_t total = f->refused + f->warnings;
  if (total > f->nmsg)
    fprintf(out, "%s: %zu more messages not shown\n", f->name, total - f->nmsg);
}

/* The distinct FRC codes (or systems) of the file, space separated. */
static void signals(const struct cggtts_file *f, char *out, size_t n)
{
  out[0] = '\0';
  for (size_t i = 0; i < f->n; i++) {
    char code[8];
    snprintf(code, sizeof code, "%c:%s", f->trk[i].sat[0],
             f->trk[i].frc[0] ? f->trk[i].frc : "-");
    const char *p = out;
    int seen = 0;
    while ((p = strstr(p, code)) != NULL) {
      size_t l = strlen(code);
      if ((p == out || p[-1] == ' ') && (p[l] == ' ' || p[l] == '\0')) {
        seen = 1;
        break;
      }
      p += l;
    }
    if (!seen && strlen(out) + strlen(code) + 2 < n)
      snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? " " : "", code);
  }
}

static json_t *check_json(const struct cggtts_file *f, size_t usable, int lo, int hi)
{
  char sig[256];
  signals(f, sig, sizeof sig);
  json_t *msgs = json_array();
  for (size_t i = 0; i < f->nmsg; i++)
    json_array_append_new(msgs, json_pack("{s:i, s:s, s:s}", "line", (int)f->msg[i].line,
                                          "level", f->msg[i].level == CGGTTS_WARN
                                                       ? "warning" : "refused",
                                          "text", f->msg[i].text));
  return json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:o}",
                   "file", f->name, "version", f->version == 1 ? "01" : "2E", "rcvr",
                   f->rcvr, "lab", f->lab, "dual", f->dual, "tracks", (json_int_t)f->n,
                   "usable", (json_int_t)usable, "refused", (json_int_t)f->refused,
                   "warnings", (json_int_t)f->warnings, "refsys_overflow",
                   (json_int_t)f->refsys_overflow, "first_mjd",
                   lo ? json_integer(lo) : json_null(), "last_mjd",
                   hi ? json_integer(hi) : json_null(), "signals", sig, "messages", msgs);
}

static int check_one(const char *path, int json, json_t *files)
{
  struct cggtts_file f;
  char err[512];
  if (cggtts_read(path, &f, err, sizeof err) != 0) {
    if (json)
      json_array_append_new(files, json_pack("{s:s, s:s}", "file", path, "error", err));
    else
      printf("%s\n", err);
    return EXIT_USAGE;
  }
  size_t usable = 0;
  int lo = 0, hi = 0;
  for (size_t i = 0; i < f.n; i++) {
    usable += cggtts_usable(&f.trk[i]);
    lo = (!lo || f.trk[i].mjd < lo) ? f.trk[i].mjd : lo;
    hi = f.trk[i].mjd > hi ? f.trk[i].mjd : hi;
  }
  if (json) {
    json_array_append_new(files, check_json(&f, usable, lo, hi));
  } else {
    char sig[256];
    signals(&f, sig, sizeof sig);
    printf("%s: CGGTTS %s, RCVR %s, LAB %s, %s frequency\n", path,
           f.version == 1 ? "01" : "V2E", f.rcvr, f.lab, f.dual ? "dual" : "single");
    printf("%s: %zu tracks (%zu usable), MJD %d to %d, signals %s; %zu lines refused, "
           "%zu warnings\n", path, f.n, usable, lo, hi, sig[0] ? sig : "none", f.refused,
           f.warnings);
    print_msgs(stdout, &f);
  }
  int rc = f.refused ? EXIT_USAGE : 0;
  cggtts_free(&f);
  return rc;
}

static int run_check(int argc, char **argv, int json)
{
  if (argc < 1) {
    fprintf(stderr, "cvd cggtts check: name at least one file\n");
    return EXIT_USAGE;
  }
  json_t *files = json_array();
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    int r = check_one(argv[i], json, files);
    rc = r > rc ? r : rc;
  }
  if (json) {
    json_t *top = json_pack("{s:o}", "files", files);
    char *s = jx_dump(top);
    if (s)
      printf("%s\n", s);
    free(s);
    json_decref(top);
  } else {
    json_decref(files);
  }
  return rc;
}

static json_t *diff_json(const char *a, const char *b, const struct cggtts_diff *d,
                         int tracks, int aiv)
{
  json_t *ep = json_array();
  for (size_t i = 0; i < d->epochs; i++)
    json_array_append_new(ep, json_pack("{s:i, s:i, s:i, s:o}", "mjd", d->epoch[i].mjd,
                                        "sttime", d->epoch[i].sttime, "n", d->epoch[i].n,
                                        "mean_ns", jx_real(d->epoch[i].mean_ns)));
  json_t *top = json_pack(
      "{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:o}", "mode",
      aiv ? "aiv" : "cv", "a", a, "b", b,
      "a_tracks", (json_int_t)d->a_full, "b_tracks", (json_int_t)d->b_full, "matched",
      (json_int_t)d->matched, "mean_ns", jx_real(d->mean_ns), "sd_ns", jx_real(d->sd_ns),
      "epochs", (json_int_t)d->epochs, "mean_epoch_ns", jx_real(d->mean_epoch_ns),
      "sd_epoch_ns", jx_real(d->sd_epoch_ns), "epoch_means", ep);
  if (tracks) {
    json_t *tr = json_array();
    for (size_t i = 0; i < d->matched; i++) {
      const struct cggtts_pair *p = &d->pair[i];
      json_array_append_new(tr, json_pack("{s:i, s:i, s:s, s:s, s:s, s:o, s:o, s:o}", "mjd",
                                          p->mjd, "sttime", p->sttime, "sat", p->sat,
                                          "frc_a", p->frc_a, "frc_b", p->frc_b, "a_ns",
                                          jx_real(p->a_ns), "b_ns", jx_real(p->b_ns),
                                          "d_ns", jx_real(p->d_ns)));
    }
    json_object_set_new(top, "tracks", tr);
  }
  return top;
}

static void diff_text(const char *a, const char *b, const struct cggtts_diff *d, int tracks,
                      int aiv)
{
  printf("# A - B: A = %s (%zu full tracks), B = %s (%zu full tracks)\n", a, d->a_full, b,
         d->b_full);
  if (tracks) {
    printf("# MJD  STTIME SAT FRC_A FRC_B  A_ns  B_ns  A-B_ns\n");
    for (size_t i = 0; i < d->matched; i++) {
      const struct cggtts_pair *p = &d->pair[i];
      printf("%d %02d%02d%02d %s %s %s %.1f %.1f %.1f\n", p->mjd, p->sttime / 3600,
             p->sttime / 60 % 60, p->sttime % 60, p->sat[0] ? p->sat : "-",
             p->frc_a[0] ? p->frc_a : "-",
             p->frc_b[0] ? p->frc_b : "-", p->a_ns, p->b_ns, p->d_ns);
    }
  }
  printf("# MJD  STTIME  n  mean_A-B_ns\n");
  for (size_t i = 0; i < d->epochs; i++)
    printf("%d %02d%02d%02d %d %.2f\n", d->epoch[i].mjd, d->epoch[i].sttime / 3600,
           d->epoch[i].sttime / 60 % 60, d->epoch[i].sttime % 60, d->epoch[i].n,
           d->epoch[i].mean_ns);
  printf("matched %zu %s: mean %.3f ns, sd %.3f ns; %zu epochs: mean %.3f ns, sd %.3f ns\n",
         d->matched, aiv ? "epochs (all in view)" : "tracks", d->mean_ns, d->sd_ns, d->epochs,
         d->mean_epoch_ns, d->sd_epoch_ns);
}

static int run_diff(int argc, char **argv, int json, int tracks, int aiv,
                    const struct cggtts_diff_opt *o)
{
  if (argc != 2) {
    fprintf(stderr, "cvd cggtts diff: name two files, A and B\n");
    return EXIT_USAGE;
  }
  struct cggtts_file fa, fb;
  struct cggtts_diff d;
  char err[512];
  if (cggtts_read(argv[0], &fa, err, sizeof err) != 0) {
    fprintf(stderr, "cvd cggtts diff: %s\n", err);
    return EXIT_USAGE;
  }
  if (cggtts_read(argv[1], &fb, err, sizeof err) != 0) {
    fprintf(stderr, "cvd cggtts diff: %s\n", err);
    cggtts_free(&fa);
    return EXIT_USAGE;
  }
  print_msgs(stderr, &fa);
  print_msgs(stderr, &fb);
  int rc = EXIT_RUNTIME;
  if ((aiv ? cggtts_diff_aiv : cggtts_diff)(&fa, &fb, o, &d, err, sizeof err) == 0) {
    if (json) {
      json_t *top = diff_json(argv[0], argv[1], &d, tracks, aiv);
      char *s = jx_dump(top);
      if (s)
        printf("%s\n", s);
      free(s);
      json_decref(top);
    } else {
      diff_text(argv[0], argv[1], &d, tracks, aiv);
    }
    cggtts_diff_free(&d);
    rc = 0;
  } else {
    fprintf(stderr, "cvd cggtts diff: %s\n", err);
  }
  cggtts_free(&fa);
  cggtts_free(&fb);
  return rc;
}

int cvd_cggtts_main(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "upload"))
    return cvd_cggtts_upload(argc - 1, argv + 1);
  static const struct option lopts[] = {
      {"json", no_argument, NULL, 'j'},        {"tracks", no_argument, NULL, 't'},
      {"frc", required_argument, NULL, 'f'},   {"frc-a", required_argument, NULL, 'a'},
      {"frc-b", required_argument, NULL, 'b'}, {"aiv", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct cggtts_diff_opt o = {0};
  int json = 0, tracks = 0, aiv = 0, c;
  optind = 1; /* GNU getopt: options may come before or after the action and files */
  while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
    switch (c) {
    case 'j': json = 1; break;
    case 't': tracks = 1; break;
    case 'v': aiv = 1; break;
    case 'f': o.frc_a = o.frc_b = optarg; break;
    case 'a': o.frc_a = optarg; break;
    case 'b': o.frc_b = optarg; break;
    case 'h': cvd_cggtts_help(stdout); return 0;
    default: cvd_cggtts_help(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    cvd_cggtts_help(stderr);
    return EXIT_USAGE;
  }
  const char *action = argv[optind];
  if (!strcmp(action, "check"))
    return run_check(argc - optind - 1, argv + optind + 1, json);
  if (!strcmp(action, "diff"))
    return run_diff(argc - optind - 1, argv + optind + 1, json, tracks, aiv, &o);
  fprintf(stderr, "cvd cggtts: unknown action '%s' (check, diff or upload)\n", action);
  return EXIT_USAGE;
}
