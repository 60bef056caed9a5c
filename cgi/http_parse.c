/* http_parse.c — the request's pure parsers: name/value lists, percent-encoding, forms, cookies, paths, media types, JSON bodies, ETags, origins. No I/O. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* ---- name/value lists ---- */

const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

void
kv_add(struct kvlist *l, const char *key, size_t klen, const char *val, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].key = xstrndup(key, klen);
	l->v[l->n].val = xstrndup(val, vlen);
	l->n++;
}

void
kv_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- parsers of untrusted bytes ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_pct_wellformed(const char *s)
{
	for (; (s = strchr(s, '%')) != NULL; s += 3)
		if (hexval((unsigned char)s[1]) < 0 || hexval((unsigned char)s[2]) < 0 ||
		    (s[1] == '0' && s[2] == '0'))
			return 0;
	return 1;
}


enum http_parse
http_pct_decode(const char *in, size_t n, int plus, char **out, size_t *outlen)
{
	char *p = xmalloc(n + 1);
	size_t i, j = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (in[i] == '%') {
			if (i + 2 >= n)
				goto bad;
			if ((hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				goto bad;
			if (hi == 0 && lo == 0)
				goto bad;
			p[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (in[i] == '+' && plus) {
			p[j++] = ' ';
		} else if (in[i] == '\0') {
			goto bad;
		} else {
			p[j++] = in[i];
		}
	}
	p[j] = '\0';
	*out = p;
	if (outlen)
		*outlen = j;
	return HTTP_PARSE_OK;
bad:
	free(p);
	*out = NULL;
	return HTTP_PARSE_ENCODING;
}

enum http_parse
http_parse_urlencoded(const char *s, size_t n, struct kvlist *out)
{
	const char *end = s + n, *amp, *eq;
	char *k, *v;
	size_t nfields = out->n;

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp == s) {		/* "a=1&&b=2": empty pair */
			s++;
			continue;
		}
		if (++nfields > HTTP_MAX_FIELDS)
			return HTTP_PARSE_TOO_MANY;
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			eq = amp;
		if (http_pct_decode(s, (size_t)(eq - s), 1, &k, NULL) != HTTP_PARSE_OK)
			return HTTP_PARSE_ENCODING;
		if (http_pct_decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, 1, &v, NULL) != HTTP_PARSE_OK) {
			free(k);
			return HTTP_PARSE_ENCODING;
		}
		kv_add(out, k, strlen(k), v, strlen(v));
		free(k);
		free(v);
		s = amp < end ? amp + 1 : end;
	}
	return HTTP_PARSE_OK;
}

/* RFC 6265 §4.1.1 cookie-octet, without the DQUOTE wrapping. */
static int
cookie_octet(int c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
	    (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

enum http_parse
http_parse_cookies(const char *h, struct kvlist *out)
{
	const char *name, *nend, *val, *vend;
	size_t n = 0;

	while (*h) {
		while (*h == ' ' || *h == '\t' || *h == ';')
			h++;
		if (*h == '\0')
			break;
		name = h;
		while (*h && *h != '=' && *h != ';')
			h++;
		nend = h;
		while (nend > name && (nend[-1] == ' ' || nend[-1] == '\t'))
			nend--;
		if (*h != '=') {	/* no '=': ignored (§5.2 step 2) */
			continue;
		}
		val = ++h;
		while (*h && *h != ';')
			h++;
		vend = h;
		while (vend > val && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		while (val < vend && (*val == ' ' || *val == '\t'))
			val++;
		if (vend - val >= 2 && *val == '"' && vend[-1] == '"') {
			val++;
			vend--;
		}
		if (nend == name)
			continue;
		{
			const char *p;
			int ok = 1;

			for (p = val; p < vend; p++)
				if (!cookie_octet((unsigned char)*p))
					ok = 0;
			if (!ok)
				continue;
		}
		if (++n > HTTP_MAX_FIELDS)
			return HTTP_PARSE_TOO_MANY;
		kv_add(out, name, (size_t)(nend - name), val, (size_t)(vend - val));
	}
	return HTTP_PARSE_OK;
}

enum http_parse
http_normalize_path(const char *raw, size_t n, char **out)
{
	struct buf b;
	char *dec, *seg, *save = NULL;
	size_t len;

	*out = NULL;
	if (n == 0 || raw[0] != '/')
		return HTTP_PARSE_BAD_PATH;
	if (http_pct_decode(raw, n, 0, &dec, &len) != HTTP_PARSE_OK)
		return HTTP_PARSE_ENCODING;
	buf_init(&b);
	for (seg = strtok_r(dec, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, "..") == 0 || strcmp(seg, ".") == 0) {
			free(dec);
			buf_free(&b);
			return HTTP_PARSE_BAD_PATH;
		}
		buf_putc(&b, '/');
		buf_puts(&b, seg);
	}
	/* Keep a trailing slash out: "/cart/" is "/cart"; "/" stays "/". */
	if (b.len == 0)
		buf_putc(&b, '/');
	free(dec);
	*out = buf_detach(&b);
	return HTTP_PARSE_OK;
}

int
http_media_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	for (ct += n; *ct == ' ' || *ct == '\t'; ct++)
		;
	return *ct == '\0' || *ct == ';';
}

int
http_accepts_json(const char *accept)
{
	const char *j, *h;

	if (accept == NULL || (j = strstr(accept, "application/json")) == NULL)
		return 0;
	h = strstr(accept, "text/html");
	return h == NULL || j < h;
}

/*
 * 1 when the JSON text s[0..n) (already parsed: well-formed) spells a NUL
 * as \u0000 in a string or a member name. json-c decodes it into the string,
 * where every C reader of the value (json_object_get_string, a key lookup)
 * sees the string cut short at it: "Trunc\u0000ated" would be stored as
 * "Trunc". In well-formed JSON a backslash occurs only inside strings and
 * starts a two-character escape (\uXXXX being \u and four hex digits), so
 * stepping over each escaped character is enough to tell \\u0000 (a
 * backslash, then "u0000") from \u0000.
 */
static int
json_has_nul_escape(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
			return 1;
		p += 2;		/* the backslash and the character it escapes */
		if (p >= end)
			break;
	}
	return 0;
}

struct json_object *
http_parse_json(const char *s, size_t n, const char **why)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t used, i;

	*why = NULL;
	if (n > (size_t)HTTP_MAX_BODY) {
		*why = "body too large";
		return NULL;
	}
	if (memchr(s, '\0', n) != NULL) {
		*why = "NUL byte in JSON";
		return NULL;
	}
	tok = json_tokener_new_ex(HTTP_MAX_JSON_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* Input ended inside a value; an end-of-input flush decides. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		used = n;
	}
	if (jerr != json_tokener_success) {
		*why = jerr == json_tokener_error_depth ? "JSON nested too deeply" :
		    json_tokener_error_desc(jerr);
		json_object_put(obj);
		json_tokener_free(tok);
		return NULL;
	}
	for (i = used; i < n; i++)
		if (!isspace((unsigned char)s[i])) {
			*why = "trailing data after the JSON value";
			json_object_put(obj);
			json_tokener_free(tok);
			return NULL;
		}
	json_tokener_free(tok);
	if (json_has_nul_escape(s, n)) {
		*why = "\\u0000 (NUL) in a JSON string";
		json_object_put(obj);
		return NULL;
	}
	if (obj == NULL)
		*why = "empty JSON";
	return obj;
}

int
http_etag_matches(const char *inm, const char *etag)
{
	const char *p, *q, *tag = etag;
	size_t tlen;

	if (inm == NULL || etag == NULL)
		return 0;
	if (strncmp(tag, "W/", 2) == 0)
		tag += 2;
	tlen = strlen(tag);
	for (p = inm; *p; ) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		q = p;
		if (*q == '"') {
			q = strchr(q + 1, '"');
			if (q == NULL)
				return 0;
			q++;
		} else {
			while (*q && *q != ',')
				q++;
		}
		if ((size_t)(q - p) == tlen && memcmp(p, tag, tlen) == 0)
			return 1;
		p = q;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

/* ---- the request ---- */

/* 1 when url ("scheme://host[:port]/...") names host (the Host header). */
static int
same_host(const char *url, const char *host)
{
	const char *p = strstr(url, "://");
	size_t n;

	if (p == NULL || host == NULL || *host == '\0')
		return 0;
	p += 3;
	n = strcspn(p, "/?#");
	return n == strlen(host) && strncasecmp(p, host, n) == 0;
}

int
http_origin_ok(const struct http_request *rq)
{
	const char *host = http_header(rq, "Host");
	const char *origin = http_header(rq, "Origin");
	const char *referer = http_header(rq, "Referer");

	if (origin != NULL && *origin != '\0')
		return same_host(origin, host);
	if (referer != NULL && *referer != '\0')
		return same_host(referer, host);
	return 1;
}

int
http_same_origin(const struct http_request *rq)
{
	const char *site = http_header(rq, "Sec-Fetch-Site");

	if (site != NULL && *site != '\0' && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return 0;
	return http_origin_ok(rq);
}
