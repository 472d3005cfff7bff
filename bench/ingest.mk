# bench/bench_ingest: signed one-track uploads from N simulated sites over loopback, into
# cvd server and into a bare libmicrohttpd + SQLite server in the same run (issue 13).
noinst_PROGRAMS += bench/bench_ingest
bench_bench_ingest_SOURCES = bench/bench_ingest.c \
	bench/ingest_load.c bench/ingest_load.h \
	bench/ingest_ceiling.c bench/ingest_ceiling.h
# --pg starts a PostgreSQL as the tests do (tests/pgtest.c, in tests/libtestutil.a)
bench_bench_ingest_LDADD = tests/libtestutil.a $(CVD_LIBS) $(CVD_EXTLIBS) $(CHECK_LIBS)
