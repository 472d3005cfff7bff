# site: the site daemon's pipeline (measuring, storing, applying commands), its
# configuration, the instrument probe and the measuring loop.
noinst_LIBRARIES += site/libsite.a
site_libsite_a_SOURCES = \
	site/conf.c site/conf.h \
	site/core.c site/core.h \
	site/daemon.c site/daemon.h \
	site/hostclock.c site/hostclock.h \
	site/probe.c site/probe.h
