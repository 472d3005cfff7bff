noinst_LIBRARIES += db/libdb.a
db_libdb_a_SOURCES = \
	db/checkpoint.c db/checkpoint.h \
	db/db.c db/db.h \
	db/dbc.c db/dbc.h db/dbcint.h \
	db/dbc_pg.c \
	db/migrate.c \
	db/operator.c db/operator.h \
	db/spool.c db/spool.h \
	db/reportq.c db/reportq.h \
	db/store.c db/store.h \
	db/walbuf.c db/walbuf.h
