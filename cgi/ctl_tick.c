/* ctl_tick.c — ordersyncctl tick: escalates the orders nobody started, delivers every outbox row that is due, then exits (a systemd timer, cron or make run calls it each minute). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "escalate.h"
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "mustache.h"
#include "outbox.h"

static const char *
env_get(const char *name)
{
	return getenv(name);
}

/*
 * The process state a drain needs (outbox.h): the configuration, the
 * database, and, with mail on, the templates and texts job mails are made
 * with; none of the web caches. 0, or -1 with the reason on stderr.
 */
static int
tick_app(struct app *app, const char *dbpath, struct logger *lg)
{
	struct buf err;

	buf_init(&err);
	if (app->cfg.mail != CFG_MAIL_OFF &&
	    i18n_load(&app->i18n, app->cfg.templates_dir, &err) != 0) {
		fprintf(stderr, "ordersyncctl: ORDERSYNC_TEMPLATES: %s\n", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	app->tmpl = mus_cache_new_dir(app->cfg.templates_dir);
	app->log = *lg;
	if ((app->db = ctl_open_db(dbpath, lg)) == NULL)
		return -1;
	util_use_zone(app->cfg.tz);
	return 0;
}

int
ctl_tick(const char *dbpath, struct logger *lg)
{
	struct outbox_stats st;
	struct app app;
	struct buf err;
	size_t escalated = 0;
	int rc = EXIT_FAILURE;

	memset(&app, 0, sizeof app);
	buf_init(&err);
	if (cfg_load(&app.cfg, env_get, &err) != 0) {
		fprintf(stderr, "ordersyncctl: %s\n", buf_str(&err));
		buf_free(&err);
		return EXIT_FAILURE;
	}
	buf_free(&err);
	/* Quiet by default (cron mails whatever a job prints): warnings and errors. */
	lg->level = getenv("ORDERSYNC_LOG_LEVEL") != NULL ? app.cfg.log_level : LOG_WARN;
	if (tick_app(&app, dbpath, lg) != 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);	/* a sendmail that exits early: EPIPE, not death */
	mail_init();
	/* Escalations first: their mails and webhooks go out in this same tick. */
	if (escalate_run(app.db, &app.log, (int64_t)time(NULL), &escalated) != DB_OK)
		fprintf(stderr, "ordersyncctl: tick: database error while escalating\n");
	else if (outbox_drain(&app, 0, 0, 10, &st) == DB_OK) {
		if (app.cfg.mail == CFG_MAIL_OFF)
			printf("tick: mail is off (ORDERSYNC_MAIL is not set); ");
		else
			printf("tick: ");
		printf("%zu sent, %zu to retry, %zu failed", st.sent, st.retried, st.failed);
		if (escalated > 0)
			printf("; %zu escalated", escalated);
		printf("\n");
		rc = EXIT_SUCCESS;
	} else
		fprintf(stderr, "ordersyncctl: tick: database error\n");
	mail_shutdown();
out:
	if (app.db != NULL)
		db_close(app.db);
	mus_cache_free(app.tmpl);
	i18n_free(&app.i18n);
	cfg_free(&app.cfg);
	return rc;
}
