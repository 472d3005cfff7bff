bin_PROGRAMS += cvd/cvd
cvd_cvd_SOURCES = \
	cvd/calibrate.c \
	cvd/cggtts_main.c cvd/cggtts_upload.c \
	cvd/cmd.h \
	cvd/commands.c \
	cvd/main.c \
	cvd/operator_main.c \
	cvd/report_main.c \
	cvd/stability.c cvd/stability.h cvd/stability_out.c \
	cvd/sig.c cvd/sig.h \
	cvd/simnet.c cvd/simnet.h \
	cvd/simulate.c \
	cvd/site_main.c \
	cvd/server_main.c \
	cvd/demo_main.c \
	cvd/demo_ha.c cvd/demo_ha.h
CVD_LIBS = \
	web/libweb.a \
	server/libserver.a \
	report/libreport.a \
	site/libsite.a \
	upload/libupload.a \
	steer/libsteer.a \
	track/libtrack.a \
	osc/libosc.a \
	receiver/libreceiver.a \
	tic/libtic.a \
	db/libdb.a \
	cggtts/libcggtts.a \
	sim/libsim.a \
	plot/libplot.a \
	stats/libstats.a \
	core/libcore.a
CVD_EXTLIBS = $(MHD_LIBS) $(CURL_LIBS) $(SQLITE_LIBS) $(GPS_LIBS) $(JANSSON_LIBS) \
	$(CRYPTO_LIBS) $(ZLIB_LIBS) $(CAIRO_LIBS) $(PQ_LIBS) -lm -lpthread
cvd_cvd_LDADD = $(CVD_LIBS) $(CVD_EXTLIBS)
