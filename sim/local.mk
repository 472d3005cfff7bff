noinst_LIBRARIES += sim/libsim.a
sim_libsim_a_SOURCES = \
	sim/gpserr.c sim/gpserr.h \
	sim/netconf.c sim/netconf.h \
	sim/netcut.c sim/netcut.h \
	sim/noise.c sim/noise.h \
	sim/powerlaw.c sim/powerlaw.h \
	sim/rb.c sim/rb.h \
	sim/rng.c sim/rng.h \
	sim/scenario.c sim/scenario.h \
	sim/score.c sim/score.h \
	sim/site.c sim/site.h
