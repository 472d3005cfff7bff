# cggtts: BIPM CGGTTS files (version 01 and V2E): parse, check, common view of two.
noinst_LIBRARIES += cggtts/libcggtts.a
cggtts_libcggtts_a_SOURCES = cggtts/cggtts.h cggtts/cgint.h cggtts/header.c cggtts/data.c \
	cggtts/file.c cggtts/diff.c cggtts/diff.h cggtts/slots.c cggtts/slots.h

check_PROGRAMS += tests/test_cggtts
tests_test_cggtts_SOURCES = tests/test_cggtts.c
tests_test_cggtts_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
# Only cggtts/ and core/: this test does not wait for the rest of the tree to build.
tests_test_cggtts_LDADD = tests/libtestutil.a cggtts/libcggtts.a core/libcore.a $(CHECK_LIBS) \
	$(CVD_EXTLIBS)
EXTRA_DIST += tests/data/cggtts
dist_man_MANS += doc/cvd-cggtts.1
