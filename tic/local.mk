noinst_LIBRARIES += tic/libtic.a
tic_libtic_a_SOURCES = \
	tic/tic.c tic/tic.h \
	tic/tic_sim.c
