noinst_LIBRARIES += web/libweb.a
web_libweb_a_SOURCES = \
	web/api_read.c \
	web/api_upload.c \
	web/httpd.c \
	web/limits.c web/limits.h \
	web/page_grid.c \
	web/query.c web/query.h \
	web/routes_api.c \
	web/routes_pages.c \
	web/steerkind.c web/steerkind.h \
	web/web.h web/webint.h
