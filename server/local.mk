# server: the central server's application layer (ingest, steering bookkeeping, holdover,
# read-outs) and its configuration.
noinst_LIBRARIES += server/libserver.a
server_libserver_a_SOURCES = \
	server/alert.c server/alert.h \
	server/batch.c server/batch.h \
	server/cggtts_ingest.c server/cggtts_ingest.h \
	server/conf.c server/conf.h \
	server/events.c \
	server/ingest.c \
	server/lease.c \
	server/operator.c \
	server/readout.c \
	server/server.c server/server.h server/serverint.h \
	server/slotcache.c server/slotcache.h \
	server/upload.c
