noinst_LIBRARIES += steer/libsteer.a
steer_libsteer_a_SOURCES = \
	steer/clockmodel.c steer/clockmodel.h \
	steer/ctl.c steer/ctl.h steer/ctlint.h \
	steer/ctl_cmd.c \
	steer/cv.c steer/cv.h \
	steer/anomaly.c steer/anomaly.h \
	steer/kalman.c steer/kalman.h \
	steer/kalman_track.c \
	steer/kf.c steer/kf.h \
	steer/pi.c \
	steer/refstep.c steer/refstep.h \
	steer/servo.c steer/servo.h steer/servo_private.h \
	steer/servo_null.c
