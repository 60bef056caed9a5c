/* main.c — ordersync.fcgi: wires config, logger, database, templates and routes, then serves. */
#include <dirent.h>
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin_catalog.h"
#include "admin_counter.h"
#include "admin_dashboard.h"
#include "admin_feed.h"
#include "admin_login.h"
#include "admin_notifications.h"
#include "admin_orders.h"
#include "admin_orders_list.h"
#include "admin_payments.h"
#include "admin_orders_csv.h"
#include "admin_print.h"
#include "admin_selftest.h"
#include "admin_settings.h"
#include "admin_staff.h"
#include "api_orders.h"
#include "app.h"
#include "catalog_csv.h"
#include "checkout.h"
#include "db.h"
#include "db_notify.h"
#include "db_outbox.h"
#include "db_stores.h"
#include "feed.h"
#include "http.h"
#include "image.h"
#include "lookup.h"
#include "mail.h"
#include "media.h"
#include "multipart.h"
#include "mustache.h"
#include "notify.h"
#include "outbox.h"
#include "router.h"
#include "serve.h"
#include "shop.h"
#include "store.h"
#include "view.h"


/* GET /healthz: 200 "ok" when the database answers a query, else 503. */
static void
healthz(struct app *app, struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	rs->content_type = "text/plain; charset=utf-8";
	http_add_header(rs, "Cache-Control", "no-store");
	if (db_ping(app->db) == DB_OK) {
		buf_puts(&rs->body, "ok\n");
		return;
	}
	rs->status = 503;
	http_add_header(rs, "Retry-After", "2");
	buf_puts(&rs->body, "database unavailable\n");
}

static const struct route core_routes[] = {
	{ "GET", "/healthz", healthz, 0 },
};

/* One module's route table: its routes and how many. */
struct route_table {
	const struct route	*table;
	size_t			 n;
};

static const char *
error_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 413: return "too_large";
	case 415: return "unsupported_media_type";
	case 431: return "headers_too_large";
	default:  return "error";
	}
}

/* 1 when one of the table's routes is a customer route (ROUTE_SHOP). */
static int
has_shop_routes(const struct route_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->table[i].flags & ROUTE_SHOP)
			return 1;
	return 0;
}

/*
 * The route for the request's method and path (the app-relative path, or
 * what follows a storefront's "/s/{slug}"), over every module's table in
 * match order; shop_only: only customer routes (ROUTE_SHOP) match. params
 * receives its {name} values (NULL: not kept), allow the methods a 405
 * names (NULL: not kept).
 */
static enum route_result
find_route(const struct http_request *rq, const char *path, int shop_only,
    struct kvlist *params, const struct route **r, struct buf *allow)
{
	/*
	 * Every route table of the app, in match order. Automatic, not static:
	 * the modules' X_nroutes are extern consts, which C does not accept in
	 * a static initialiser.
	 */
	const struct route_table route_tables[] = {
		{ core_routes, NELEM(core_routes) },
		{ shop_routes, shop_nroutes },
		/* before checkout: its /orders/{number} would take "lookup" */
		{ lookup_routes, lookup_nroutes },
		{ checkout_routes, checkout_nroutes },
		{ api_orders_routes, api_orders_nroutes },
		{ admin_login_routes, admin_login_nroutes },
		{ admin_dashboard_routes, admin_dashboard_nroutes },
		/* before admin_orders: its /admin/orders/{number} would take "new" */
		{ admin_counter_routes, admin_counter_nroutes },
		{ admin_payments_routes, admin_payments_nroutes },
		{ admin_orders_csv_routes, admin_orders_csv_nroutes },
		{ admin_print_routes, admin_print_nroutes },
		{ admin_orders_list_routes, admin_orders_list_nroutes },
		{ admin_orders_routes, admin_orders_nroutes },
		/* before admin_catalog: its /admin/products/{id} would take "import" */
		{ catalog_csv_routes, catalog_csv_nroutes },
		{ admin_catalog_routes, admin_catalog_nroutes },
		{ admin_feed_routes, admin_feed_nroutes },
		{ admin_staff_routes, admin_staff_nroutes },
		{ admin_password_routes, admin_password_nroutes },
		{ admin_settings_routes, admin_settings_nroutes },
		{ admin_notifications_routes, admin_notifications_nroutes },
		{ admin_stores_routes, admin_stores_nroutes },
		{ admin_selftest_routes, admin_selftest_nroutes },
		{ media_routes, media_nroutes },
	};
	enum route_result res = ROUTE_NOT_FOUND;
	struct kvlist scratch = { 0 };
	struct buf none;
	size_t i;

	buf_init(&none);
	for (i = 0; i < NELEM(route_tables) && res != ROUTE_OK; i++) {
		enum route_result one;

		if (shop_only && !has_shop_routes(&route_tables[i]))
			continue;
		one = route_match(route_tables[i].table, route_tables[i].n,
		    rq->method_name, path, params ? params : &scratch, r,
		    allow ? allow : &none);
		if (one == ROUTE_OK && shop_only && !((*r)->flags & ROUTE_SHOP))
			one = ROUTE_NOT_FOUND;
		if (one == ROUTE_OK || res == ROUTE_NOT_FOUND)
			res = one;
	}
	kv_free(&scratch);
	buf_free(&none);
	return res;
}

/* http_upload_rule: the request's route takes uploads (ROUTE_UPLOAD). */
static int
takes_upload(void *arg, const struct http_request *rq)
{
	const struct route *r = NULL;

	(void)arg;
	return rq->path != NULL && find_route(rq, rq->path, 0, NULL, &r, NULL) == ROUTE_OK &&
	    (r->flags & ROUTE_UPLOAD) != 0;
}

/*
 * The raw path the client sent (REQUEST_URI without its query, else
 * PATH_INFO) into a new string, or NULL: the app-relative rq->path has its
 * trailing slash and dot segments normalised away.
 */
static char *
raw_path(const struct http_request *rq)
{
	const char *uri = http_param(rq, "REQUEST_URI");

	if (uri != NULL && *uri == '/')
		return xstrndup(uri, strcspn(uri, "?"));
	uri = http_param(rq, "PATH_INFO");
	return uri != NULL ? xstrdup(uri) : NULL;
}

/* 1 when the raw path asked for a storefront ("BASE/s/…") or ends with a slash (trail). */
static int
raw_path_is(struct app *app, const struct http_request *rq, int trail)
{
	char *raw = raw_path(rq);
	size_t n = raw ? strlen(raw) : 0, b = strlen(app->cfg.base_url);
	int yes;

	if (trail)
		yes = n > 0 && raw[n - 1] == '/';
	else
		yes = n > b + 3 && strncmp(raw, app->cfg.base_url, b) == 0 &&
		    strncmp(raw + b, "/s/", 3) == 0;
	free(raw);
	return yes;
}

enum storefront { SF_NONE, SF_STORE, SF_ANSWERED };

/*
 * A path under "/s/{slug}": loads the store into *st (its defaults
 * applied) and points *rest at the path below the prefix ("/" for the
 * catalog). SF_NONE when the path is not a storefront's; SF_ANSWERED when
 * rs holds the answer: 404 for a slug that is malformed, unknown or
 * "default" (served at "/"), 308 to "/s/{slug}/" for the slash-less form,
 * 503 when the database fails.
 */
static enum storefront
storefront(struct app *app, struct http_request *rq, struct http_response *rs,
    struct store *st, const char **rest)
{
	char slug[STORE_SLUG_MAX + 1], *url;
	const char *p = rq->path;
	enum db_status rc;
	size_t n;

	*rest = p;
	if (strncmp(p, "/s/", 3) != 0)
		return SF_NONE;
	p += 3;
	if ((n = strcspn(p, "/")) == 0 || n > STORE_SLUG_MAX)
		goto not_found;
	memcpy(slug, p, n);
	slug[n] = '\0';
	if (!store_slug_ok(slug) || strcmp(slug, "default") == 0)
		goto not_found;
	if ((rc = db_store_by_slug(app->db, slug, st)) == DB_NOTFOUND)
		goto not_found;
	if (rc != DB_OK) {
		view_unavailable(app, rq, rs);
		return SF_ANSWERED;
	}
	store_defaults(st, &app->cfg);
	if (p[n] == '\0' && !raw_path_is(app, rq, 1)) {
		url = xasprintf("%s/s/%s/", app->cfg.base_url, slug);
		http_redirect(rs, 308, url);
		free(url);
		return SF_ANSWERED;
	}
	*rest = p[n] != '\0' ? p + n : "/";
	return SF_STORE;
not_found:
	view_error(app, rq, rs, 404, "not_found", view_text(app, rq, "error.not_found"));
	return SF_ANSWERED;
}

/*
 * Gives a customer route its store (the storefront's, else the default
 * store) and the store's time zone. Other routes leave the zone alone:
 * every one that shows local times passes auth_require, which sets the
 * user's store's zone; resetting it here would make each feed poll of a
 * store in another zone read two zone files. Returns 0, or -1 with a 503.
 */
static int
route_store(struct app *app, struct http_request *rq, struct http_response *rs,
    const struct route *r, enum storefront sf, struct store *st)
{
	if (!(r->flags & ROUTE_SHOP))
		return 0;
	if (sf != SF_STORE) {
		if (db_store_get(app->db, STORE_DEFAULT_ID, st) != DB_OK) {
			view_unavailable(app, rq, rs);
			return -1;
		}
		store_defaults(st, &app->cfg);
	}
	rq->store = st;
	util_use_zone(st->tz);
	return 0;
}

static void
dispatch(void *arg, struct http_request *rq, struct http_response *rs)
{
	struct app *app = arg;
	const struct route *r = NULL;
	enum route_result res = ROUTE_NOT_FOUND;
	enum storefront sf = SF_NONE;
	struct store store;
	const char *path = rq->path;
	struct buf allow;

	snprintf(app->log.reqid, sizeof app->log.reqid, "%s", rq->id);
	memset(&store, 0, sizeof store);
	buf_init(&allow);
	if (rq->error == 400 && rq->path != NULL && strcmp(rq->path, "/") == 0 &&
	    raw_path_is(app, rq, 0)) {
		/*
		 * "/s/../admin", "/s/%2e%2e/": a path http.c refused (it left
		 * rq->path "/") under "/s/" names no storefront. A bad form or
		 * query keeps its 400.
		 */
		view_error(app, rq, rs, 404, "not_found", view_text(app, rq, "error.not_found"));
		goto done;
	}
	if (rq->path != NULL && !rq->error &&
	    (sf = storefront(app, rq, rs, &store, &path)) == SF_ANSWERED)
		goto done;
	if (rq->path != NULL)
		res = find_route(rq, path, sf == SF_STORE, &rq->params, &r, &allow);
	/* The route knows whether it answers JSON, its errors included. */
	if (res == ROUTE_OK && (r->flags & ROUTE_JSON))
		rq->wants_json = 1;
	if (rq->error) {
		view_error(app, rq, rs, rq->error, error_code(rq->error), rq->error_msg);
		goto done;
	}
	if (res != ROUTE_OK && sf == SF_STORE)
		rq->store = &store;	/* its error page in its words and links */
	if (res == ROUTE_NOT_FOUND) {
		view_error(app, rq, rs, 404, "not_found", view_text(app, rq, "error.not_found"));
	} else if (res == ROUTE_BAD_METHOD) {
		http_add_header(rs, "Allow", "%s", buf_str(&allow));
		view_error(app, rq, rs, 405, "method_not_allowed",
		    view_text(app, rq, "error.method_not_allowed"));
	} else if (route_store(app, rq, rs, r, sf, &store) == 0)
		r->handler(app, rq, rs);
done:
	log_msg(&app->log, LOG_DEBUG, "%s %s -> %d", rq->method_name, rq->path, rs->status);
	rq->store = NULL;
	store_free(&store);
	buf_free(&allow);
	snprintf(app->log.reqid, sizeof app->log.reqid, "-");
}

/*
 * http_after_answer: the outbox, once the client has its answer (mail and
 * webhooks). Only when this process queued something (a request, or an
 * event's jobs: db_outbox_take_added) or has not looked for a while (the
 * tick does the rest): at most 5 rows, about 2 s, each send bounded to 2 s
 * (connect) and 4 s (all; a webhook: 5 s), so the next request of this
 * process waits little; a slow relay is left to the tick. With mail off,
 * mail rows are not sent; webhooks still are.
 */
static void
after_answer(void *arg)
{
	struct app *app = arg;
	int64_t now = (int64_t)time(NULL);
	int added = db_outbox_take_added(app->db);

	if (!added && !app->outbox.queued && now - app->outbox.looked_at < 30)
		return;
	app->outbox.queued = 0;
	app->outbox.looked_at = now;
	(void)outbox_drain(app, 5, 2000, 2, NULL);	/* logged */
}

static int
watch_fd(void *ctx)
{
	return feed_watch_fd(ctx);
}

static int
watch_changed(void *ctx)
{
	return feed_watch_changed(ctx);
}

static int
watch_head(void *ctx, int64_t scope, int64_t *head)
{
	return feed_watch_head(ctx, scope, head);
}

static const struct serve_hooks hooks = {
	dispatch, takes_upload, after_answer, watch_fd, watch_changed, watch_head,
};

/*
 * FastCGI: a context per worker thread and one for the watcher (app.h,
 * "Threads"), then the pool; the master's own connection is closed first,
 * it served only the start-up checks. 0, or -1 when a context could not
 * be made or the loop failed (logged).
 */
static int
serve_threads(struct app *app)
{
	void **ctx = xcalloc((size_t)app->cfg.threads + 1, sizeof *ctx);
	atomic_int stop = 0;
	struct buf err;
	int i, n = 0, rc = -1;

	buf_init(&err);
	db_close(app->db);
	app->db = NULL;
	for (n = 0; n <= app->cfg.threads; n++)
		if ((ctx[n] = app_thread_new(app, &err)) == NULL) {
			log_msg(&app->log, LOG_ERROR, "ORDERSYNC_DB: %s; exiting", buf_str(&err));
			goto out;
		}
	if (serve_fastcgi(app->cfg.base_url, &hooks, ctx, app->cfg.threads, &stop) != 0) {
		log_msg(&app->log, LOG_ERROR, "the FastCGI accept loop failed: %s; exiting",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		app_thread_free(ctx[i]);
	free(ctx);
	buf_free(&err);
	return rc;
}

/* Parses every template of the directory once, so a broken template stops start-up. */
static int
check_templates(struct app *app)
{
	struct mus_error err;
	struct dirent *de;
	DIR *d;
	char *name;
	size_t n;
	int rc = 0;

	if ((d = opendir(app->cfg.templates_dir)) == NULL) {
		fprintf(stderr, "ordersync: ORDERSYNC_TEMPLATES: cannot open %s\n",
		    app->cfg.templates_dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n <= 9 || de->d_name[0] == '.' || strcmp(de->d_name + n - 9, ".mustache") != 0)
			continue;
		name = xstrndup(de->d_name, n - 9);
		if (mus_check(app->tmpl, name, &err) != 0) {
			fprintf(stderr, "ordersync: template %s is broken: %s:%d:%d: %s\n",
			    name, err.name, err.line, err.col, err.msg);
			rc = -1;
		}
		free(name);
	}
	closedir(d);
	return rc;
}

/*
 * Makes the app stop when the FastCGI server that started it dies.
 *
 * A server that spawns the app itself (lighttpd's mod_fastcgi, mod_fcgid,
 * multiwatch) stays its parent for the app's whole life. Killed with
 * SIGKILL, it cannot stop its children: they would live on under PID 1,
 * holding the socket and the database, and the next server would reuse
 * them. So when the parent at start-up is such a server, the kernel is
 * asked to send SIGTERM when it dies (PR_SET_PDEATHSIG, Linux): during
 * start-up that ends the process, later on_term ends the accept loop like
 * any SIGTERM. It runs first thing, so the parent seen is the one that
 * exec'd us (a spawner has had no time to leave yet).
 *
 * Not when the parent is supposed to go away: PID 1 is systemd's socket
 * activation (or a spawner that has already left), and spawn-fcgi forks
 * the app and exits a moment later, so a child of spawn-fcgi must not
 * follow it (/proc/PPID/comm names the parent).
 *
 * The parent may die between getppid() and prctl(), and then no signal
 * ever comes; reading getppid() again after prctl() closes that window: a
 * different parent means the first one is gone already.
 *
 * Returns 0 to serve on, -1 when the parent died before we got here.
 */
static int
follow_parent(void)
{
	pid_t ppid = getppid();
	char path[64], comm[32] = "";
	FILE *f;

	if (ppid <= 1)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/comm", (long)ppid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "spawn-fcgi") == 0)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
		perror("ordersync: prctl(PR_SET_PDEATHSIG)");
		return 0;
	}
	if (getppid() != ppid) {
		fprintf(stderr, "ordersync: the FastCGI server that started us "
		    "(PID %ld) is gone; exiting\n", (long)ppid);
		return -1;
	}
	return 0;
}

static const char *
env_getter(const char *name)
{
	return getenv(name);
}

int
main(void)
{
	struct app app;
	struct buf err;
	int rc = EXIT_FAILURE;

	memset(&app, 0, sizeof app);
	app_caches_new(&app);
	buf_init(&err);
	if (follow_parent() != 0)
		goto out;
	log_init(&app.log, LOG_INFO);
	if (sodium_init() < 0) {
		fprintf(stderr, "ordersync: libsodium failed to initialise\n");
		return EXIT_FAILURE;
	}
	if (cfg_load(&app.cfg, env_getter, &err) != 0) {
		fprintf(stderr, "ordersync: %s\n", buf_str(&err));
		goto out;
	}
	app.log.level = app.cfg.log_level;
	if (setenv("TZ", app.cfg.tz, 1) != 0)
		goto out;
	tzset();
	util_zone_default(app.cfg.tz);
	if (i18n_load(&app.i18n, app.cfg.templates_dir, &err) != 0) {
		fprintf(stderr, "ordersync: ORDERSYNC_TEMPLATES: %s\n", buf_str(&err));
		goto out;
	}
	app.tmpl = mus_cache_new_dir(app.cfg.templates_dir);
	if (check_templates(&app) != 0)
		goto out;
	if ((app.db = db_open(app.cfg.db_path, app.cfg.sync_full, &app.log, &err)) == NULL) {
		fprintf(stderr, "ordersync: ORDERSYNC_DB: %s\n", buf_str(&err));
		goto out;
	}

	db_notify_configure(app.db, app.cfg.mail != CFG_MAIL_OFF,
	    notify_watch_secs(app.cfg.poll_ms));
	multipart_init();
	mail_init();

	signal(SIGPIPE, SIG_IGN);

	if (FCGX_IsCGI()) {
		/* One request per process: nothing can be held, the page polls. */
		app.cfg.wait_max = 0;
		serve_cgi(app.cfg.base_url, &hooks, &app);
	} else if (serve_threads(&app) != 0)
		goto out;
	rc = EXIT_SUCCESS;
out:
	db_close(app.db);
	mail_shutdown();
	multipart_shutdown();
	image_shutdown();
	app_caches_free(&app);
	mus_cache_free(app.tmpl);
	i18n_free(&app.i18n);
	cfg_free(&app.cfg);
	buf_free(&err);
	return rc;
}
