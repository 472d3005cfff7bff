# Tests of the instrument oscillator drivers and of the gpsd receiver driver, with real
# parts: PRS10 and SA.45s emulators on socat pseudo-terminals (the emulators are built with
# the tree, as programs of their own, so that the tests run them as separate processes);
# gpsd run by gpsfake on a written u-blox log; recorded gpsd JSON on a loopback port.
noinst_PROGRAMS += tests/emu_prs10 tests/emu_sa45s
tests_emu_prs10_SOURCES = tests/emu_prs10.c tests/oscemu.c tests/oscemu.h
tests_emu_prs10_LDADD = core/libcore.a $(CVD_EXTLIBS)
tests_emu_sa45s_SOURCES = tests/emu_sa45s.c tests/oscemu.c tests/oscemu.h
tests_emu_sa45s_LDADD = core/libcore.a $(CVD_EXTLIBS)

check_PROGRAMS += tests/test_osc
tests_test_osc_SOURCES = tests/test_osc.c tests/emuproc.c tests/emuproc.h \
	tests/oscemu.c tests/oscemu.h
tests_test_osc_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_osc_LDADD = $(TEST_LIBS)
EXTRA_tests_test_osc_DEPENDENCIES = tests/emu_prs10$(EXEEXT) tests/emu_sa45s$(EXEEXT)

check_PROGRAMS += tests/test_gpsd
tests_test_gpsd_SOURCES = tests/test_gpsd.c
tests_test_gpsd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_gpsd_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_gpsfake
tests_test_gpsfake_SOURCES = tests/test_gpsfake.c
tests_test_gpsfake_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_gpsfake_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_rx_timeonly
tests_test_rx_timeonly_SOURCES = tests/test_rx_timeonly.c
tests_test_rx_timeonly_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_rx_timeonly_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/data/gpsd/ublox-time.log tests/data/gpsd/ublox-timeonly.log \
	tests/data/gpsd/mkubx.py \
	tests/data/gpsd/pps-session.json
