/* cvd calibrate: a site's differential delay from a common-clock run. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/jsonx.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "db/db.h"
#include "db/spool.h"
#include "db/store.h"
#include "track/calib.h"

void cvd_calibrate_help(FILE *out)
{
  fprintf(out,
"Usage: cvd calibrate --ref SPOOL --dut SPOOL [OPTIONS]\n"
"       cvd calibrate --server DB --ref SITE --dut SITE [OPTIONS]\n"
"\n"
"Computes the differential delay of a site (the device under test, DUT) from a common-clock\n"
"run: the DUT and a calibrated reference system side by side on one clock and one antenna,\n"
"as NIST calibrates a system before shipment.  With right delays every REF - DUT difference\n"
"of their tracks of the same slot would be zero; their mean is the DUT's delay error, and\n"
"the command prints the INTDLY directive that removes it (LOCAL - GPS = TIC - (INTDLY +\n"
"CABDLY + PPSDLY) + REFDLY: a DUT that reads low by m gets its INTDLY lowered by m), with\n"
"its uncertainty.  Outliers beyond 5 robust sigmas are dropped; the statistical\n"
"uncertainty counts the independent differences from their lag-1 autocorrelation.\n"
"\n"
"Options:\n"
"      --ref SPOOL|SITE    the reference system: its spool file, or its name with --server\n"
"      --dut SPOOL|SITE    the device under test, likewise\n"
"      --server DB         take both sites' tracks from the server's store\n"
"      --from TIME, --to TIME   the run (YYYY-MM-DDTHH:MM:SSZ) [all tracks]\n"
"      --ref-uncertainty NS     standard uncertainty of the reference's own calibration,\n"
"                          combined in quadrature [0]\n"
"      --json              one JSON object on one line, last on stdout: {\"slots\",\n"
"                          \"rejected\", \"from\", \"to\", \"ref_minus_dut_ns\", \"sd_ns\",\n"
"                          \"lag1\", \"n_eff\", \"u_stat_ns\", \"u_ref_ns\", \"u_ns\", \"U_k2_ns\",\n"
"                          \"dut_intdly_ns\", \"intdly_ns\", \"directive\"}\n"
"  -h, --help              this text\n"
"\n"
"Exit status: 0 on success, 1 if the files cannot be read or hold fewer than 10 common\n"
"slots, 2 on bad usage.\n");
}

static int load(const char *server, const char *who, int64_t from, int64_t to,
                struct track **out, char *err, size_t errlen)
{
  if (!server && access(who, R_OK) != 0) {
    snprintf(err, errlen, "%s: not a readable spool file", who);
    return -1;
  }
  int n;
  if (server) {
    struct dbc *st = dbc_open(server, 0, err, errlen);
    if (!st)
      return -1;
    n = store_site_tracks(st, who, from, to, out);
    dbc_close(st);
  } else {
    sqlite3 *db = db_open(who, DB_SPOOL, err, errlen);
    if (!db)
      return -1;
    n = spool_tracks(db, from, to, out);
    db_close(db);
  }
  if (n < 0)
    snprintf(err, errlen, "%s: cannot read the tracks", server ? server : who);
  return n;
}

int cvd_calibrate_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"ref", required_argument, NULL, 'r'},   {"dut", required_argument, NULL, 'd'},
      {"server", required_argument, NULL, 's'}, {"from", required_argument, NULL, 'f'},
      {"to", required_argument, NULL, 't'},     {"ref-uncertainty", required_argument, NULL, 'u'},
      {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *ref = NULL, *dut = NULL, *server = NULL;
  int64_t from = INT64_MIN / 2, to = INT64_MAX / 2;
  double u_ref = 0;
  int json_out = 0, c;
  char err[1200];
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'r': ref = optarg; break;
    case 'd': dut = optarg; break;
    case 's': server = optarg; break;
    case 'f':
    case 't':
      if (tu_parse(optarg, c == 'f' ? &from : &to) != 0) {
        fprintf(stderr, "cvd calibrate: --%s %s: want YYYY-MM-DDTHH:MM:SSZ\n", c == 'f' ? "from" : "to",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'u':
      if (conf_double("--ref-uncertainty", optarg, 0, 1e6, &u_ref, err, sizeof err)) {
        fprintf(stderr, "cvd calibrate: %s\n", err);
        return EXIT_USAGE;
      }
      break;
    case 'j': json_out = 1; break;
    case 'h': cvd_calibrate_help(stdout); return 0;
    default: fprintf(stderr, "cvd calibrate: see cvd calibrate --help\n"); return EXIT_USAGE;
    }
  }
  if (!ref || !dut || optind != argc) {
    fprintf(stderr, "cvd calibrate: --ref and --dut are required (see cvd calibrate --help)\n");
    return EXIT_USAGE;
  }
  struct track *a = NULL, *b = NULL;
  int na = load(server, ref, from, to, &a, err, sizeof err);
  int nb = na < 0 ? -1 : load(server, dut, from, to, &b, err, sizeof err);
  if (na < 0 || nb < 0) {
    fprintf(stderr, "cvd calibrate: %s\n", err);
    free(a);
    return EXIT_RUNTIME;
  }
  struct calib_result r;
  int rc = calib_common_clock(a, na, b, nb, &r);
  free(a);
  free(b);
  if (rc != 0) {
    fprintf(stderr, "cvd calibrate: only %d common slots with usable tracks (want 10 or more)\n", r.n);
    return EXIT_RUNTIME;
  }
  double u = sqrt(r.u_stat_ns * r.u_stat_ns + u_ref * u_ref);
  double intdly = r.dut_intdly - r.mean_ns;
  char t1[40], t2[40], directive[64];
  snprintf(directive, sizeof directive, "intdly %.2f", intdly);
  fprintf(json_out ? stderr : stdout,
          "cvd calibrate: %d common slots from %s to %s (%d outliers dropped)\n"
          "  REF - DUT %+.3f ns: sd %.3f ns, lag-1 autocorrelation %.3f, %.0f independent\n"
          "  uncertainty: statistical %.3f ns, reference %.3f ns, combined %.3f ns (k=1), "
          "%.3f ns (k=2)\n"
          "add to the DUT's configuration, replacing its intdly %.2f:\n%s\n",
          r.n, tu_format(r.first, t1, sizeof t1, 0), tu_format(r.last + SLOT_NS, t2, sizeof t2, 0),
          r.rejected, r.mean_ns, r.sd_ns, r.r1, r.n_eff, r.u_stat_ns, u_ref, u, 2 * u,
          r.dut_intdly, directive);
  if (json_out) {
    json_t *j = json_pack("{s:i,s:i,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "slots",
                          r.n, "rejected", r.rejected, "from", t1, "to", t2, "ref_minus_dut_ns",
                          jx_real(r.mean_ns), "sd_ns", jx_real(r.sd_ns), "lag1", jx_real(r.r1),
                          "n_eff", jx_real(r.n_eff), "u_stat_ns", jx_real(r.u_stat_ns), "u_ref_ns",
                          jx_real(u_ref), "u_ns", jx_real(u), "U_k2_ns", jx_real(2 * u),
                          "dut_intdly_ns", jx_real(r.dut_intdly), "intdly_ns", jx_real(intdly),
                          "directive", directive);
    char *text = jx_dump(j);
    printf("%s\n", text);
    free(text);
    json_decref(j);
  }
  return 0;
}
