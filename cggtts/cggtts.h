/* cggtts: placeholder until its module lands (see cggtts/local.mk). */
#ifndef CVD_CGGTTS_H
#define CVD_CGGTTS_H
#endif
