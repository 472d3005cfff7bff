/* cvd report: the monthly report of a remote clock, the traceability statement, their
 * signatures and their check (the numbers come from report/; this file reads options). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "db/dbc.h"
#include "report/out.h"
#include "report/report.h"
#include "report/sign.h"

/* For the whole cvd program under LeakSanitizer (--enable-sanitizers): what fontconfig
 * keeps after plot_font_cleanup() (plot/plot.h says why it cannot be freed).  One
 * definition per program: a subcommand that draws too (cvd stability --plot) needs no
 * other. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

void cvd_report_help(FILE *out)
{
  fprintf(out,
"Usage: cvd report monthly --store FILE --site NAME --month YYYY-MM --key FILE\n"
"                          [--format pdf|html|json] [-o FILE] [OPTIONS]\n"
"       cvd report traceability --store FILE --site NAME --from DATE --to DATE\n"
"                          --key FILE [--circular-t FILE] [--format pdf|html|json]\n"
"                          [-o FILE]\n"
"       cvd report verify [--pubkey FILE] FILE\n"
"       cvd report keygen FILE\n"
"\n"
"monthly: the monthly uncertainty report of a remote clock from the server's store: the\n"
"daily means of x = REMOTE - REF (REF the lab's UTC(k)) with their expanded uncertainty\n"
"(k = 2), TDEV and MDEV from 10 min to 10 days with 68 %% confidence intervals, the\n"
"uncertainty budget in the GUM's form (JCGM 100: Type A from the data, Type B from the\n"
"calibration and the stated delay and reference uncertainties, combined in quadrature,\n"
"expanded with k = 2), the frequency uncertainty at 1 day, the share of time LOCKED,\n"
"every holdover with its length and largest predicted |x|, re-acquisitions, faults,\n"
"commands not taken up, and the calibration history.  Every report is signed (Ed25519).\n"
"\n"
"traceability: the statement of traceability to UTC (MiFID II RTS 25, SEC CAT) over\n"
"the UTC days DATE to DATE (YYYY-MM-DD, both included): per day the largest |x| to UTC(k)\n"
"with its expanded uncertainty (one track's, k = 2), the share of measured time within\n"
"100 us, 1 us and 50 ns (a slot counts when |x| + U is under the limit), and the chain\n"
"UTC -> UTC(k) -> remote clock, with UTC - UTC(k) from --circular-t; signed.\n"
"\n"
"verify: checks a report's signature (any format): exit 0 and the signer's fingerprint\n"
"when every byte is as signed, exit 1 when not.\n"
"\n"
"keygen: writes a new Ed25519 private key (PEM, mode 0600) to FILE.\n"
"\n"
"Options:\n"
"      --store FILE        the server's store (its database file)\n"
"      --site NAME         the remote clock\n"
"      --month YYYY-MM     the UTC month\n"
"      --ref NAME          the reference site [the store's: the one unsteered site the\n"
"                          remote has common view with]\n"
"      --key FILE          the Ed25519 private key (PEM) that signs the report\n"
"      --format F          pdf, html or json [the extension of -o, else json]\n"
"  -o, --output FILE       write the report to FILE [standard output; a PDF needs -o]\n"
"      --calibration FILE  the output of cvd calibrate --json for this site (its last\n"
"                          JSON line); repeat for the history, oldest first: the last is\n"
"                          in force and its u_ns is the Type B of the delays\n"
"      --u-cal NS          without --calibration: the standard uncertainty of the\n"
"                          uncalibrated delays [5]\n"
"      --u-delays NS       standard uncertainty of site delays measured apart from the\n"
"                          calibration (cables, PPSDLY, REFDLY) [0]\n"
"      --u-ref NS          standard uncertainty of the reference point: UTC(k) to the\n"
"                          reference site's TIC start input [0]\n"
"      --from DATE, --to DATE  traceability: the first and last UTC day (YYYY-MM-DD)\n"
"      --circular-t FILE   traceability: UTC - UTC(k) as the lab enters it from BIPM\n"
"                          Circular T section 1, one line per date: MJD VALUE_NS U_NS\n"
"                          (U_NS its standard uncertainty); '#' starts a comment.\n"
"                          Linear between dates, never past the last one\n"
"      --pubkey FILE       verify: the public (or private) key that must have signed\n"
"  -h, --help              this text\n"
"\n"
"--format json prints one JSON object on one line: {\"report\": \"monthly\", \"site\",\n"
"\"reference\", \"month\", \"from\", \"to\", \"slots\", \"tracks\", \"filled\", \"daily\":\n"
"[{\"date\", \"mean_ns\", \"U_ns\", \"n\", \"u_a_ns\", \"white_ns\", \"max_abs_ns\"}],\n"
"\"locked_pct\", \"holdover_pct\", \"u_a_ns\", \"u_b_ns\", \"u_c_ns\", \"U_ns\", \"k\",\n"
"\"budget\": [{\"name\", \"type\", \"u_ns\", \"source\"}], \"tdev\": [{\"tau\", \"tdev\",\n"
"\"lo\", \"hi\", \"noise\"}], \"mdev\": [{\"tau\", \"mdev\", \"lo\", \"hi\", \"noise\"}],\n"
"\"tdev_1d_ns\", \"freq_1d\": {\"mdev\", \"hi\"}, \"holdover\": [{\"start\", \"end\",\n"
"\"hours\", \"max_pred_abs_x_ns\", \"max_bound95_ns\"}], \"reacquisitions\", \"faults\",\n"
"\"outliers\", \"commands\", \"commands_not_held\", \"events\": [{\"time\", \"kind\",\n"
"\"message\"}], \"calibration\": {\"calibrations\": [{\"date\", \"source\",\n"
"\"ref_minus_dut_ns\", \"u_ns\"}], \"delays_applied\": [{\"site\", \"from\", \"intdly_ns\",\n"
"\"cabdly_ns\", \"ppsdly_ns\", \"refdly_ns\"}]}, \"signature\": {\"algorithm\",\n"
"\"public_key\", \"fingerprint\", \"value\"}}\n"
"\n"
"Exit status: 0 on success, 1 on a runtime failure or a signature that does not hold,\n"
"2 on bad usage or input (an unknown site, a bad month, a missing store).\n");
}

struct args {
  const char *store, *key, *out, *pubkey, *circt;
  int format;
  struct report_opts o;
};

static int usage(const char *msg)
{
  fprintf(stderr, "cvd report: %s (see cvd report --help)\n", msg);
  return EXIT_USAGE;
}

static int parse_day(const char *what, const char *s, int64_t *t, char *err, size_t errlen)
{
  char iso[40];
  snprintf(iso, sizeof iso, "%.10sT00:00:00Z", s);
  if (strlen(s) != 10 || tu_parse(iso, t) != 0) {
    snprintf(err, errlen, "%s '%s': want a UTC date YYYY-MM-DD", what, s);
    return -1;
  }
  return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
  static const struct option opts[] = {
      {"store", required_argument, NULL, 'D'},  {"site", required_argument, NULL, 's'},
      {"month", required_argument, NULL, 'm'},  {"ref", required_argument, NULL, 'r'},
      {"key", required_argument, NULL, 'k'},    {"format", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'}, {"calibration", required_argument, NULL, 'c'},
      {"u-cal", required_argument, NULL, 'C'},  {"u-delays", required_argument, NULL, 'U'},
      {"u-ref", required_argument, NULL, 'R'},  {"pubkey", required_argument, NULL, 'p'},
      {"from", required_argument, NULL, 'F'},   {"to", required_argument, NULL, 'T'},
      {"circular-t", required_argument, NULL, 'y'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  char err[1024];
  const char *month = NULL;
  int c;
  a->format = -1;
  report_opts_default(&a->o);
  optind = 1;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'D': a->store = optarg; break;
    case 's': a->o.site = optarg; break;
    case 'm': month = optarg; break;
    case 'r': a->o.ref = optarg; break;
    case 'k': a->key = optarg; break;
    case 'o': a->out = optarg; break;
    case 'p': a->pubkey = optarg; break;
    case 'y': a->circt = optarg; break;
    case 'F':
    case 'T':
      if (parse_day(c == 'F' ? "--from" : "--to", optarg, c == 'F' ? &a->o.from : &a->o.to,
                    err, sizeof err) != 0)
        return usage(err);
      break;
    case 'f':
      if ((a->format = report_format_parse(optarg)) < 0 || strchr(optarg, '.'))
        return usage("--format: want pdf, html or json");
      break;
    case 'c':
      if (a->o.ncals >= REPORT_MAX_CALS)
        return usage("--calibration: at most 8");
      if (report_cal_read(optarg, &a->o.cals[a->o.ncals++], err, sizeof err) != 0)
        return usage(err);
      break;
    case 'C': bad = conf_double("--u-cal", optarg, 0, 1e6, &a->o.u_cal_ns, err, sizeof err); break;
    case 'U': bad = conf_double("--u-delays", optarg, 0, 1e6, &a->o.u_delays_ns, err, sizeof err); break;
    case 'R': bad = conf_double("--u-ref", optarg, 0, 1e6, &a->o.u_ref_ns, err, sizeof err); break;
    case 'h': cvd_report_help(stdout); return 0;
    default: return usage("unknown option");
    }
    if (bad)
      return usage(err);
  }
  if (month && report_parse_month(month, &a->o.year, &a->o.month, err, sizeof err) != 0)
    return usage(err);
  if (!month)
    a->o.year = 0;
  return -1;
}

static int report_args(struct args *a, int trace)
{
  if (!trace && (!a->store || !a->o.site || !a->o.year || !a->key))
    return usage("monthly needs --store FILE, --site NAME, --month YYYY-MM and --key FILE");
  if (trace && (!a->store || !a->o.site || !a->o.from || !a->o.to || !a->key))
    return usage("traceability needs --store FILE, --site NAME, --from DATE, --to DATE and "
                 "--key FILE");
  if (trace && a->o.to < a->o.from)
    return usage("--to is before --from");
  if (trace && a->o.to - a->o.from >= 400 * NS_PER_DAY)
    return usage("--from and --to: at most 400 days");
  if (trace)
    a->o.to += NS_PER_DAY; /* the last day included */
  if (a->format < 0)
    a->format = a->out && report_format_parse(a->out) >= 0 ? report_format_parse(a->out)
                                                            : REPORT_JSON;
  if (a->format == REPORT_PDF && (!a->out || strcmp(a->out, "-") == 0))
    return usage("a PDF report needs -o FILE");
  if (access(a->store, R_OK) != 0) {
    fprintf(stderr, "cvd report: --store %s: no such readable file\n", a->store);
    return EXIT_USAGE;
  }
  return -1;
}

/* Writes the statement of the days built in r. */
static int trace_write(struct args *a, const struct report_month *r, const struct rsign_key *k,
                       char *err, size_t errlen)
{
  static struct report_circt c;
  if (a->circt && report_circt_read(a->circt, &c, err, errlen) != 0)
    return EXIT_USAGE;
  struct report_trace_day *d;
  if (report_trace_days(r, a->circt ? &c : NULL, &d) != 0) {
    snprintf(err, errlen, "out of memory");
    return EXIT_RUNTIME;
  }
  int rc = report_trace_write(r, a->circt ? &c : NULL, d, (enum report_format)a->format,
                              a->out, k, err, errlen);
  free(d);
  return rc ? EXIT_RUNTIME : 0;
}

static int run(struct args *a, int trace)
{
  char err[1024];
  int rc = report_args(a, trace);
  if (rc >= 0)
    return rc;
  struct rsign_key *k = rsign_key_load(a->key, err, sizeof err);
  if (!k) {
    fprintf(stderr, "cvd report: --key %s\n", err);
    return EXIT_USAGE;
  }
  struct dbc *db = dbc_open(a->store, 1, err, sizeof err);
  if (!db) {
    fprintf(stderr, "cvd report: --store %s: %s\n", a->store, err);
    rsign_key_free(k);
    return EXIT_USAGE;
  }
  struct report_month r;
  int bad;
  rc = 0;
  if (report_month_build(db, &a->o, &r, &bad, err, sizeof err) != 0) {
    fprintf(stderr, "cvd report: %s\n", err);
    rc = bad ? EXIT_USAGE : EXIT_RUNTIME;
  } else if (trace) {
    if ((rc = trace_write(a, &r, k, err, sizeof err)) != 0)
      fprintf(stderr, "cvd report: %s\n", err);
  } else if (report_month_write(&r, (enum report_format)a->format, a->out, k, err,
                                sizeof err) != 0) {
    fprintf(stderr, "cvd report: %s\n", err);
    rc = EXIT_RUNTIME;
  }
  report_month_free(&r);
  dbc_close(db);
  rsign_key_free(k);
  return rc;
}

static int verify(struct args *a, const char *path)
{
  char err[1024], pin[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1];
  if (a->pubkey && rsign_pubkey_file(a->pubkey, pin, err, sizeof err) != 0) {
    fprintf(stderr, "cvd report: --pubkey %s\n", err);
    return EXIT_USAGE;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cvd report: %s: cannot be read\n", path);
    return EXIT_USAGE;
  }
  char *buf = NULL;
  size_t len = 0, cap = 0, got;
  do {
    if (len + 65536 > cap) {
      char *nb = realloc(buf, cap = 2 * cap + 65536);
      if (!nb) {
        free(buf);
        fclose(f);
        return EXIT_RUNTIME;
      }
      buf = nb;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
  } while (got > 0);
  fclose(f);
  int rc = rsign_verify(buf, len, a->pubkey ? pin : NULL, fp, err, sizeof err);
  free(buf);
  if (rc != 0) {
    fprintf(stderr, "cvd report: %s: REFUSED: %s\n", path, err);
    return EXIT_RUNTIME;
  }
  printf("%s: signature good, Ed25519 key fingerprint %s%s\n", path, fp,
         a->pubkey ? " (the key given)" : " (not pinned: give --pubkey to name the signer)");
  return 0;
}

int cvd_report_main(int argc, char **argv)
{
  if (argc < 2 || argv[1][0] == '-') {
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
      cvd_report_help(stdout);
      return 0;
    }
    return usage("want monthly, traceability, verify or keygen");
  }
  const char *what = argv[1];
  struct args a = {0};
  int rc = parse(argc - 1, argv + 1, &a);
  if (rc >= 0)
    return rc;
  int rest = argc - 1 - optind;
  char **pos = argv + 1 + optind;
  if (strcmp(what, "monthly") == 0)
    return rest ? usage("monthly takes no file argument") : run(&a, 0);
  if (strcmp(what, "traceability") == 0)
    return rest ? usage("traceability takes no file argument") : run(&a, 1);
  if (strcmp(what, "verify") == 0)
    return rest != 1 ? usage("verify wants one FILE") : verify(&a, pos[0]);
  if (strcmp(what, "keygen") == 0) {
    char err[1024];
    if (rest != 1)
      return usage("keygen wants one FILE");
    if (rsign_keygen(pos[0], err, sizeof err) != 0) {
      fprintf(stderr, "cvd report: %s\n", err);
      return EXIT_RUNTIME;
    }
    return 0;
  }
  char msg[128];
  snprintf(msg, sizeof msg, "unknown report '%.40s': want monthly, traceability, verify or keygen", what);
  return usage(msg);
}
