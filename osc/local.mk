noinst_LIBRARIES += osc/libosc.a
osc_libosc_a_SOURCES = \
	osc/osc.c osc/osc.h \
	osc/osc_none.c \
	osc/osc_sim.c
