noinst_LIBRARIES += osc/libosc.a
osc_libosc_a_SOURCES = \
	osc/osc.c osc/osc.h \
	osc/osc_none.c \
	osc/osc_sim.c \
	osc/oscser.c osc/oscser.h \
	osc/osc_prs10.c \
	osc/osc_sa45s.c
