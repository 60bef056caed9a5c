/* check_config.c — table-driven tests of cgi/config.h: cfg_load defaults, every variable valid and invalid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "unit.h"

/*
 * The getter has no context argument, so the environment a test loads is
 * this one variable (each test runs in its own forked process).
 */
static const char *env_name, *env_value;

static const char *
get_one(const char *name)
{
	return env_name != NULL && strcmp(name, env_name) == 0 ? env_value : NULL;
}

static const char *
get_none(const char *name)
{
	(void)name;
	return NULL;
}

/* Every variable cfg_load must ask for, with what to expect from none set. */
enum field {
	F_DB, F_TEMPLATES, F_BASE_URL, F_POLL_MS, F_CURRENCY, F_TZ, F_LANG,
	F_SHOP_NAME, F_SECURE_COOKIES, F_LOG_LEVEL, F_SYNC_FULL, F_WEBHOOK_PRIVATE
};

/* The field as text, for one comparison per table row. */
static void
field_text(const struct config *c, enum field f, char *out, size_t outsz)
{
	switch (f) {
	case F_DB:		snprintf(out, outsz, "%s", c->db_path); break;
	case F_TEMPLATES:	snprintf(out, outsz, "%s", c->templates_dir); break;
	case F_BASE_URL:	snprintf(out, outsz, "%s", c->base_url); break;
	case F_POLL_MS:		snprintf(out, outsz, "%d", c->poll_ms); break;
	case F_CURRENCY:	snprintf(out, outsz, "%s", c->currency); break;
	case F_TZ:		snprintf(out, outsz, "%s", c->tz); break;
	case F_LANG:		snprintf(out, outsz, "%s", c->lang); break;
	case F_SHOP_NAME:	snprintf(out, outsz, "%s", c->shop_name); break;
	case F_SECURE_COOKIES:	snprintf(out, outsz, "%d", c->secure_cookies); break;
	case F_LOG_LEVEL:	snprintf(out, outsz, "%d", c->log_level); break;
	case F_SYNC_FULL:	snprintf(out, outsz, "%d", c->sync_full); break;
	case F_WEBHOOK_PRIVATE:	snprintf(out, outsz, "%d", c->webhook_allow_private); break;
	}
}

static const struct {
	enum field	 f;
	const char	*want;
} defaults[] = {
	{ F_DB,			"var/ordersync.db" },
	{ F_TEMPLATES,		"templates" },
	{ F_BASE_URL,		"" },
	{ F_POLL_MS,		"5000" },
	{ F_CURRENCY,		"EUR" },
	{ F_TZ,			"UTC" },
	{ F_LANG,		"en" },
	{ F_SHOP_NAME,		"ordersync shop" },
	{ F_SECURE_COOKIES,	"0" },
	{ F_LOG_LEVEL,		"2" },		/* LOG_INFO */
	{ F_SYNC_FULL,		"1" },
	{ F_WEBHOOK_PRIVATE,	"0" },
};

START_TEST(test_defaults)
{
	struct config cfg;
	struct buf err;
	char got[256];

	buf_init(&err);
	ck_assert_int_eq(cfg_load(&cfg, get_none, &err), 0);
	ck_assert_str_eq(buf_str(&err), "");
	field_text(&cfg, defaults[_i].f, got, sizeof got);
	ck_assert_str_eq(got, defaults[_i].want);
	ck_assert_int_eq(LOG_INFO, 2);
	cfg_free(&cfg);
	buf_free(&err);
}
END_TEST

#define S100 "0123456789012345678901234567890123456789" \
	     "0123456789012345678901234567890123456789" "01234567890123456789"

/* One variable set; ok: loads and the field reads want; else the error names var. */
static const struct {
	const char	*var;
	const char	*value;
	int		 ok;
	enum field	 f;
	const char	*want;
} cases[] = {
	{ "ORDERSYNC_DB", "/srv/shop/orders.db",	1, F_DB, "/srv/shop/orders.db" },
	{ "ORDERSYNC_DB", "",				0, F_DB, NULL },
	{ "ORDERSYNC_DB", "a\nb",			0, F_DB, NULL },

	{ "ORDERSYNC_TEMPLATES", "/usr/share/ordersync/templates", 1, F_TEMPLATES,
	    "/usr/share/ordersync/templates" },
	{ "ORDERSYNC_TEMPLATES", "",			0, F_TEMPLATES, NULL },

	{ "ORDERSYNC_BASE_URL", "",			1, F_BASE_URL, "" },
	{ "ORDERSYNC_BASE_URL", "/shop",		1, F_BASE_URL, "/shop" },
	{ "ORDERSYNC_BASE_URL", "/a/b-c_d.e~f",		1, F_BASE_URL, "/a/b-c_d.e~f" },
	{ "ORDERSYNC_BASE_URL", "/shop/",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "shop",			0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/",			0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/a/../b",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/a/./b",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/..",			0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "//shop",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/sh op",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "/shop?x=1",		0, F_BASE_URL, NULL },
	{ "ORDERSYNC_BASE_URL", "https://x/shop",	0, F_BASE_URL, NULL },

	{ "ORDERSYNC_POLL_MS", "500",			1, F_POLL_MS, "500" },
	{ "ORDERSYNC_POLL_MS", "2500",			1, F_POLL_MS, "2500" },
	{ "ORDERSYNC_POLL_MS", "600000",		1, F_POLL_MS, "600000" },
	{ "ORDERSYNC_POLL_MS", "abc",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "499",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "600001",		0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "-5",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "5000x",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", " 5000",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "5000 ",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "+5000",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "0x1000",		0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "5e3",			0, F_POLL_MS, NULL },
	{ "ORDERSYNC_POLL_MS", "99999999999999999999999", 0, F_POLL_MS, NULL },

	{ "ORDERSYNC_CURRENCY", "USD",			1, F_CURRENCY, "USD" },
	{ "ORDERSYNC_CURRENCY", "eur",			0, F_CURRENCY, NULL },
	{ "ORDERSYNC_CURRENCY", "EURO",			0, F_CURRENCY, NULL },
	{ "ORDERSYNC_CURRENCY", "EU",			0, F_CURRENCY, NULL },
	{ "ORDERSYNC_CURRENCY", "E1R",			0, F_CURRENCY, NULL },
	{ "ORDERSYNC_CURRENCY", "",			0, F_CURRENCY, NULL },

	{ "ORDERSYNC_TZ", "UTC",			1, F_TZ, "UTC" },
	{ "ORDERSYNC_TZ", "Europe/Paris",		1, F_TZ, "Europe/Paris" },
	{ "ORDERSYNC_TZ", "America/New_York",		1, F_TZ, "America/New_York" },
	{ "ORDERSYNC_TZ", "Nowhere/City",		0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "../etc",			0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "Europe/../Europe/Paris",	0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "/etc/passwd",		0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "/UTC",			0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "Europe/Paris\n",		0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "Europe",			0, F_TZ, NULL },	/* a directory */
	{ "ORDERSYNC_TZ", "",				0, F_TZ, NULL },
	{ "ORDERSYNC_TZ", "Europe/Paris ",		0, F_TZ, NULL },

	{ "ORDERSYNC_LANG", "en",			1, F_LANG, "en" },
	{ "ORDERSYNC_LANG", "fr",			1, F_LANG, "fr" },
	{ "ORDERSYNC_LANG", "de",			0, F_LANG, NULL },
	{ "ORDERSYNC_LANG", "FR",			0, F_LANG, NULL },
	{ "ORDERSYNC_LANG", "fr-FR",			0, F_LANG, NULL },
	{ "ORDERSYNC_LANG", "",				0, F_LANG, NULL },

	{ "ORDERSYNC_SHOP_NAME", "Caf\xc3\xa9 du Coin",	1, F_SHOP_NAME, "Caf\xc3\xa9 du Coin" },
	{ "ORDERSYNC_SHOP_NAME", S100,			1, F_SHOP_NAME, S100 },
	{ "ORDERSYNC_SHOP_NAME", S100 "x",		0, F_SHOP_NAME, NULL },
	{ "ORDERSYNC_SHOP_NAME", "",			0, F_SHOP_NAME, NULL },
	{ "ORDERSYNC_SHOP_NAME", "a\tb",		0, F_SHOP_NAME, NULL },
	{ "ORDERSYNC_SHOP_NAME", "a\x7f",		0, F_SHOP_NAME, NULL },

	{ "ORDERSYNC_SECURE_COOKIES", "1",		1, F_SECURE_COOKIES, "1" },
	{ "ORDERSYNC_SECURE_COOKIES", "0",		1, F_SECURE_COOKIES, "0" },
	{ "ORDERSYNC_SECURE_COOKIES", "yes",		0, F_SECURE_COOKIES, NULL },
	{ "ORDERSYNC_SECURE_COOKIES", "true",		0, F_SECURE_COOKIES, NULL },
	{ "ORDERSYNC_SECURE_COOKIES", "",		0, F_SECURE_COOKIES, NULL },
	{ "ORDERSYNC_SECURE_COOKIES", "10",		0, F_SECURE_COOKIES, NULL },

	{ "ORDERSYNC_LOG_LEVEL", "error",		1, F_LOG_LEVEL, "0" },
	{ "ORDERSYNC_LOG_LEVEL", "warn",		1, F_LOG_LEVEL, "1" },
	{ "ORDERSYNC_LOG_LEVEL", "info",		1, F_LOG_LEVEL, "2" },
	{ "ORDERSYNC_LOG_LEVEL", "debug",		1, F_LOG_LEVEL, "3" },
	{ "ORDERSYNC_LOG_LEVEL", "verbose",		0, F_LOG_LEVEL, NULL },
	{ "ORDERSYNC_LOG_LEVEL", "",			0, F_LOG_LEVEL, NULL },

	{ "ORDERSYNC_SYNCHRONOUS", "FULL",		1, F_SYNC_FULL, "1" },
	{ "ORDERSYNC_SYNCHRONOUS", "NORMAL",		1, F_SYNC_FULL, "0" },
	{ "ORDERSYNC_SYNCHRONOUS", "OFF",		0, F_SYNC_FULL, NULL },
	{ "ORDERSYNC_SYNCHRONOUS", "full",		0, F_SYNC_FULL, NULL },
	{ "ORDERSYNC_SYNCHRONOUS", "",			0, F_SYNC_FULL, NULL },

	{ "ORDERSYNC_WEBHOOK_ALLOW_PRIVATE", "1",	1, F_WEBHOOK_PRIVATE, "1" },
	{ "ORDERSYNC_WEBHOOK_ALLOW_PRIVATE", "0",	1, F_WEBHOOK_PRIVATE, "0" },
	{ "ORDERSYNC_WEBHOOK_ALLOW_PRIVATE", "yes",	0, F_WEBHOOK_PRIVATE, NULL },
	{ "ORDERSYNC_WEBHOOK_ALLOW_PRIVATE", "",	0, F_WEBHOOK_PRIVATE, NULL },
};

START_TEST(test_one_variable)
{
	struct config cfg;
	struct buf err;
	char got[256];
	size_t n = strlen(cases[_i].var);
	int rc;

	env_name = cases[_i].var;
	env_value = cases[_i].value;
	buf_init(&err);
	rc = cfg_load(&cfg, get_one, &err);
	if (cases[_i].ok) {
		ck_assert_msg(rc == 0, "%s=\"%s\" refused: %s", cases[_i].var,
		    cases[_i].value, buf_str(&err));
		ck_assert_str_eq(buf_str(&err), "");
		field_text(&cfg, cases[_i].f, got, sizeof got);
		ck_assert_str_eq(got, cases[_i].want);
		cfg_free(&cfg);
	} else {
		ck_assert_msg(rc == -1, "%s=\"%s\" accepted", cases[_i].var,
		    cases[_i].value);
		/* "VAR: why": the message starts with the variable's name. */
		ck_assert_msg(strncmp(buf_str(&err), cases[_i].var, n) == 0 &&
		    strncmp(buf_str(&err) + n, ": ", 2) == 0 && err.len > n + 2,
		    "%s=\"%s\": message \"%s\" does not name it", cases[_i].var,
		    cases[_i].value, buf_str(&err));
		/* cfg was freed and zeroed by cfg_load; freeing again is harmless. */
		ck_assert_ptr_null(cfg.db_path);
		ck_assert_ptr_null(cfg.templates_dir);
		ck_assert_ptr_null(cfg.base_url);
		ck_assert_ptr_null(cfg.tz);
		ck_assert_ptr_null(cfg.shop_name);
		cfg_free(&cfg);
	}
	buf_free(&err);
}
END_TEST

/*
 * The mail variables, set together: ORDERSYNC_MAIL needs
 * ORDERSYNC_PUBLIC_URL. ok: loads, and mail/url/sendmail/from read so;
 * else the error starts with bad (the variable at fault).
 */
static const char *env_mail, *env_public, *env_from;

static const char *
get_mail(const char *name)
{
	if (strcmp(name, "ORDERSYNC_MAIL") == 0)
		return env_mail;
	if (strcmp(name, "ORDERSYNC_PUBLIC_URL") == 0)
		return env_public;
	if (strcmp(name, "ORDERSYNC_MAIL_FROM") == 0)
		return env_from;
	return NULL;
}

#define PUB "https://shop.example.com"
static const struct {
	const char	*mail, *public_url, *from;
	const char	*bad;		/* NULL: accepted */
	int		 kind;		/* enum cfg_mail when accepted */
	const char	*url_or_prog;	/* mail_url or sendmail when accepted */
} mail_cases[] = {
	{ NULL, NULL, NULL,		NULL, CFG_MAIL_OFF, NULL },
	{ "", NULL, NULL,		NULL, CFG_MAIL_OFF, NULL },
	{ NULL, "http://127.0.0.1:8080/shop", NULL, NULL, CFG_MAIL_OFF, NULL },
	{ "sendmail", PUB, NULL,	NULL, CFG_MAIL_SENDMAIL, "/usr/sbin/sendmail" },
	{ "sendmail:/usr/bin/msmtp", PUB, NULL, NULL, CFG_MAIL_SENDMAIL, "/usr/bin/msmtp" },
	{ "smtp://127.0.0.1:2525", PUB, NULL, NULL, CFG_MAIL_SMTP, "smtp://127.0.0.1:2525" },
	{ "smtps://user:p%40ss@mail.example.com:465", PUB, "shop@example.com", NULL,
	    CFG_MAIL_SMTP, "smtps://user:p%40ss@mail.example.com:465" },
	{ "smtp://[::1]:25/", PUB, NULL, NULL, CFG_MAIL_SMTP, "smtp://[::1]:25/" },
	{ "smtp://mail.example.com", PUB, NULL, NULL, CFG_MAIL_SMTP, "smtp://mail.example.com" },
	{ "smtp://127.0.0.1:2525", NULL, NULL,	"ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "sendmail", "", NULL,		"ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "https://shop.example.com/", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "shop.example.com", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "ftp://shop.example.com", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "https://a b", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "https://x?y=1", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "smtp://127.0.0.1:2525", "https://", NULL, "ORDERSYNC_PUBLIC_URL", 0, NULL },
	{ "mail", PUB, NULL,		"ORDERSYNC_MAIL", 0, NULL },
	{ "http://127.0.0.1:25", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://", PUB, NULL,		"ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://host:0", PUB, NULL,	"ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://host:70000", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://host:25/path", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://host:25\r\n", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "smtp://ho st", PUB, NULL,	"ORDERSYNC_MAIL", 0, NULL },
	{ "sendmail:relative/path", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "sendmail:/usr/../bin/sh", PUB, NULL, "ORDERSYNC_MAIL", 0, NULL },
	{ "sendmail", PUB, "no-at-sign", "ORDERSYNC_MAIL_FROM", 0, NULL },
	{ "sendmail", PUB, "a@b\r\nBcc: x@y", "ORDERSYNC_MAIL_FROM", 0, NULL },
	{ "sendmail", PUB, "Shop <a@b>", "ORDERSYNC_MAIL_FROM", 0, NULL },
	{ NULL, NULL, "",		"ORDERSYNC_MAIL_FROM", 0, NULL },
};

START_TEST(test_mail_variables)
{
	struct config cfg;
	struct buf err;
	int rc;

	env_mail = mail_cases[_i].mail;
	env_public = mail_cases[_i].public_url;
	env_from = mail_cases[_i].from;
	buf_init(&err);
	rc = cfg_load(&cfg, get_mail, &err);
	if (mail_cases[_i].bad == NULL) {
		ck_assert_msg(rc == 0, "case %d refused: %s", _i, buf_str(&err));
		ck_assert_int_eq(cfg.mail, mail_cases[_i].kind);
		ck_assert_str_eq(cfg.mail_from, mail_cases[_i].from ? mail_cases[_i].from :
		    "ordersync@localhost");
		if (mail_cases[_i].kind == CFG_MAIL_SMTP)
			ck_assert_str_eq(cfg.mail_url, mail_cases[_i].url_or_prog);
		else
			ck_assert_ptr_null(cfg.mail_url);
		if (mail_cases[_i].kind == CFG_MAIL_SENDMAIL)
			ck_assert_str_eq(cfg.sendmail, mail_cases[_i].url_or_prog);
		else
			ck_assert_ptr_null(cfg.sendmail);
		if (mail_cases[_i].public_url && *mail_cases[_i].public_url)
			ck_assert_str_eq(cfg.public_url, mail_cases[_i].public_url);
		else
			ck_assert_ptr_null(cfg.public_url);
		cfg_free(&cfg);
	} else {
		ck_assert_msg(rc == -1, "case %d accepted", _i);
		ck_assert_msg(strncmp(buf_str(&err), mail_cases[_i].bad,
		    strlen(mail_cases[_i].bad)) == 0 &&
		    buf_str(&err)[strlen(mail_cases[_i].bad)] == ':',
		    "case %d: \"%s\" does not name %s", _i, buf_str(&err), mail_cases[_i].bad);
		ck_assert_ptr_null(cfg.mail_from);
	}
	buf_free(&err);
}
END_TEST

START_TEST(test_poll_ms_message)
{
	struct config cfg;
	struct buf err;

	env_name = "ORDERSYNC_POLL_MS";
	env_value = "abc";
	buf_init(&err);
	ck_assert_int_eq(cfg_load(&cfg, get_one, &err), -1);
	ck_assert_str_eq(buf_str(&err),
	    "ORDERSYNC_POLL_MS: must be an integer from 500 to 600000");
	buf_free(&err);
}
END_TEST

START_TEST(test_free_null_and_languages)
{
	cfg_free(NULL);
	ck_assert_str_eq(cfg_languages[0], "en");
	ck_assert_str_eq(cfg_languages[1], "fr");
	ck_assert_ptr_null(cfg_languages[2]);
	ck_assert_int_eq(cfg_language_known("en"), 1);
	ck_assert_int_eq(cfg_language_known("fr"), 1);
	ck_assert_int_eq(cfg_language_known("de"), 0);
	ck_assert_int_eq(cfg_language_known(""), 0);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("cfg_load");

	tcase_add_loop_test(tc, test_defaults, 0, (int)NELEM(defaults));
	tcase_add_loop_test(tc, test_one_variable, 0, (int)NELEM(cases));
	tcase_add_loop_test(tc, test_mail_variables, 0, (int)NELEM(mail_cases));
	tcase_add_test(tc, test_poll_ms_message);
	tcase_add_test(tc, test_free_null_and_languages);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(config_suite)
