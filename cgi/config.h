/* config.h — the ORDERSYNC_* environment, validated once at start-up. */
#ifndef ORDERSYNC_CONFIG_H
#define ORDERSYNC_CONFIG_H

#include "util.h"

/* Every string is owned by the struct and freed by cfg_free(). */
struct config {
	char	*db_path;	/* ORDERSYNC_DB: SQLite file */
	char	*templates_dir;	/* ORDERSYNC_TEMPLATES: *.mustache and locales/ */
	char	*base_url;	/* ORDERSYNC_BASE_URL: "" or "/prefix", no trailing slash */
	int	 poll_ms;	/* ORDERSYNC_POLL_MS: admin feed interval, 500..600000 */
	int	 wait_max;	/* ORDERSYNC_WAIT_MAX: longest feed wait= in seconds,
				   0..300, default 25; 0: long-poll off (mod_fcgid, CGI) */
	int	 threads;	/* ORDERSYNC_THREADS: FastCGI worker threads, 1..64, default 4 */
	char	 currency[4];	/* ORDERSYNC_CURRENCY: ISO 4217, e.g. "EUR" */
	char	*tz;		/* ORDERSYNC_TZ: IANA zone name shown to people */
	char	 lang[3];	/* ORDERSYNC_LANG: default UI language, "en" or "fr" */
	char	*shop_name;	/* ORDERSYNC_SHOP_NAME */
	int	 secure_cookies; /* ORDERSYNC_SECURE_COOKIES: 1 adds Secure */
	int	 log_level;	/* ORDERSYNC_LOG_LEVEL: enum log_level */
	int	 sync_full;	/* ORDERSYNC_SYNCHRONOUS: FULL (1, default) or NORMAL (0) */
	int	 mail;		/* ORDERSYNC_MAIL: enum cfg_mail */
	char	*mail_url;	/* smtp:// or smtps:// URL (CFG_MAIL_SMTP), else NULL */
	char	*sendmail;	/* the sendmail program (CFG_MAIL_SENDMAIL), else NULL */
	char	*mail_from;	/* ORDERSYNC_MAIL_FROM: an address, default ordersync@localhost */
	char	*public_url;	/* ORDERSYNC_PUBLIC_URL: http(s)://host[/path], no trailing
				   slash; NULL when unset (required with mail) */
	int	 webhook_allow_private; /* ORDERSYNC_WEBHOOK_ALLOW_PRIVATE: 1 lets webhooks
				   reach loopback and private addresses (tests, a LAN) */
};

/* How mail leaves (ORDERSYNC_MAIL). */
enum cfg_mail {
	CFG_MAIL_OFF,		/* unset or empty: no mail, and the UI promises none */
	CFG_MAIL_SENDMAIL,	/* "sendmail" or "sendmail:/path": PROG -t -i */
	CFG_MAIL_SMTP		/* "smtp://host:port" or "smtps://…" (libcurl) */
};

/* Looks up one variable; getenv(3) in the programs, a table in tests. */
typedef const char *(*cfg_getter)(const char *name);

/*
 * Fills cfg from the environment through get. Unset variables take their
 * defaults. On a bad value returns -1 and writes to err a message that names
 * the variable ("ORDERSYNC_POLL_MS: must be an integer from 500 to 600000");
 * cfg is then already freed. Returns 0 on success; release with cfg_free().
 */
int	cfg_load(struct config *cfg, cfg_getter get, struct buf *err);
void	cfg_free(struct config *cfg);

/* Languages the UI speaks; index 0 is the fallback of last resort. */
extern const char *const cfg_languages[];
/* 1 when lang is one of cfg_languages. */
int	cfg_language_known(const char *lang);
/*
 * 1 when s is a plain mail address: local@domain, printable ASCII with no
 * space, quote, angle bracket, comma or control character, <= 254 bytes.
 */
int	cfg_address_ok(const char *s);
/* 1 when s has an ISO 4217 code's shape: three capitals ("EUR"). */
int	cfg_currency_ok(const char *s);
/*
 * 1 when s names an IANA time zone that exists on this system ("UTC",
 * "Europe/Paris"): letters, digits and "/_+-", no "..", at most 64 bytes,
 * and a file under /usr/share/zoneinfo.
 */
int	cfg_tz_known(const char *s);

#endif
