# The read API, events and alerts (issue 11): tests and benchmarks.
web_libweb_a_SOURCES += web/api_events.c
# CGGTTS sites' uploads (issue 12): POST /api/v1/cggtts.
web_libweb_a_SOURCES += web/api_cggtts.c

check_PROGRAMS += tests/test_webapi
tests_test_webapi_SOURCES = tests/test_webapi.c tests/cluster.c tests/cluster.h
tests_test_webapi_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_webapi_LDADD = $(TEST_LIBS)

# bench/bench_web: the grid, a pair's series, a clock's steering log and the events at 100
# clocks with 30 days of tracks (prints its figures; never a timed test).
noinst_PROGRAMS += bench/bench_web
bench_bench_web_SOURCES = bench/bench_web.c
bench_bench_web_LDADD = $(CVD_LIBS) $(CVD_EXTLIBS)
