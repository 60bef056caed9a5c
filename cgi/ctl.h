/* ctl.h — ordersyncctl commands implemented outside ctl.c. */
#ifndef ORDERSYNC_CTL_H
#define ORDERSYNC_CTL_H

/*
 * ordersyncctl render TEMPLATE [DATA.json] [--partials DIR]
 *
 * Renders the template file TEMPLATE against the JSON data read from
 * DATA.json, or from standard input when it is absent, and writes the page
 * to standard output. Partials and parents are read from DIR/NAME.mustache
 * (default: TEMPLATE's own directory); a missing one is an error. argv[0] is
 * "render". Returns the exit status: 0 on success; 1 when the template or
 * data cannot be read, the data is not valid JSON, or rendering fails
 * (message on stderr as FILE:LINE:COL: MESSAGE); 2 on a usage error.
 */
int	ctl_render(int argc, char **argv);

struct logger;
struct db;
struct i18n;

/*
 * Opens the database at path for a command, its events queueing mail when
 * ORDERSYNC_MAIL is set (ctl_configure_notify); NULL with the reason on
 * stderr.
 */
struct db	*ctl_open_db(const char *path, struct logger *lg);
/* db_notify_configure() from the environment: ORDERSYNC_MAIL, ORDERSYNC_POLL_MS. */
void		 ctl_configure_notify(struct db *db);
/*
 * Loads the locale texts a command words its messages with (the
 * ORDERSYNC_TEMPLATES directory's, else ./templates) into in, and points
 * *lang at ORDERSYNC_LANG (else "en"). Returns 1 when loaded (release with
 * i18n_free), 0 when not: the caller then prints its message keys.
 */
int		 ctl_texts(struct i18n *in, const char **lang /* OUT */);

/*
 * ordersyncctl product add|set|list ... and ordersyncctl import FILE.csv
 * (argv[0] is "product" or "import"), on the database at dbpath: the
 * catalog from the command line, with the product form's rules and the
 * page's all-or-nothing import (bad lines on stderr as "line N: why").
 * Returns the exit status: 0 done, 1 refused or failed, 2 a usage error.
 */
int	ctl_product(const char *dbpath, struct logger *lg, int argc, char **argv);
/*
 * ordersyncctl demo --remove: deletes the demo products of the default
 * store never sold, deactivates the sold ones. Returns the exit status.
 */
int	ctl_demo_remove(const char *dbpath, struct logger *lg);

/*
 * ordersyncctl user list | user disable EMAIL | user reset EMAIL (argv[0]
 * is "list", "disable" or "reset"), on the database at dbpath: the
 * accounts one a line; disabling (no sign-in, sessions ended at once); a
 * reset (sessions ended, a new 48 h set-password link whose path is
 * printed). Returns the exit status (0 done, 1 failed), or -1 when argv is
 * none of these (the caller prints the usage).
 */
int	ctl_user(const char *dbpath, struct logger *lg, int argc, char **argv);

/*
 * ordersyncctl tick, on the database at dbpath with the ORDERSYNC_*
 * environment: escalates the orders still pending past their store's
 * limit (escalate.h), then delivers every outbox row due now (claimed one
 * at a time, so ticks and app processes never send a row twice; job mails
 * made with ORDERSYNC_TEMPLATES) and prints how many were sent, are to be
 * retried, failed, escalated. With mail off it sends no mail (webhooks
 * still go). Returns the exit status: 0 done, 1 a bad environment or
 * database error.
 */
int	ctl_tick(const char *dbpath, struct logger *lg);

/*
 * ordersyncctl store add SLUG NAME [--from SLUG] | store set SLUG KEY VALUE
 * | store list (argv[0] is "store"), on the database at dbpath: a new store
 * (its settings copied from --from's), one setting changed with the web
 * form's rules (store_input.h; wrong values on stderr in ORDERSYNC_LANG's
 * words), the stores one a line. Returns the exit status (0 done, 1
 * refused or failed), or -1 when argv is none of these (the caller prints
 * the usage).
 */
int	ctl_store(const char *dbpath, struct logger *lg, int argc, char **argv);

/*
 * ordersyncctl migrate-to URI (argv[0] is "migrate-to"): copies the SQLite
 * database at dbpath into the empty PostgreSQL database at URI (db_copy.h:
 * one transaction, identities past the source's ids, the epoch kept), then
 * prints one line per table with the counts found equal on both sides.
 * Returns the exit status: 0 done; 1 refused (the target not empty, a table
 * it does not know, not SQLite into PostgreSQL) or failed, nothing copied;
 * or -1 when argv is not "migrate-to URI" (the caller prints the usage).
 */
int	ctl_migrate_to(const char *dbpath, struct logger *lg, int argc, char **argv);

#endif
