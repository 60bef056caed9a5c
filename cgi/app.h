/* app.h — the one process-wide state, built before the accept loop and passed to every handler. */
#ifndef ORDERSYNC_APP_H
#define ORDERSYNC_APP_H

#include "admin.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "log.h"

struct mus_cache;

/*
 * Everything a request may use that outlives it. Built once by main (or a
 * test) and never changed by a handler, except the caches below that exist
 * to be reused across requests.
 */
struct app {
	struct config		 cfg;
	struct logger		 log;
	struct db		*db;
	struct mus_cache	*tmpl;		/* parsed templates, by name */
	struct i18n		 i18n;
	struct auth_cache	 auth;		/* admin sessions seen lately (auth.h) */
	struct feed_cache	 feed;		/* change-feed heads, poll-rate samples (feed.h) */
	struct admin_cache	 admin;		/* rendered order-list rows (admin.h) */
};

#endif
