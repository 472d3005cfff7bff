# Man pages and the operator's guide.

dist_man_MANS += doc/cvd-stability.1
dist_man_MANS += doc/cvd-osc.5
dist_man_MANS += doc/cvd-receiver.5
dist_man_MANS += doc/cvd-tic.5
dist_man_MANS += doc/cvd.1 doc/cvd-demo.1 doc/cvd-simulate.1 doc/cvd-calibrate.1
dist_man_MANS += doc/cvd-site.8 doc/cvd-server.8 doc/cvd-operator.8

# The directive lists of the man pages are made from the configuration tables:
# `make update-man` writes them in; tests/test_manpages checks that they are current.
noinst_PROGRAMS += doc/confdoc
doc_confdoc_SOURCES = doc/confdoc.c
doc_confdoc_LDADD = $(CVD_LIBS) $(CVD_EXTLIBS)
MAN_TABLES = doc/cvd-site.8:site doc/cvd-server.8:server doc/cvd-simulate.1:scenario
update-man: doc/confdoc$(EXEEXT)
	for pt in $(MAN_TABLES); do \
	  doc/confdoc$(EXEEXT) --update $(srcdir)/$${pt%%:*} $${pt##*:} || exit 1; \
	done
.PHONY: update-man
