# stats: frequency stability (ADEV, OADEV, MDEV, TDEV, HDEV, OHDEV, TOTDEV, TIE rms, MTIE),
# confidence intervals and noise identification; its tests and benchmark.
noinst_LIBRARIES += stats/libstats.a
stats_libstats_a_SOURCES = \
	stats/stats.h \
	stats/kernel.h \
	stats/adev.c \
	stats/analyze.c \
	stats/catalog.c \
	stats/chi2.c \
	stats/drift.c \
	stats/edf.c \
	stats/gapdev.c \
	stats/gapdev.h \
	stats/hdev.c \
	stats/load.c \
	stats/loadtime.c \
	stats/loadtime.h \
	stats/mdev.c \
	stats/numparse.c \
	stats/numparse.h \
	stats/preproc.c \
	stats/preproc.h \
	stats/pow10tab.h \
	stats/noiseid.c \
	stats/series.c \
	stats/taus.c \
	stats/tie.c \
	stats/totdev.c

noinst_PROGRAMS += bench/bench_stability
bench_bench_stability_SOURCES = bench/bench_stability.c
bench_bench_stability_LDADD = $(CVD_LIBS) $(CVD_EXTLIBS)

check_PROGRAMS += tests/test_stats
tests_test_stats_SOURCES = tests/test_stats.c
tests_test_stats_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_stats_stable32
tests_test_stats_stable32_SOURCES = tests/test_stats_stable32.c
tests_test_stats_stable32_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_stable32_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_powerlaw
tests_test_powerlaw_SOURCES = tests/test_powerlaw.c
tests_test_powerlaw_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_powerlaw_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_stats_cli
tests_test_stats_cli_SOURCES = tests/test_stats_cli.c
tests_test_stats_cli_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_cli_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_stats_parse
tests_test_stats_parse_SOURCES = tests/test_stats_parse.c
tests_test_stats_parse_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_parse_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_stats_gaps
tests_test_stats_gaps_SOURCES = tests/test_stats_gaps.c
tests_test_stats_gaps_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_gaps_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_stats_preproc
tests_test_stats_preproc_SOURCES = tests/test_stats_preproc.c
tests_test_stats_preproc_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_stats_preproc_LDADD = $(TEST_LIBS)
