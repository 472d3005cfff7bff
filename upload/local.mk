noinst_LIBRARIES += upload/libupload.a
upload_libupload_a_SOURCES = \
	upload/client.c upload/client.h
