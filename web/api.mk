# The read API, events and alerts (issue 11): tests and benchmarks.
web_libweb_a_SOURCES += web/api_events.c

check_PROGRAMS += tests/test_webapi
tests_test_webapi_SOURCES = tests/test_webapi.c tests/cluster.c tests/cluster.h
tests_test_webapi_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_webapi_LDADD = $(TEST_LIBS)
