/* ctl.c — ordersyncctl, the admin CLI: init, demo, user add/show/list/disable/reset, store add/set/list, product, import, render, check-config, tick, migrate-to. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "db_notify.h"
#include "db_setup.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "role.h"

#define EXIT_USAGE 2

static const char usage[] =
"usage: ordersyncctl [--db PATH] COMMAND ...\n"
"\n"
"  init                         create or migrate the database\n"
"  demo [--remove]              insert the demo catalog (8 products); --remove\n"
"                               deletes those never sold, hides the others\n"
"  user add EMAIL [--role admin|staff|seller] [--store SLUG]\n"
"                               add a user; the password is read from stdin\n"
"  user show EMAIL              print a user's role and store\n"
"  user list                    every account: email, role, store, state,\n"
"                               last sign-in\n"
"  user disable EMAIL           no more sign-in; their sessions end at once\n"
"  user reset EMAIL             end their sessions and print a new\n"
"                               set-password link (/admin/password/...)\n"
"  store add SLUG NAME [--from SLUG]\n"
"                               add a store; --from copies another's settings\n"
"  store set SLUG KEY VALUE     change one setting (KEY: name, contact_email,\n"
"                               phone, address, hours, fulfilment, vat_note,\n"
"                               legal, currency, language, timezone,\n"
"                               alert_emails, escalate_minutes,\n"
"                               escalate_emails, slug); an empty name,\n"
"                               currency, language or timezone follows the\n"
"                               ORDERSYNC_* value\n"
"  store list                   every store: slug, name, orders, staff\n"
"  product add SKU NAME PRICE STOCK [--store SLUG] [--description TEXT]\n"
"              [--inactive] [--low N]\n"
"                               add a product (PRICE 12.90 or 12,90)\n"
"  product set SKU [--name N] [--description T] [--price P] [--stock N]\n"
"              [--active 0|1] [--low N] [--store SLUG]\n"
"                               change a product; what is not given stays\n"
"  product list [--store SLUG] [--csv]\n"
"                               the products, tab-separated (or CSV)\n"
"  import FILE.csv [--store SLUG]\n"
"                               import a catalog CSV: all lines or none\n"
"  render TEMPLATE [DATA.json] [--partials DIR]\n"
"                               render a mustache template to stdout\n"
"  check-config                 check the ORDERSYNC_* environment as the app\n"
"                               reads it; print the settings, change nothing\n"
"  tick                         escalate unattended orders, deliver the mail\n"
"                               and webhooks that are due (retries too);\n"
"                               run it every minute (systemd timer or cron)\n"
"  migrate-to postgresql://...  copy this SQLite database (the shop stopped)\n"
"                               into a new, empty PostgreSQL database: every\n"
"                               table, ids and epoch kept, in one transaction,\n"
"                               counts checked on both sides\n"
"\n"
"The database is --db PATH, else $ORDERSYNC_DB, else var/ordersync.db.\n";

int
ctl_texts(struct i18n *in, const char **lang)
{
	const char *dir = getenv("ORDERSYNC_TEMPLATES"), *l = getenv("ORDERSYNC_LANG");
	struct buf err;
	int have;

	memset(in, 0, sizeof *in);
	*lang = l != NULL && *l ? l : "en";
	buf_init(&err);
	have = i18n_load(in, dir != NULL && *dir ? dir : "templates", &err) == 0;
	buf_free(&err);
	return have;
}

/*
 * The database as a message may name it: a URI's password (between the
 * user's ':' and the '@') shown as ***. Returns out.
 */
static const char *
db_label(const char *path, char *out, size_t outsz)
{
	const char *scheme = strstr(path, "://"), *at, *colon;

	snprintf(out, outsz, "%s", path);
	if (scheme == NULL || (at = strchr(scheme + 3, '@')) == NULL)
		return out;
	colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
	if (colon != NULL)
		snprintf(out, outsz, "%.*s***%s", (int)(colon + 1 - path), path, at);
	return out;
}

void
ctl_configure_notify(struct db *db)
{
	const char *mail = getenv("ORDERSYNC_MAIL"), *poll = getenv("ORDERSYNC_POLL_MS");
	long ms = poll != NULL && *poll ? strtol(poll, NULL, 10) : 5000;

	if (ms < 500 || ms > 600000)
		ms = 5000;
	db_notify_configure(db, mail != NULL && *mail != '\0', notify_watch_secs((int)ms));
}

struct db *
ctl_open_db(const char *path, struct logger *lg)
{
	struct buf err;
	struct db *db;

	buf_init(&err);
	if ((db = db_open(path, 1, lg, &err)) == NULL)
		fprintf(stderr, "ordersyncctl: %s\n", buf_str(&err));
	else
		ctl_configure_notify(db);
	buf_free(&err);
	return db;
}

/* A plausible address: local@domain.tld, printable, no spaces, <= 254 bytes. */
static int
plausible_email(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') || strlen(s) > 254 ||
	    strchr(at, '.') == NULL || at[1] == '.' || s[strlen(s) - 1] == '.')
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Reads the password: the first line of stdin, without its newline. */
static char *
read_password(void)
{
	char line[1024];
	size_t n;

	if (fgets(line, sizeof line, stdin) == NULL)
		return NULL;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return xstrdup(line);
}

static int
cmd_user_add(const char *dbpath, struct logger *lg, int argc, char **argv)
{
	const char *email, *role = "admin", *store = NULL;
	char hash[crypto_pwhash_STRBYTES], *pw;
	struct db *db;
	enum db_status st;
	int i;

	if (argc < 1)
		return fprintf(stderr, "%s", usage), EXIT_USAGE;
	email = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
			store = argv[++i];
		else
			return fprintf(stderr, "ordersyncctl: unknown option %s\n", argv[i]),
			    EXIT_USAGE;
	}
	if (!plausible_email(email)) {
		fprintf(stderr, "ordersyncctl: %s is not an email address\n", email);
		return EXIT_USAGE;
	}
	if (role_parse(role) < 0) {
		fprintf(stderr, "ordersyncctl: --role must be admin, staff or seller\n");
		return EXIT_USAGE;
	}
	if ((pw = read_password()) == NULL || strlen(pw) < 8) {
		fprintf(stderr, "ordersyncctl: give a password of at least 8 characters on stdin\n");
		free(pw);
		return EXIT_FAILURE;
	}
	if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
		fprintf(stderr, "ordersyncctl: out of memory while hashing\n");
		return EXIT_FAILURE;
	}
	sodium_memzero(pw, strlen(pw));
	free(pw);
	if ((db = ctl_open_db(dbpath, lg)) == NULL)
		return EXIT_FAILURE;
	st = db_user_add(db, email, hash, role, store);
	db_close(db);
	switch (st) {
	case DB_OK:
		printf("added %s (%s, %s)\n", email, role, store ? store : "all stores");
		return EXIT_SUCCESS;
	case DB_NOTFOUND:
		fprintf(stderr, "ordersyncctl: no store with slug %s\n", store);
		return EXIT_FAILURE;
	case DB_CONFLICT:
		fprintf(stderr, "ordersyncctl: a user with email %s already exists\n", email);
		return EXIT_FAILURE;
	default:
		fprintf(stderr, "ordersyncctl: database error\n");
		return EXIT_FAILURE;
	}
}

static const char *
env_getter(const char *name)
{
	return getenv(name);
}

/* check-config's mail lines; an SMTP URL's password printed as ***. */
static void
print_mail(const struct config *cfg)
{
	const char *u = cfg->mail_url, *at, *colon, *host;

	if (cfg->mail == CFG_MAIL_SENDMAIL)
		printf("ORDERSYNC_MAIL=sendmail:%s\n", cfg->sendmail);
	else if (cfg->mail == CFG_MAIL_SMTP) {
		host = strstr(u, "://") + 3;
		at = strrchr(host, '@');
		colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (colon != NULL)
			printf("ORDERSYNC_MAIL=%.*s:***%s\n", (int)(colon - u), u, at);
		else
			printf("ORDERSYNC_MAIL=%s\n", u);
	} else
		printf("ORDERSYNC_MAIL=\n");
	printf("ORDERSYNC_MAIL_FROM=%s\nORDERSYNC_PUBLIC_URL=%s\n", cfg->mail_from,
	    cfg->public_url ? cfg->public_url : "");
}

/*
 * ordersyncctl check-config: the app's own start-up check of its
 * environment (cfg_load), run before anything is created, so a bad value is
 * reported plainly by itself. The database is dbpath (--db, else
 * $ORDERSYNC_DB, else the default), as for every command. Prints the
 * settings on stdout and returns 0, or the message naming the variable on
 * stderr and returns 1.
 */
static int
cmd_check_config(const char *dbpath)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	struct config cfg;
	struct buf err;
	struct stat st;
	char label[1024];
	int rc = EXIT_FAILURE;

	buf_init(&err);
	memset(&cfg, 0, sizeof cfg);
	if (setenv("ORDERSYNC_DB", dbpath, 1) != 0 || cfg_load(&cfg, env_getter, &err) != 0) {
		fprintf(stderr, "ordersyncctl: %s\n", buf_str(&err));
		goto out;
	}
	if (stat(cfg.templates_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ordersyncctl: ORDERSYNC_TEMPLATES: %s is not a directory\n",
		    cfg.templates_dir);
		goto out;
	}
	printf("ORDERSYNC_DB=%s\nORDERSYNC_TEMPLATES=%s\nORDERSYNC_BASE_URL=%s\n"
	    "ORDERSYNC_POLL_MS=%d\nORDERSYNC_CURRENCY=%s\nORDERSYNC_TZ=%s\n"
	    "ORDERSYNC_LANG=%s\nORDERSYNC_SHOP_NAME=%s\nORDERSYNC_SECURE_COOKIES=%d\n"
	    "ORDERSYNC_LOG_LEVEL=%s\nORDERSYNC_SYNCHRONOUS=%s\n",
	    db_label(cfg.db_path, label, sizeof label), cfg.templates_dir, cfg.base_url,
	    cfg.poll_ms, cfg.currency,
	    cfg.tz, cfg.lang, cfg.shop_name, cfg.secure_cookies,
	    levels[cfg.log_level],
	    cfg.sync_full ? "FULL" : "NORMAL");
	print_mail(&cfg);
	printf("ORDERSYNC_WEBHOOK_ALLOW_PRIVATE=%d\n", cfg.webhook_allow_private);
	printf("ORDERSYNC_WAIT_MAX=%d\nORDERSYNC_THREADS=%d\n", cfg.wait_max, cfg.threads);
	rc = EXIT_SUCCESS;
out:
	cfg_free(&cfg);
	buf_free(&err);
	return rc;
}

static int
cmd_user_show(const char *dbpath, struct logger *lg, const char *email)
{
	char role[16], store[80];
	struct db *db;
	enum db_status st;

	if ((db = ctl_open_db(dbpath, lg)) == NULL)
		return EXIT_FAILURE;
	st = db_user_find(db, email, role, sizeof role, store, sizeof store);
	db_close(db);
	if (st == DB_NOTFOUND) {
		fprintf(stderr, "ordersyncctl: no user %s\n", email);
		return EXIT_FAILURE;
	}
	if (st != DB_OK)
		return EXIT_FAILURE;
	printf("%s role=%s store=%s\n", email, role, *store ? store : "*");
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	const char *dbpath = getenv("ORDERSYNC_DB");
	struct logger lg;
	struct db *db;
	char label[512];
	int n, i = 1;

	if (sodium_init() < 0)
		return EXIT_FAILURE;
	log_init(&lg, LOG_WARN);
	if (dbpath == NULL || *dbpath == '\0')
		dbpath = "var/ordersync.db";
	if (i + 1 < argc && strcmp(argv[i], "--db") == 0) {
		dbpath = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
		fputs(usage, i >= argc ? stderr : stdout);
		return i >= argc ? EXIT_USAGE : EXIT_SUCCESS;
	}
	if (strcmp(argv[i], "render") == 0)
		return ctl_render(argc - i, argv + i);
	if (strcmp(argv[i], "tick") == 0 && argc == i + 1)
		return ctl_tick(dbpath, &lg);
	if (strcmp(argv[i], "check-config") == 0 && argc == i + 1)
		return cmd_check_config(dbpath);
	if (strcmp(argv[i], "init") == 0 && argc == i + 1) {
		if ((db = ctl_open_db(dbpath, &lg)) == NULL)
			return EXIT_FAILURE;
		printf("%s: schema version %d\n", db_label(dbpath, label, sizeof label),
		    db_user_version(db));
		db_close(db);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[i], "demo") == 0 && argc == i + 2 && strcmp(argv[i + 1], "--remove") == 0)
		return ctl_demo_remove(dbpath, &lg);
	if (strcmp(argv[i], "import") == 0 || (strcmp(argv[i], "product") == 0 && i + 1 < argc))
		return ctl_product(dbpath, &lg, argc - i, argv + i);
	if (strcmp(argv[i], "demo") == 0 && argc == i + 1) {
		if ((db = ctl_open_db(dbpath, &lg)) == NULL)
			return EXIT_FAILURE;
		if (db_seed_demo(db, &n) != DB_OK) {
			db_close(db);
			fprintf(stderr, "ordersyncctl: could not insert the demo catalog\n");
			return EXIT_FAILURE;
		}
		db_close(db);
		printf("demo catalog: %d products added\n", n);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[i], "user") == 0 && i + 1 < argc) {
		if (strcmp(argv[i + 1], "add") == 0)
			return cmd_user_add(dbpath, &lg, argc - i - 2, argv + i + 2);
		if (strcmp(argv[i + 1], "show") == 0 && argc == i + 3)
			return cmd_user_show(dbpath, &lg, argv[i + 2]);
		if ((n = ctl_user(dbpath, &lg, argc - i - 1, argv + i + 1)) >= 0)
			return n;
	}
	if (strcmp(argv[i], "migrate-to") == 0 &&
	    (n = ctl_migrate_to(dbpath, &lg, argc - i, argv + i)) >= 0)
		return n;
	if (strcmp(argv[i], "store") == 0 && (n = ctl_store(dbpath, &lg, argc - i, argv + i)) >= 0)
		return n;
	fprintf(stderr, "ordersyncctl: unknown command\n%s", usage);
	return EXIT_USAGE;
}
