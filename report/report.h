/* report: placeholder until its module lands (see report/local.mk). */
#ifndef CVD_REPORT_H
#define CVD_REPORT_H
#endif
