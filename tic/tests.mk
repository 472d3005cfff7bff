# Tests of the TIC drivers (tic/): unit tests, the instrument emulators they talk to (found
# next to the test programs, tests/tictest.c), and recorded logs under tests/data/tic.
# The emulators are noinst programs rather than check programs: every check program is
# also a test (tests/local.mk), and an emulator run on its own is not one.
# They take part in the tests' lockstep clock (core/clock.h), hence core/libcore.a.
noinst_PROGRAMS += tests/emu_ticc tests/emu_sr620 tests/emu_53230a
TICEMU_SRC = tests/ticemu.c tests/ticemu.h
TICEMU_LIBS = core/libcore.a $(CVD_EXTLIBS)
tests_emu_ticc_SOURCES = tests/emu_ticc.c $(TICEMU_SRC)
tests_emu_ticc_LDADD = $(TICEMU_LIBS)
tests_emu_sr620_SOURCES = tests/emu_sr620.c $(TICEMU_SRC)
tests_emu_sr620_LDADD = $(TICEMU_LIBS)
tests_emu_53230a_SOURCES = tests/emu_53230a.c $(TICEMU_SRC)
tests_emu_53230a_LDADD = $(TICEMU_LIBS)

TICTEST_SRC = tests/tictest.c tests/tictest.h tests/ticemu.c tests/ticemu.h

check_PROGRAMS += tests/test_tic
tests_test_tic_SOURCES = tests/test_tic.c tests/test_tic_replay.c
tests_test_tic_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_tic_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_tic_serial
tests_test_tic_serial_SOURCES = tests/test_tic_serial.c $(TICTEST_SRC)
tests_test_tic_serial_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_tic_serial_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_tic_53230a
tests_test_tic_53230a_SOURCES = tests/test_tic_53230a.c $(TICTEST_SRC)
tests_test_tic_53230a_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_tic_53230a_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test_tic_pps
tests_test_tic_pps_SOURCES = tests/test_tic_pps.c
tests_test_tic_pps_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_tic_pps_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/data/tic/53230a-1pps-two-slots.log
