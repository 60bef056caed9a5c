/* db_pg_impl.h — what db_pg.c and db_pg_open.c share: the connection's state, the session's settings, running plain SQL. */
#ifndef ORDERSYNC_DB_PG_IMPL_H
#define ORDERSYNC_DB_PG_IMPL_H

#include <stdint.h>

#include <libpq-fe.h>

#include "db_impl.h"

/*
 * What pg_step() returns on failure, for pg_status_of(): the class of the
 * last error, whose SQLSTATE and message the connection keeps.
 */
enum {
	PGRC_ERROR = 1,		/* anything else */
	PGRC_BUSY = 5,		/* serialization failure, deadlock, lock or statement timeout */
	PGRC_CONN = 7,		/* the connection is lost: 503 now, reconnect next time */
	PGRC_CONSTRAINT = 19	/* a unique, foreign key, check or not-null violation */
};

/* What a host must fix when PostgreSQL refuses a write (README, "PostgreSQL"). */
#define PG_OWNER_HINT "the user in ORDERSYNC_DB must own the database or be " \
	"granted INSERT, UPDATE and DELETE on its tables, on the primary server"

/* The session's settings, made again after a reconnection. */
#define SESSION_SQL \
	"SET lock_timeout = '5s'; SET statement_timeout = '60s'; " \
	"SET synchronous_commit = on; SET client_min_messages = warning; " \
	"SET application_name = 'ordersync'"

struct db_pg {
	PGconn		*conn;
	unsigned	 gen;		/* bumped at each reconnection: statements prepare again */
	int64_t		 changes;	/* rows the last statement changed */
	char		 sqlstate[6];	/* of the last error */
	char		 message[300];
	int		 listening;	/* LISTEN ordersync_feed was asked (pg_watch_fd) */
	int		 missed;	/* reconnected since pg_watch_changed: notices lost */
};

/* The channel the events' trigger notifies (schema-pg.sql migration 10). */
#define FEED_CHANNEL	"ordersync_feed"

/*
 * The connection, made again when it was lost (a restarted server, a
 * dropped link, one the server closed while idle): 1 when it is usable.
 * A new one prepares every statement again (gen) and gets the session
 * settings.
 */
int	pg_connected(struct db *db);
/* Keeps the error of res (NULL: the connection's) for pg_status_of; its PGRC_ class. */
int	pg_keep_error(struct db *db, const PGresult *res);
/* Runs sql (one or more statements, no parameters) for its effect: 0, or a PGRC_ (the error kept for pg_status_of). */
int	pg_run(struct db *db, const char *sql);

#endif
