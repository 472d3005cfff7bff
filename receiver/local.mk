noinst_LIBRARIES += receiver/libreceiver.a
receiver_libreceiver_a_SOURCES = \
	receiver/receiver.c receiver/receiver.h \
	receiver/rx_sim.c \
	receiver/rx_gpsd.c receiver/rx_gpsd.h
