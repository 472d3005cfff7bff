# cggtts: BIPM CGGTTS files (version 01 and V2E): parse, check, common view of two.
noinst_LIBRARIES += cggtts/libcggtts.a
cggtts_libcggtts_a_SOURCES = cggtts/cggtts.h cggtts/cggtts.c
