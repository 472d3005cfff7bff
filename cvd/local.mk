bin_PROGRAMS += cvd/cvd
cvd_cvd_SOURCES = \
	cvd/calibrate.c \
	cvd/cmd.h \
	cvd/commands.c \
	cvd/main.c \
	cvd/stability.c \
	cvd/probe.c cvd/probe.h \
	cvd/procconf.c cvd/procconf.h \
	cvd/sig.c cvd/sig.h \
	cvd/site_conf.c cvd/site_conf.h \
	cvd/sitecore.c cvd/sitecore.h \
	cvd/server_conf.c cvd/server_conf.h \
	cvd/simscore.c cvd/simscore.h \
	cvd/simulate.c \
	cvd/site_main.c \
	cvd/server_main.c \
	cvd/demo_main.c
CVD_LIBS = \
	web/libweb.a \
	upload/libupload.a \
	steer/libsteer.a \
	track/libtrack.a \
	osc/libosc.a \
	receiver/libreceiver.a \
	tic/libtic.a \
	db/libdb.a \
	sim/libsim.a \
	stats/libstats.a \
	core/libcore.a
CVD_EXTLIBS = $(MHD_LIBS) $(CURL_LIBS) $(SQLITE_LIBS) $(GPS_LIBS) $(JANSSON_LIBS) \
	$(CRYPTO_LIBS) $(ZLIB_LIBS) -lm -lpthread
cvd_cvd_LDADD = $(CVD_LIBS) $(CVD_EXTLIBS)
