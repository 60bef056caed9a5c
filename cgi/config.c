/* config.c — the ORDERSYNC_* environment, validated once at start-up. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"

const char *const cfg_languages[] = { "en", "fr", NULL };

int
cfg_language_known(const char *lang)
{
	size_t i;

	for (i = 0; cfg_languages[i] != NULL; i++)
		if (strcmp(lang, cfg_languages[i]) == 0)
			return 1;
	return 0;
}

/* A value with no control characters and at most max bytes. */
static int
plain_text(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return n <= max;
}

/* Strict decimal integer in [lo, hi]; no sign, spaces or trailing junk. */
static int
parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return 0;
	*out = (int)v;
	return 1;
}

/* "/shop", "/a/b-c": segments of [A-Za-z0-9._~-], no "..", no trailing "/". */
static int
valid_base_url(const char *s)
{
	const char *seg;

	if (*s == '\0')
		return 1;
	if (*s != '/' || strlen(s) > 200)
		return 0;
	while (*s == '/') {
		seg = ++s;
		while (isalnum((unsigned char)*s) || (*s != '\0' && strchr("._~-", *s)))
			s++;
		if (s == seg || (s - seg == 2 && seg[0] == '.' && seg[1] == '.') ||
		    (s - seg == 1 && seg[0] == '.'))
			return 0;
	}
	return *s == '\0';
}

int
cfg_currency_ok(const char *s)
{
	return strlen(s) == 3 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]) && isupper((unsigned char)s[2]);
}

int
cfg_tz_known(const char *s)
{
	char path[PATH_MAX];
	struct stat st;
	const char *p;

	if (strcmp(s, "UTC") == 0)
		return 1;
	if (*s == '\0' || *s == '/' || strstr(s, "..") || strlen(s) > 64)
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
value(cfg_getter get, const char *name, const char *dflt)
{
	const char *v = get(name);

	return v != NULL ? v : dflt;
}

/*
 * Longer than our usual 80 lines on purpose: one short block per variable,
 * in the order the README lists them, so a reader checks them side by side.
 */
int
cfg_load(struct config *cfg, cfg_getter get, struct buf *err)
{
	const char *v;
	int lv;

	memset(cfg, 0, sizeof *cfg);

	v = value(get, "ORDERSYNC_DB", "var/ordersync.db");
	if (*v == '\0' || !plain_text(v, 1024)) {
		buf_puts(err, "ORDERSYNC_DB: must be a file path");
		goto fail;
	}
	cfg->db_path = xstrdup(v);

	v = value(get, "ORDERSYNC_TEMPLATES", "templates");
	if (*v == '\0' || !plain_text(v, 1024)) {
		buf_puts(err, "ORDERSYNC_TEMPLATES: must be a directory path");
		goto fail;
	}
	cfg->templates_dir = xstrdup(v);

	v = value(get, "ORDERSYNC_BASE_URL", "");
	if (!valid_base_url(v)) {
		buf_puts(err, "ORDERSYNC_BASE_URL: must be empty or a path like /shop "
		    "(no trailing slash, no ..)");
		goto fail;
	}
	cfg->base_url = xstrdup(v);

	v = value(get, "ORDERSYNC_POLL_MS", "5000");
	if (!parse_int(v, 500, 600000, &cfg->poll_ms)) {
		buf_puts(err, "ORDERSYNC_POLL_MS: must be an integer from 500 to 600000");
		goto fail;
	}

	v = value(get, "ORDERSYNC_CURRENCY", "EUR");
	if (!cfg_currency_ok(v)) {
		buf_puts(err, "ORDERSYNC_CURRENCY: must be an ISO 4217 code like EUR");
		goto fail;
	}
	memcpy(cfg->currency, v, 4);

	v = value(get, "ORDERSYNC_TZ", "UTC");
	if (!cfg_tz_known(v)) {
		buf_puts(err, "ORDERSYNC_TZ: must be a time zone name like "
		    "Europe/Paris that exists in /usr/share/zoneinfo");
		goto fail;
	}
	cfg->tz = xstrdup(v);

	v = value(get, "ORDERSYNC_LANG", "en");
	if (!cfg_language_known(v)) {
		buf_puts(err, "ORDERSYNC_LANG: must be en or fr");
		goto fail;
	}
	memcpy(cfg->lang, v, 3);

	v = value(get, "ORDERSYNC_SHOP_NAME", "ordersync shop");
	if (*v == '\0' || !plain_text(v, 100)) {
		buf_puts(err, "ORDERSYNC_SHOP_NAME: must be 1 to 100 bytes of text");
		goto fail;
	}
	cfg->shop_name = xstrdup(v);

	v = value(get, "ORDERSYNC_SECURE_COOKIES", "0");
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		buf_puts(err, "ORDERSYNC_SECURE_COOKIES: must be 0 or 1");
		goto fail;
	}
	cfg->secure_cookies = v[0] == '1';

	v = value(get, "ORDERSYNC_LOG_LEVEL", "info");
	if ((lv = log_level_parse(v)) < 0) {
		buf_puts(err, "ORDERSYNC_LOG_LEVEL: must be error, warn, info or debug");
		goto fail;
	}
	cfg->log_level = lv;

	v = value(get, "ORDERSYNC_SYNCHRONOUS", "FULL");
	if (strcmp(v, "FULL") != 0 && strcmp(v, "NORMAL") != 0) {
		buf_puts(err, "ORDERSYNC_SYNCHRONOUS: must be FULL or NORMAL");
		goto fail;
	}
	cfg->sync_full = strcmp(v, "FULL") == 0;
	return 0;
fail:
	cfg_free(cfg);
	return -1;
}

void
cfg_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->db_path);
	free(cfg->templates_dir);
	free(cfg->base_url);
	free(cfg->tz);
	free(cfg->shop_name);
	memset(cfg, 0, sizeof *cfg);
}
