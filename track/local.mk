noinst_LIBRARIES += track/libtrack.a
track_libtrack_a_SOURCES = \
	track/builder.c track/builder.h \
	track/calib.c track/calib.h \
	track/linfit.c track/linfit.h
