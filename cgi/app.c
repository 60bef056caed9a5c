/* app.c — the process-wide state's caches, and each serving thread's own copy of the state: made before the accept loop, freed after it. */
#include <stdlib.h>

#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "db.h"
#include "db_notify.h"
#include "feed.h"
#include "notify.h"

void
app_caches_new(struct app *app)
{
	app->auth = xcalloc(1, sizeof *app->auth);
	app->feed = xcalloc(1, sizeof *app->feed);
	app->admin = admin_cache_new();
}

void
app_caches_free(struct app *app)
{
	free(app->auth);
	free(app->feed);
	admin_cache_free(app->admin);
	app->auth = NULL;
	app->feed = NULL;
	app->admin = NULL;
}

struct app *
app_thread_new(const struct app *master, struct buf *err)
{
	struct app *t = xcalloc(1, sizeof *t);

	*t = *master;		/* cfg and tmpl: shared, read-only */
	t->db = NULL;
	t->outbox.queued = 0;
	t->outbox.looked_at = 0;
	/*
	 * The locale tables are loaded again, one copy per thread: views put
	 * them into each page's model by reference (json_object_get), and
	 * json-c counts references without atomics, so two threads sharing one
	 * table would corrupt its count (seen: an assertion in
	 * json_object_put under the bench's catalog load).
	 */
	if (i18n_load(&t->i18n, t->cfg.templates_dir, err) != 0) {
		free(t);
		return NULL;
	}
	app_caches_new(t);
	if ((t->db = db_open(t->cfg.db_path, t->cfg.sync_full, &t->log, err)) == NULL) {
		app_caches_free(t);
		i18n_free(&t->i18n);
		free(t);
		return NULL;
	}
	db_notify_configure(t->db, t->cfg.mail != CFG_MAIL_OFF,
	    notify_watch_secs(t->cfg.poll_ms));
	return t;
}

void
app_thread_free(struct app *t)
{
	if (t == NULL)
		return;
	db_close(t->db);
	app_caches_free(t);
	i18n_free(&t->i18n);
	free(t);
}
