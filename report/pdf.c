/* The monthly report as a PDF: waits for plot/ (doc.h). */
#include "config.h"

#include <stdio.h>

#include "report/out.h"

int report_month_pdf(const struct report_month *r, const char *path, const struct rsign_key *k,
                     char *err, size_t errlen)
{
  (void)r;
  (void)path;
  (void)k;
  snprintf(err, errlen, "PDF reports are not built yet: use --format json or html");
  return -1;
}
