noinst_LIBRARIES += upload/libupload.a
upload_libupload_a_SOURCES = \
	upload/client.c upload/client.h \
	upload/conf.c upload/conf.h \
	upload/http.c upload/http.h \
	upload/queue.c upload/queue.h \
	upload/sender.c upload/sender.h
