/* i18n.c — the UI's words (templates/locales/LANG.json), language choice, prices and dates. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "http.h"
#include "i18n.h"

/* Every key path of ref must exist in other with the same kind (object/string). */
static int
complete(struct json_object *ref, struct json_object *other, struct buf *path,
    struct buf *err)
{
	size_t mark = path->len;
	struct json_object *o;
	int ok = 1;

	json_object_object_foreach(ref, key, val) {
		path->len = mark;
		if (mark)
			buf_putc(path, '.');
		buf_puts(path, key);
		if (!json_object_object_get_ex(other, key, &o) ||
		    json_object_get_type(o) != json_object_get_type(val)) {
			if (ok)
				buf_printf(err, "missing or mistyped key %s", buf_str(path));
			ok = 0;
			break;
		}
		if (json_object_is_type(val, json_type_object) &&
		    !complete(val, o, path, err)) {
			ok = 0;
			break;
		}
	}
	path->len = mark;
	if (path->data)
		path->data[mark] = '\0';
	return ok;
}

int
i18n_load(struct i18n *in, const char *dir, struct buf *err)
{
	struct buf path;
	char *file, *text;
	const char *why;
	size_t i, len;

	memset(in, 0, sizeof *in);
	for (i = 0; cfg_languages[i] != NULL && i < I18N_MAX_LANGS; i++) {
		file = xasprintf("%s/locales/%s.json", dir, cfg_languages[i]);
		if ((text = util_read_file(file, &len)) == NULL) {
			buf_printf(err, "%s: cannot read", file);
			free(file);
			goto fail;
		}
		in->table[i] = http_parse_json(text, len, &why);
		free(text);
		if (in->table[i] == NULL || !json_object_is_type(in->table[i], json_type_object)) {
			buf_printf(err, "%s: not a JSON object (%s)", file, why ? why : "wrong type");
			free(file);
			goto fail;
		}
		in->lang[i] = cfg_languages[i];
		in->n = i + 1;
		if (i > 0) {
			buf_init(&path);
			if (!complete(in->table[0], in->table[i], &path, err)) {
				buf_printf(err, " in %s", file);
				buf_free(&path);
				free(file);
				goto fail;
			}
			buf_free(&path);
		}
		free(file);
	}
	return 0;
fail:
	i18n_free(in);
	return -1;
}

void
i18n_free(struct i18n *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < I18N_MAX_LANGS; i++)
		json_object_put(in->table[i]);
	memset(in, 0, sizeof *in);
}

const char *
i18n_pick(const struct i18n *in, const char *al, const char *fallback)
{
	const char *best = NULL, *p = al;
	double bestq = 0, q;
	char tag[16];
	size_t i, n;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		n = 0;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && n < sizeof tag - 1)
			tag[n++] = (char)tolower((unsigned char)*p++);
		tag[n] = '\0';
		while (*p && *p != ',' && *p != ';')
			p++;
		q = 1.0;
		if (*p == ';') {
			const char *qs = strstr(p, "q=");
			const char *comma = strchr(p, ',');

			if (qs && (comma == NULL || qs < comma))
				q = strtod(qs + 2, NULL);
			while (*p && *p != ',')
				p++;
		}
		if (n >= 2 && (tag[2] == '\0' || tag[2] == '-'))
			for (i = 0; i < in->n; i++)
				if (strncmp(tag, in->lang[i], 2) == 0 && q > bestq) {
					best = in->lang[i];
					bestq = q;
				}
	}
	if (best)
		return best;
	for (i = 0; i < in->n; i++)
		if (strcmp(in->lang[i], fallback) == 0)
			return in->lang[i];
	return in->n ? in->lang[0] : "en";
}

struct json_object *
i18n_table(const struct i18n *in, const char *lang)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (strcmp(in->lang[i], lang) == 0)
			return in->table[i];
	return in->table[0];
}

const char *
i18n_text(const struct i18n *in, const char *lang, const char *key)
{
	struct json_object *o = i18n_table(in, lang), *next;
	char part[64];
	const char *p = key, *dot;
	size_t n;

	while (o != NULL && *p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof part)
			return key;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(o, part, &next))
			return key;
		o = next;
		p = dot ? dot + 1 : p + n;
	}
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : key;
}

static const struct {
	const char *code, *symbol;
} symbols[] = {
	{ "EUR", "€" }, { "USD", "$" }, { "GBP", "£" }, { "JPY", "¥" },
	{ "CAD", "CA$" }, { "AUD", "A$" },
};

void
i18n_price(char *out, size_t outsz, int64_t cents, const char *currency, const char *lang)
{
	const char *sym = NULL, *group, *dec;
	char digits[32], grouped[64];
	uint64_t v;
	size_t i, n, j = 0;
	int fr = strcmp(lang, "fr") == 0, neg = cents < 0;

	for (i = 0; i < NELEM(symbols); i++)
		if (strcmp(currency, symbols[i].code) == 0)
			sym = symbols[i].symbol;
	v = neg ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
	snprintf(digits, sizeof digits, "%" PRIu64, v / 100);
	group = fr ? "\u202f" : ",";
	dec = fr ? "," : ".";
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(grouped + j, group, strlen(group));
			j += strlen(group);
		}
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	if (fr)
		snprintf(out, outsz, "%s%s%s%02u\u00a0%s", neg ? "-" : "", grouped, dec,
		    (unsigned)(v % 100), sym ? sym : currency);
	else if (sym)
		snprintf(out, outsz, "%s%s%s%s%02u", neg ? "-" : "", sym, grouped, dec,
		    (unsigned)(v % 100));
	else
		snprintf(out, outsz, "%s%s\u00a0%s%s%02u", neg ? "-" : "", currency, grouped,
		    dec, (unsigned)(v % 100));
}

void
i18n_datetime(char *out, size_t outsz, time_t t, const char *lang)
{
	static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	util_localtime(t, &tm);
	if (strcmp(lang, "fr") == 0)
		snprintf(out, outsz, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, outsz, "%d %s %04d, %02d:%02d", tm.tm_mday, mon_en[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

void
i18n_time(char *out, size_t outsz, time_t t)
{
	struct tm tm;

	util_localtime(t, &tm);
	snprintf(out, outsz, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

char *
i18n_vfill(const char *text, va_list ap)
{
	struct buf b;
	const char *p = text, *name, *val, *close;
	va_list aq;
	size_t n;
	int found;

	buf_init(&b);
	while (*p) {
		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			buf_putc(&b, *p++);
			continue;
		}
		n = (size_t)(close - p - 1);
		found = 0;
		va_copy(aq, ap);
		while ((name = va_arg(aq, const char *)) != NULL) {
			val = va_arg(aq, const char *);
			if (!found && strlen(name) == n && strncmp(name, p + 1, n) == 0) {
				buf_puts(&b, val ? val : "");
				found = 1;
			}
		}
		va_end(aq);
		if (found)
			p = close + 1;
		else
			buf_putc(&b, *p++);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_detach(&b);
}

char *
i18n_fill(const char *text, ...)
{
	va_list ap;
	char *s;

	va_start(ap, text);
	s = i18n_vfill(text, ap);
	va_end(ap);
	return s;
}
