# report: monthly uncertainty and traceability reports from a server's store, signed.
noinst_LIBRARIES += report/libreport.a
report_libreport_a_SOURCES = report/report.h report/report.c
