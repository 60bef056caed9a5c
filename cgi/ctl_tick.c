/* ctl_tick.c — ordersyncctl tick: delivers every outbox row that is due, then exits (a systemd timer, cron or make run calls it each minute). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"

static const char *
env_get(const char *name)
{
	return getenv(name);
}

int
ctl_tick(const char *dbpath, struct logger *lg)
{
	struct outbox_stats st;
	struct config cfg;
	struct buf err;
	struct db *db;
	int rc = EXIT_FAILURE;

	buf_init(&err);
	if (cfg_load(&cfg, env_get, &err) != 0) {
		fprintf(stderr, "ordersyncctl: %s\n", buf_str(&err));
		buf_free(&err);
		return EXIT_FAILURE;
	}
	buf_free(&err);
	/* Quiet by default (cron mails whatever a job prints): warnings and errors. */
	lg->level = getenv("ORDERSYNC_LOG_LEVEL") != NULL ? cfg.log_level : LOG_WARN;
	if (cfg.mail == CFG_MAIL_OFF) {
		printf("tick: mail is off (ORDERSYNC_MAIL is not set); nothing sent\n");
		cfg_free(&cfg);
		return EXIT_SUCCESS;
	}
	if ((db = ctl_open_db(dbpath, lg)) == NULL) {
		cfg_free(&cfg);
		return EXIT_FAILURE;
	}
	signal(SIGPIPE, SIG_IGN);	/* a sendmail that exits early: EPIPE, not death */
	mail_init();
	if (outbox_drain(db, &cfg, lg, 0, 0, 10, &st) == DB_OK) {
		printf("tick: %zu sent, %zu to retry, %zu failed\n", st.sent, st.retried,
		    st.failed);
		rc = EXIT_SUCCESS;
	} else
		fprintf(stderr, "ordersyncctl: tick: database error\n");
	mail_shutdown();
	db_close(db);
	cfg_free(&cfg);
	return rc;
}
