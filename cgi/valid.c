/* valid.c — input validation against tables of fields, as kcgi does. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

int
valid_utf8(const char *s, int multiline, size_t *nchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	unsigned int cp;
	int len, i;

	while (*p) {
		if (*p < 0x80) {
			if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' ||
			    *p == '\r'))) || *p == 0x7f)
				return 0;
			p++;
			n++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) { len = 2; cp = *p & 0x1f; }
		else if ((*p & 0xf0) == 0xe0) { len = 3; cp = *p & 0x0f; }
		else if ((*p & 0xf8) == 0xf0) { len = 4; cp = *p & 0x07; }
		else return 0;
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += len;
		n++;
	}
	if (nchars)
		*nchars = n;
	return 1;
}

int
valid_email(const char *s, size_t max)
{
	const char *at = strrchr(s, '@'), *p, *dot;
	size_t n = strlen(s);

	if (n < 3 || n > max || at == NULL || at == s || at - s > 64)
		return 0;
	for (p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".!#$%&'*+/=?^_`{|}~-", *p))
			return 0;
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	/* domain: labels of [A-Za-z0-9-], a dot, not starting or ending with '-' */
	if ((dot = strrchr(at, '.')) == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (p = at + 1; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return 0;
		if (*p == '.' && (p[-1] == '.' || p[-1] == '-' || p[1] == '-'))
			return 0;
	}
	return at[1] != '-' && s[n - 1] != '-' && strlen(dot + 1) >= 2;
}

int
valid_phone(const char *s, size_t max)
{
	size_t n = 0, digits = 0;

	for (; *s; s++, n++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (!strchr(" +()-", *s))
			return 0;
	}
	return n <= max && digits >= 3;
}

int
valid_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '-' ? !isdigit((unsigned char)s[1]) : !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return 0;
	if (out)
		*out = v;
	return 1;
}

int
valid_hex_token(const char *s, size_t min, size_t max)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!isdigit((unsigned char)s[n]) && !(s[n] >= 'a' && s[n] <= 'f'))
			return 0;
	return n >= min && n <= max;
}

int
valid_cursor(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i;
	int d;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = s[i] - '0';
		/*
		 * Past INT64_MAX: held there, never wrapped. Event ids are
		 * SQLite rowids, at most INT64_MAX, so such a cursor is at or
		 * ahead of every head, and a cursor ahead of the head resets.
		 */
		if (v > (INT64_MAX - d) / 10)
			v = INT64_MAX;
		else
			v = v * 10 + d;
	}
	if (i == 0)
		return 0;
	*out = v;
	return 1;
}

/* Machine values (tokens, cursors) are taken as sent: never trimmed, never empty. */
static int
verbatim(enum valid_kind k)
{
	return k == VALID_SECRET || k == VALID_TOKEN || k == VALID_CURSOR;
}

/* Trims ASCII white space at both ends into a new string. */
static char *
trimmed(const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* Checks one present value; 1 when valid. */
static int
check_one(const struct valid_field *f, const char *v, int64_t *num)
{
	size_t nchars;
	long l;

	switch (f->kind) {
	case VALID_TEXT:
	case VALID_LINES:
		return valid_utf8(v, f->kind == VALID_LINES, &nchars) &&
		    (long)nchars >= f->min && (long)nchars <= f->max;
	case VALID_EMAIL:
		return valid_email(v, (size_t)f->max);
	case VALID_PHONE:
		return valid_phone(v, (size_t)f->max);
	case VALID_INT:
		if (!valid_int(v, f->min, f->max, &l))
			return 0;
		*num = l;
		return 1;
	case VALID_TOKEN:
		return valid_hex_token(v, (size_t)f->min, (size_t)f->max);
	case VALID_CURSOR:
		return valid_cursor(v, num);
	case VALID_SECRET:
		return valid_utf8(v, 1, &nchars) && (long)strlen(v) >= f->min &&
		    (long)strlen(v) <= f->max;
	}
	return 0;
}

static void
check_field(const struct valid_field *f, size_t i, const char *raw,
    struct valid_result *res)
{
	if (raw == NULL)
		res->text[i] = xstrdup("");
	else
		res->text[i] = verbatim(f->kind) ? xstrdup(raw) : trimmed(raw);
	res->present[i] = res->text[i][0] != '\0';
	if (!res->present[i] && raw != NULL && verbatim(f->kind) && f->kind != VALID_SECRET) {
		/* "cursor=" is a malformed cursor, not a missing one. */
		res->error[i] = f->error_key;
		res->nerrors++;
		return;
	}
	if (!res->present[i]) {
		if (f->required) {
			res->error[i] = f->error_key;
			res->nerrors++;
		}
		return;
	}
	if (!check_one(f, res->text[i], &res->num[i])) {
		res->error[i] = f->error_key;
		res->nerrors++;
	}
}

int
valid_form(const struct valid_field *tbl, size_t n, const struct kvlist *form,
    struct valid_result *res)
{
	size_t i;

	memset(res, 0, sizeof *res);
	for (i = 0; i < n && i < VALID_MAX_FIELDS; i++)
		check_field(&tbl[i], i, kv_get(form, tbl[i].name), res);
	return res->nerrors;
}

int
valid_json(const struct valid_field *tbl, size_t n, struct json_object *obj,
    struct valid_result *res)
{
	struct json_object *v;
	const char *raw;
	size_t i;

	memset(res, 0, sizeof *res);
	for (i = 0; i < n && i < VALID_MAX_FIELDS; i++) {
		raw = NULL;
		if (obj && json_object_object_get_ex(obj, tbl[i].name, &v) && v != NULL) {
			if (json_object_is_type(v, json_type_string) ||
			    (tbl[i].kind == VALID_INT && json_object_is_type(v, json_type_int)))
				raw = json_object_get_string(v);
			else {
				/* Wrong JSON type: as wrong as a bad value. */
				res->text[i] = xstrdup("");
				res->error[i] = tbl[i].error_key;
				res->nerrors++;
				continue;
			}
		}
		check_field(&tbl[i], i, raw, res);
	}
	return res->nerrors;
}

int
valid_request(const struct valid_field *tbl, size_t n, const struct http_request *rq,
    struct valid_result *res)
{
	if (rq->json != NULL)
		return valid_json(tbl, n, rq->json, res);
	return valid_form(tbl, n, &rq->form, res);
}

void
valid_result_free(struct valid_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < VALID_MAX_FIELDS; i++)
		free(res->text[i]);
	memset(res, 0, sizeof *res);
}
