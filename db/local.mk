noinst_LIBRARIES += db/libdb.a
db_libdb_a_SOURCES = \
	db/db.c db/db.h \
	db/migrate.c \
	db/operator.c db/operator.h \
	db/spool.c db/spool.h \
	db/reportq.c db/reportq.h \
	db/store.c db/store.h
