# Fuzz targets (tests/fuzz/README.md): tests/fuzz/fuzz_NAME.c for each input the service
# takes from outside.  Every build links each with replay.c into tests/fuzz/replay_NAME, a
# check program (so a test) that runs it over tests/fuzz/corpus/NAME and
# tests/fuzz/crashes/NAME; a build configured with --enable-fuzzing (clang) also links it
# with libFuzzer into tests/fuzz/fuzz_NAME, which `make fuzz` runs through run-fuzzers.
FUZZ_NAMES = upload response conf_site conf_server scenario stability tic_replay tic_ticc tic_scpi gpsd read_query cggtts
FUZZ_COMMON = tests/fuzz/fuzzutil.c tests/fuzz/fuzzutil.h
FUZZ_LIBS = $(CVD_LIBS) $(CVD_EXTLIBS)
# Seconds each target runs in `make fuzz` (make fuzz FUZZ_SECONDS=N).
FUZZ_SECONDS = 30

check_PROGRAMS += tests/fuzz/replay_upload
tests_fuzz_replay_upload_SOURCES = tests/fuzz/fuzz_upload.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_upload_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_response
tests_fuzz_replay_response_SOURCES = tests/fuzz/fuzz_response.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_response_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_conf_site
tests_fuzz_replay_conf_site_SOURCES = tests/fuzz/fuzz_conf_site.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_conf_site_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_conf_server
tests_fuzz_replay_conf_server_SOURCES = tests/fuzz/fuzz_conf_server.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_conf_server_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_scenario
tests_fuzz_replay_scenario_SOURCES = tests/fuzz/fuzz_scenario.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_scenario_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_stability
tests_fuzz_replay_stability_SOURCES = tests/fuzz/fuzz_stability.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_stability_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_tic_replay
tests_fuzz_replay_tic_replay_SOURCES = tests/fuzz/fuzz_tic_replay.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_tic_replay_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_tic_ticc
tests_fuzz_replay_tic_ticc_SOURCES = tests/fuzz/fuzz_tic_ticc.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_tic_ticc_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_tic_scpi
tests_fuzz_replay_tic_scpi_SOURCES = tests/fuzz/fuzz_tic_scpi.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_tic_scpi_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_gpsd
tests_fuzz_replay_gpsd_SOURCES = tests/fuzz/fuzz_gpsd.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_gpsd_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_read_query
tests_fuzz_replay_read_query_SOURCES = tests/fuzz/fuzz_read_query.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_read_query_LDADD = $(FUZZ_LIBS)

check_PROGRAMS += tests/fuzz/replay_cggtts
tests_fuzz_replay_cggtts_SOURCES = tests/fuzz/fuzz_cggtts.c tests/fuzz/replay.c $(FUZZ_COMMON)
tests_fuzz_replay_cggtts_LDADD = $(FUZZ_LIBS)

if FUZZING
FUZZ_BINS = tests/fuzz/fuzz_upload tests/fuzz/fuzz_response tests/fuzz/fuzz_conf_site tests/fuzz/fuzz_conf_server tests/fuzz/fuzz_scenario tests/fuzz/fuzz_stability tests/fuzz/fuzz_tic_replay tests/fuzz/fuzz_tic_ticc tests/fuzz/fuzz_tic_scpi tests/fuzz/fuzz_gpsd tests/fuzz/fuzz_read_query \
	tests/fuzz/fuzz_cggtts
noinst_PROGRAMS += $(FUZZ_BINS)

tests_fuzz_fuzz_upload_SOURCES = tests/fuzz/fuzz_upload.c $(FUZZ_COMMON)
tests_fuzz_fuzz_upload_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_upload_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_response_SOURCES = tests/fuzz/fuzz_response.c $(FUZZ_COMMON)
tests_fuzz_fuzz_response_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_response_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_conf_site_SOURCES = tests/fuzz/fuzz_conf_site.c $(FUZZ_COMMON)
tests_fuzz_fuzz_conf_site_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_conf_site_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_conf_server_SOURCES = tests/fuzz/fuzz_conf_server.c $(FUZZ_COMMON)
tests_fuzz_fuzz_conf_server_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_conf_server_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_scenario_SOURCES = tests/fuzz/fuzz_scenario.c $(FUZZ_COMMON)
tests_fuzz_fuzz_scenario_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_scenario_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_stability_SOURCES = tests/fuzz/fuzz_stability.c $(FUZZ_COMMON)
tests_fuzz_fuzz_stability_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_stability_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_tic_replay_SOURCES = tests/fuzz/fuzz_tic_replay.c $(FUZZ_COMMON)
tests_fuzz_fuzz_tic_replay_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_tic_replay_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_tic_ticc_SOURCES = tests/fuzz/fuzz_tic_ticc.c $(FUZZ_COMMON)
tests_fuzz_fuzz_tic_ticc_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_tic_ticc_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_tic_scpi_SOURCES = tests/fuzz/fuzz_tic_scpi.c $(FUZZ_COMMON)
tests_fuzz_fuzz_tic_scpi_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_tic_scpi_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_gpsd_SOURCES = tests/fuzz/fuzz_gpsd.c $(FUZZ_COMMON)
tests_fuzz_fuzz_gpsd_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_gpsd_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_read_query_SOURCES = tests/fuzz/fuzz_read_query.c $(FUZZ_COMMON)
tests_fuzz_fuzz_read_query_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_read_query_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cggtts_SOURCES = tests/fuzz/fuzz_cggtts.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cggtts_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_cggtts_LDADD = $(FUZZ_LIBS)

# Every target for FUZZ_SECONDS on a scratch copy of its corpus, one at a time; the crash
# inputs are kept under tests/fuzz/out in the build directory.
fuzz: $(FUZZ_BINS)
	$(SHELL) $(srcdir)/tests/fuzz/run-fuzzers -t $(FUZZ_SECONDS) \
	  $(builddir)/tests/fuzz $(srcdir)/tests/fuzz $(builddir)/tests/fuzz/out $(FUZZ_NAMES)
else
fuzz:
	@echo "make fuzz: configure with CC=clang ./configure --enable-fuzzing first" >&2; exit 1
endif
.PHONY: fuzz

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf $(builddir)/tests/fuzz/out
.PHONY: clean-fuzz

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run-fuzzers tests/fuzz/corpus tests/fuzz/crashes
