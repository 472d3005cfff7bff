noinst_LIBRARIES += sim/libsim.a
sim_libsim_a_SOURCES = \
	sim/noise.c sim/noise.h \
	sim/rng.c sim/rng.h
