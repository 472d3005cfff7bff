noinst_LIBRARIES += upload/libupload.a
upload_libupload_a_SOURCES = \
	upload/client.c upload/client.h \
	upload/http.c upload/http.h \
	upload/queue.c upload/queue.h \
	upload/sender.c upload/sender.h
