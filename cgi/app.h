/* app.h — the one process-wide state, built before the accept loop and passed to every handler. */
#ifndef ORDERSYNC_APP_H
#define ORDERSYNC_APP_H

#include <stdint.h>

#include "config.h"
#include "i18n.h"
#include "log.h"

/*
 * A leaf: only foundations are included. The per-process caches of the
 * modules above are held behind pointers to their opaque types, so a module
 * that needs struct app does not see every other module's internals.
 */
struct admin_cache;
struct auth_cache;
struct db;
struct feed_cache;
struct mus_cache;

/*
 * Everything a request may use that outlives it. Built once by main (or a
 * test) with app_caches_new() and never changed by a handler, except the
 * caches below that exist to be reused across requests.
 *
 * Threads: each serving thread has its own struct app (app_thread_new): its
 * own database connection, logger (the request id), locale tables and
 * caches — the auth, feed and admin caches are per thread, so they take no
 * lock — while cfg and tmpl are the master's, shared: cfg is read-only once
 * loaded, and the template cache locks itself (mustache.c). The locale
 * tables are json-c objects that pages take references to, and json-c's
 * reference counts are not atomic: never share a json_object between threads.
 */
struct app {
	struct config		 cfg;
	struct logger		 log;
	struct db		*db;
	struct mus_cache	*tmpl;		/* parsed templates, by name */
	struct i18n		 i18n;
	struct auth_cache	*auth;		/* admin sessions seen lately (auth.h) */
	struct feed_cache	*feed;		/* change-feed heads, poll-rate samples (feed.h) */
	struct admin_cache	*admin;		/* rendered order-list rows (admin_view.h) */
	struct {
		int	 queued;	/* a request of this process queued a delivery */
		int64_t	 looked_at;	/* when this process last looked for due rows */
	} outbox;			/* main.c drains after the answer (outbox.h) */
};

/* Gives app new empty caches (aborts on OOM). */
void	app_caches_new(struct app *app);
/* Frees app's caches and sets the pointers to NULL; safe to call twice. */
void	app_caches_free(struct app *app);
/*
 * A serving thread's own copy of master (see above): new caches and a new
 * database connection. NULL with err set when the database cannot be
 * opened. app_thread_free closes and frees only what is the copy's own.
 */
struct app	*app_thread_new(const struct app *master, struct buf *err);
void		 app_thread_free(struct app *t);

#endif
