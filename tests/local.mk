# Check tests.  Unit tests link the folders' libraries; integration tests run the real
# cvd binary ($CVD_BIN) and real parts (gpsd, socat, SQLite files, loopback HTTP).
check_LIBRARIES += tests/libtestutil.a
tests_libtestutil_a_SOURCES = tests/testutil.c tests/testutil.h tests/pgtest.c tests/pgtest.h
tests_libtestutil_a_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

TEST_LIBS = tests/libtestutil.a $(CVD_LIBS) $(CHECK_LIBS) $(CVD_EXTLIBS)
AM_TESTS_ENVIRONMENT = \
	CVD_BIN='$(abs_top_builddir)/cvd/cvd'; export CVD_BIN; \
	CVD_SRCDIR='$(abs_top_srcdir)'; export CVD_SRCDIR; \
	GPSD='$(GPSD)'; export GPSD; SOCAT='$(SOCAT)'; export SOCAT; \
	CK_DEFAULT_TIMEOUT=60; export CK_DEFAULT_TIMEOUT; \
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3}; export CK_TIMEOUT_MULTIPLIER;

check_PROGRAMS += tests/test_core
tests_test_core_SOURCES = tests/test_core.c
tests_test_core_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_core_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_clock
tests_test_clock_SOURCES = tests/test_clock.c
tests_test_clock_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
# Only core/: this test does not wait for the rest of the tree to build.
tests_test_clock_LDADD = tests/libtestutil.a core/libcore.a $(CHECK_LIBS) $(CVD_EXTLIBS)

check_PROGRAMS += tests/test_track
tests_test_track_SOURCES = tests/test_track.c
tests_test_track_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_track_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_steer
tests_test_steer_SOURCES = tests/test_steer.c tests/loopsim.c tests/loopsim.h
tests_test_steer_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_steer_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_scale
tests_test_scale_SOURCES = tests/test_scale.c
tests_test_scale_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_scale_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_commit
tests_test_commit_SOURCES = tests/test_commit.c
tests_test_commit_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_commit_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_system
tests_test_system_SOURCES = tests/test_system.c tests/cluster.c tests/cluster.h
tests_test_system_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_system_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_trust
tests_test_trust_SOURCES = tests/test_trust.c tests/cluster.c tests/cluster.h tests/upreq.c \
	tests/upreq.h tests/certs.c tests/certs.h
tests_test_trust_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_trust_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_tls
tests_test_tls_SOURCES = tests/test_tls.c tests/cluster.c tests/cluster.h tests/upreq.c \
	tests/upreq.h tests/certs.c tests/certs.h
tests_test_tls_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_tls_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_faults
tests_test_faults_SOURCES = tests/test_faults.c tests/cluster.c tests/cluster.h
tests_test_faults_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_faults_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_faults_disk
tests_test_faults_disk_SOURCES = tests/test_faults_disk.c tests/cluster.c tests/cluster.h
tests_test_faults_disk_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_faults_disk_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_demo
tests_test_demo_SOURCES = tests/test_demo.c
tests_test_demo_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_demo_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_simulate
tests_test_simulate_SOURCES = tests/test_simulate.c
tests_test_simulate_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_simulate_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_command
tests_test_command_SOURCES = tests/test_command.c
tests_test_command_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_command_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_calibrate
tests_test_calibrate_SOURCES = tests/test_calibrate.c
tests_test_calibrate_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_calibrate_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_jxdump
tests_test_jxdump_SOURCES = tests/test_jxdump.c
tests_test_jxdump_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_jxdump_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_walbuf
tests_test_walbuf_SOURCES = tests/test_walbuf.c
tests_test_walbuf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_walbuf_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_durability
tests_test_durability_SOURCES = tests/test_durability.c
tests_test_durability_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_durability_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_manpages
tests_test_manpages_SOURCES = tests/test_manpages.c
tests_test_manpages_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_manpages_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_limits
tests_test_limits_SOURCES = tests/test_limits.c
tests_test_limits_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_limits_LDADD = $(TEST_LIBS)

# PostgreSQL as the store (issue 13): each program starts its own server (tests/pgtest.h).
check_PROGRAMS += tests/test_pg_store
tests_test_pg_store_SOURCES = tests/test_pg_store.c
tests_test_pg_store_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_pg_store_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_system_pg
tests_test_system_pg_SOURCES = tests/test_system_pg.c tests/cluster.c tests/cluster.h
tests_test_system_pg_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_system_pg_LDADD = $(TEST_LIBS)
EXTRA_tests_test_system_pg_DEPENDENCIES = tests/test_system.c

check_PROGRAMS += tests/test_pg_ha
tests_test_pg_ha_SOURCES = tests/test_pg_ha.c tests/cluster.c tests/cluster.h
tests_test_pg_ha_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_pg_ha_LDADD = $(TEST_LIBS)

TESTS += $(check_PROGRAMS)

