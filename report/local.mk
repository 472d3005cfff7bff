# report: monthly uncertainty and traceability reports from a server's store, signed.
noinst_LIBRARIES += report/libreport.a
report_libreport_a_SOURCES = \
	report/report.h report/reportint.h \
	report/month.c report/stab.c report/log.c report/json.c \
	report/html.c report/figs.c report/figs.h report/trace.c report/trace.h report/trace_html.c \
	report/out.c report/out.h report/pdf.c report/pdftab.c report/pdftab.h \
	report/trace_pdf.c \
	report/sign.c report/sign.h
dist_man_MANS += doc/cvd-report.1

check_PROGRAMS += tests/test_report
tests_test_report_SOURCES = tests/test_report.c
tests_test_report_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_test_report_LDADD = $(TEST_LIBS)
