noinst_LIBRARIES += tic/libtic.a
tic_libtic_a_SOURCES = \
	tic/tic.c tic/tic.h \
	tic/tic_sim.c \
	tic/tic_replay.c \
	tic/tic_ticc.c tic/ticcline.c tic/ticcline.h \
	tic/tic_53230a.c \
	tic/tic_sr620.c \
	tic/tic_pps.c \
	tic/scpi.c tic/scpi.h \
	tic/ticlabel.c tic/ticlabel.h \
	tic/edgepair.c tic/edgepair.h \
	tic/ticutil.c tic/ticutil.h
