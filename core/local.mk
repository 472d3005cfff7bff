noinst_LIBRARIES += core/libcore.a
core_libcore_a_SOURCES = \
	core/clkshm.c core/clkshm.h \
	core/clock.c core/clock.h \
	core/command.c core/command.h \
	core/conf.c core/conf.h \
	core/drvconf.c core/drvconf.h \
	core/jsonx.c core/jsonx.h core/jxdump.c \
	core/log.c core/log.h \
	core/msg.c core/msg.h \
	core/procconf.c core/procconf.h \
	core/secret.c core/secret.h \
	core/serial.c core/serial.h \
	core/sign.c core/sign.h \
	core/timeutil.c core/timeutil.h \
	core/track.c core/track.h
