/* check_http.c — table-driven tests of cgi/http.h: the parsers of untrusted bytes, ETags, headers, cookies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

/*
 * Returns a heap copy of exactly n bytes of s, with no terminating NUL, so
 * that ASan reports any parser that reads past the length it was given.
 */
static char *
exact_copy(const char *s, size_t n)
{
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

/* Serialises a kvlist as "k=v|k=v" for one exact comparison. */
static char *
kv_dump(const struct kvlist *l)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < l->n; i++)
		buf_printf(&b, "%s%s=%s", i ? "|" : "", l->v[i].key, l->v[i].val);
	return buf_detach(&b);
}

/* ---- http_pct_decode ---- */

static const struct {
	const char	*in;
	size_t		 n;	/* bytes of in to use; 0: strlen(in) */
	int		 plus;
	enum http_parse	 rc;
	const char	*out;	/* when rc == HTTP_PARSE_OK */
	size_t		 outlen;
} pct[] = {
	{ "",			0, 0, HTTP_PARSE_OK, "", 0 },
	{ "abc",		0, 0, HTTP_PARSE_OK, "abc", 3 },
	{ "a%20b",		0, 0, HTTP_PARSE_OK, "a b", 3 },
	{ "%41%42",		0, 0, HTTP_PARSE_OK, "AB", 2 },
	{ "%e2%82%ac",		0, 0, HTTP_PARSE_OK, "\xe2\x82\xac", 3 },
	{ "%E2%82%AC",		0, 0, HTTP_PARSE_OK, "\xe2\x82\xac", 3 },
	{ "caf\xc3\xa9",	0, 0, HTTP_PARSE_OK, "caf\xc3\xa9", 5 },
	{ "a+b",		0, 1, HTTP_PARSE_OK, "a b", 3 },
	{ "a+b",		0, 0, HTTP_PARSE_OK, "a+b", 3 },
	{ "%2B",		0, 1, HTTP_PARSE_OK, "+", 1 },
	{ "%25zz",		0, 0, HTTP_PARSE_OK, "%zz", 3 },
	{ "abc%41",		3, 0, HTTP_PARSE_OK, "abc", 3 },
	{ "%zz",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%4g",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%g4",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%4",			0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%",			0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "abc%",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%41",		2, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "%00",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "a%00b",		0, 1, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "a\0b",		3, 0, HTTP_PARSE_ENCODING, NULL, 0 },
	{ "% 41",		0, 0, HTTP_PARSE_ENCODING, NULL, 0 },
};

START_TEST(test_pct_decode)
{
	size_t n = pct[_i].n ? pct[_i].n : strlen(pct[_i].in);
	char *in = exact_copy(pct[_i].in, n), *out = (char *)"sentinel";
	size_t outlen = 12345;
	enum http_parse rc;

	rc = http_pct_decode(in, n, pct[_i].plus, &out, &outlen);
	ck_assert_msg(rc == pct[_i].rc, "case %d \"%s\": rc %d, want %d",
	    _i, pct[_i].in, rc, pct[_i].rc);
	if (pct[_i].rc == HTTP_PARSE_OK) {
		ck_assert_str_eq(out, pct[_i].out);
		ck_assert_uint_eq(outlen, pct[_i].outlen);
		free(out);
	} else
		ck_assert_ptr_null(out);
	free(in);
}
END_TEST

START_TEST(test_pct_decode_outlen_optional)
{
	char *out = NULL;

	ck_assert_int_eq(http_pct_decode("x%41", 4, 0, &out, NULL), HTTP_PARSE_OK);
	ck_assert_str_eq(out, "xA");
	free(out);
}
END_TEST

/* ---- http_parse_urlencoded ---- */

static const struct {
	const char	*in;
	enum http_parse	 rc;
	const char	*pairs;	/* kv_dump() of the result, when rc == OK */
} form[] = {
	{ "",				HTTP_PARSE_OK, "" },
	{ "a=1",			HTTP_PARSE_OK, "a=1" },
	{ "a=1&b=2",			HTTP_PARSE_OK, "a=1|b=2" },
	{ "a=1&&b=2",			HTTP_PARSE_OK, "a=1|b=2" },
	{ "&a=1&",			HTTP_PARSE_OK, "a=1" },
	{ "&&&",			HTTP_PARSE_OK, "" },
	{ "a",				HTTP_PARSE_OK, "a=" },
	{ "a&b=2",			HTTP_PARSE_OK, "a=|b=2" },
	{ "a=",				HTTP_PARSE_OK, "a=" },
	{ "a=1=2",			HTTP_PARSE_OK, "a=1=2" },
	{ "q=caf%C3%A9+au+lait",	HTTP_PARSE_OK, "q=caf\xc3\xa9 au lait" },
	{ "a%20b=c%2Bd",		HTTP_PARSE_OK, "a b=c+d" },
	{ "x=%26%3D",			HTTP_PARSE_OK, "x=&=" },
	{ "a=1&a=2",			HTTP_PARSE_OK, "a=1|a=2" },
	{ "a=%zz",			HTTP_PARSE_ENCODING, NULL },
	{ "%zz=1",			HTTP_PARSE_ENCODING, NULL },
	{ "a=%00",			HTTP_PARSE_ENCODING, NULL },
	{ "%00=1",			HTTP_PARSE_ENCODING, NULL },
	{ "a=%4",			HTTP_PARSE_ENCODING, NULL },
	{ "a=1&b=%",			HTTP_PARSE_ENCODING, NULL },
	{ "a=%C3",			HTTP_PARSE_OK, "a=\xc3" },
};

START_TEST(test_urlencoded)
{
	size_t n = strlen(form[_i].in);
	char *in = exact_copy(form[_i].in, n), *dump;
	struct kvlist l = { 0 };
	enum http_parse rc;

	rc = http_parse_urlencoded(in, n, &l);
	ck_assert_msg(rc == form[_i].rc, "case %d \"%s\": rc %d, want %d",
	    _i, form[_i].in, rc, form[_i].rc);
	if (form[_i].rc == HTTP_PARSE_OK) {
		dump = kv_dump(&l);
		ck_assert_str_eq(dump, form[_i].pairs);
		free(dump);
	}
	kv_free(&l);
	free(in);
}
END_TEST

/* "f0=0&f1=1&..." with nfields fields, and nempty extra "&" between them. */
static char *
many_fields(int nfields, int empties)
{
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < nfields; i++)
		buf_printf(&b, "%sf%d=%d", i ? (empties ? "&&" : "&") : "", i, i);
	return buf_detach(&b);
}

static const struct {
	int		 nfields;
	int		 empties;
	enum http_parse	 rc;
} limits[] = {
	{ 1, 0, HTTP_PARSE_OK },
	{ 99, 0, HTTP_PARSE_OK },
	{ HTTP_MAX_FIELDS, 0, HTTP_PARSE_OK },
	{ HTTP_MAX_FIELDS, 1, HTTP_PARSE_OK },	/* empty pairs do not count */
	{ HTTP_MAX_FIELDS + 1, 0, HTTP_PARSE_TOO_MANY },
	{ HTTP_MAX_FIELDS + 1, 1, HTTP_PARSE_TOO_MANY },
	{ 10 * HTTP_MAX_FIELDS, 0, HTTP_PARSE_TOO_MANY },
};

START_TEST(test_urlencoded_limit)
{
	char *s = many_fields(limits[_i].nfields, limits[_i].empties);
	struct kvlist l = { 0 };
	enum http_parse rc;
	char last[16];

	rc = http_parse_urlencoded(s, strlen(s), &l);
	ck_assert_msg(rc == limits[_i].rc, "%d fields: rc %d, want %d",
	    limits[_i].nfields, rc, limits[_i].rc);
	if (rc == HTTP_PARSE_OK) {
		ck_assert_uint_eq(l.n, (size_t)limits[_i].nfields);
		snprintf(last, sizeof last, "f%d", limits[_i].nfields - 1);
		ck_assert_str_eq(l.v[l.n - 1].key, last);
		ck_assert_str_eq(kv_get(&l, "f0"), "0");
	}
	kv_free(&l);
	free(s);
}
END_TEST

/* ---- http_parse_cookies (RFC 6265 §4.1.1 syntax, §5.2 leniency) ---- */

static const struct {
	const char	*header;
	const char	*pairs;
} cookies[] = {
	{ "",				"" },
	{ ";;; ",			"" },
	{ "a=1",			"a=1" },
	{ "a=1; b=2",			"a=1|b=2" },
	{ "a=1;b=2",			"a=1|b=2" },
	{ "a=1;",			"a=1" },
	{ "  a = 1 ;\tb=2  ",		"a=1|b=2" },
	{ "a=\"quoted\"",		"a=quoted" },
	{ "a=\"\"",			"a=" },
	{ "a=",				"a=" },
	{ "a=1=2",			"a=1=2" },
	{ "a=1; a=2",			"a=1|a=2" },
	{ "noequals; a=1",		"a=1" },
	{ "a=1; noequals",		"a=1" },
	{ "=v; a=1",			"a=1" },
	{ "a=\"x; b=2",			"b=2" },	/* lone DQUOTE */
	{ "a=x\"; b=2",			"b=2" },
	{ "a=b c; d=e",			"d=e" },	/* SP inside */
	{ "a=b,c; d=e",			"d=e" },	/* comma */
	{ "a=b\\c; d=e",		"d=e" },	/* backslash */
	{ "a=\x7f; d=e",		"d=e" },	/* DEL */
	{ "a=\x01; d=e",		"d=e" },	/* CTL */
	{ "a=caf\xc3\xa9; d=e",		"d=e" },	/* non-ASCII */
	{ "cart=3f9a0c-_.~!#$%&'()*+/:<>?@[]^`{|}", "cart=3f9a0c-_.~!#$%&'()*+/:<>?@[]^`{|}" },
};

START_TEST(test_cookies)
{
	struct kvlist l = { 0 };
	char *dump;

	ck_assert_int_eq(http_parse_cookies(cookies[_i].header, &l), HTTP_PARSE_OK);
	dump = kv_dump(&l);
	ck_assert_msg(strcmp(dump, cookies[_i].pairs) == 0,
	    "case %d \"%s\": got \"%s\", want \"%s\"", _i, cookies[_i].header,
	    dump, cookies[_i].pairs);
	free(dump);
	kv_free(&l);
}
END_TEST

START_TEST(test_cookies_limit)
{
	struct kvlist l = { 0 };
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < HTTP_MAX_FIELDS; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	ck_assert_int_eq(http_parse_cookies(buf_str(&b), &l), HTTP_PARSE_OK);
	ck_assert_uint_eq(l.n, HTTP_MAX_FIELDS);
	kv_free(&l);
	buf_puts(&b, "one=more");
	ck_assert_int_eq(http_parse_cookies(buf_str(&b), &l), HTTP_PARSE_TOO_MANY);
	kv_free(&l);
	buf_free(&b);
}
END_TEST

/* ---- http_normalize_path ---- */

static const struct {
	const char	*raw;
	enum http_parse	 rc;
	const char	*out;
} paths[] = {
	{ "/",			HTTP_PARSE_OK, "/" },
	{ "//",			HTTP_PARSE_OK, "/" },
	{ "/a/b",		HTTP_PARSE_OK, "/a/b" },
	{ "//a//b/",		HTTP_PARSE_OK, "/a/b" },
	{ "/cart/",		HTTP_PARSE_OK, "/cart" },
	{ "/a..b/c.",		HTTP_PARSE_OK, "/a..b/c." },
	{ "/.well-known",	HTTP_PARSE_OK, "/.well-known" },
	{ "/...",		HTTP_PARSE_OK, "/..." },
	{ "/caf%C3%A9",		HTTP_PARSE_OK, "/caf\xc3\xa9" },
	{ "/a+b",		HTTP_PARSE_OK, "/a+b" },	/* '+' is not a space in a path */
	{ "/a%20b",		HTTP_PARSE_OK, "/a b" },
	{ "/a/../b",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/./b",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/..",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/..",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/.",			HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/%2e%2e/b",	HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/%2E%2E/b",	HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/.%2e/b",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/a/%2e/b",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/a%2f..%2fb",	HTTP_PARSE_BAD_PATH, NULL },
	{ "",			HTTP_PARSE_BAD_PATH, NULL },
	{ "a/b",		HTTP_PARSE_BAD_PATH, NULL },
	{ "%2fa",		HTTP_PARSE_BAD_PATH, NULL },
	{ "/a%00b",		HTTP_PARSE_ENCODING, NULL },
	{ "/%00",		HTTP_PARSE_ENCODING, NULL },
	{ "/a%zz",		HTTP_PARSE_ENCODING, NULL },
	{ "/a%2",		HTTP_PARSE_ENCODING, NULL },
};

START_TEST(test_normalize_path)
{
	size_t n = strlen(paths[_i].raw);
	char *raw = exact_copy(paths[_i].raw, n), *out = (char *)"sentinel";
	enum http_parse rc;

	rc = http_normalize_path(raw, n, &out);
	ck_assert_msg(rc == paths[_i].rc, "case %d \"%s\": rc %d, want %d",
	    _i, paths[_i].raw, rc, paths[_i].rc);
	if (paths[_i].rc == HTTP_PARSE_OK) {
		ck_assert_str_eq(out, paths[_i].out);
		free(out);
	} else
		ck_assert_ptr_null(out);
	free(raw);
}
END_TEST

/* ---- http_accepts_json ---- */

static const struct {
	const char	*accept;
	int		 json;
} accepts[] = {
	{ NULL,						0 },
	{ "",						0 },
	{ "*/*",					0 },
	{ "text/html",					0 },
	{ "application/json",				1 },
	{ "application/json; charset=utf-8",		1 },
	{ "application/json, text/html",		1 },
	{ "text/html, application/json",		0 },
	{ "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 0 },
	{ "application/json, text/plain, */*",		1 },
};

START_TEST(test_accepts_json)
{
	ck_assert_msg(http_accepts_json(accepts[_i].accept) == accepts[_i].json,
	    "Accept \"%s\": want %d", accepts[_i].accept ? accepts[_i].accept :
	    "(null)", accepts[_i].json);
}
END_TEST

/* ---- http_media_type_is (RFC 9110 §8.3.1) ---- */

static const struct {
	const char	*ct;
	int		 json;
} media[] = {
	{ "application/json",			1 },
	{ "Application/JSON",			1 },
	{ "application/json;charset=utf-8",	1 },
	{ "application/json ; charset=utf-8",	1 },
	{ "application/json\t;charset=\"utf-8\"",	1 },
	{ " application/json ",			1 },
	{ "application/json;",			1 },
	{ "application/jsonx",			0 },
	{ "application/json-seq",		0 },
	{ "application/json+x",			0 },
	{ "application/json,text/plain",	0 },
	{ "application/json x",			0 },
	{ "application/jso",			0 },
	{ "application/ json",			0 },
	{ "text/json",				0 },
	{ "",					0 },
	{ NULL,					0 },
};

START_TEST(test_media_type_is)
{
	ck_assert_msg(http_media_type_is(media[_i].ct, "application/json") ==
	    media[_i].json, "Content-Type \"%s\": want %d",
	    media[_i].ct ? media[_i].ct : "(null)", media[_i].json);
}
END_TEST

START_TEST(test_media_type_form)
{
	const char *form = "application/x-www-form-urlencoded";

	ck_assert_int_eq(http_media_type_is(form, form), 1);
	ck_assert_int_eq(http_media_type_is("application/x-www-form-urlencoded; charset=UTF-8",
	    form), 1);
	ck_assert_int_eq(http_media_type_is("application/x-www-form-urlencodedx", form), 0);
	ck_assert_int_eq(http_media_type_is("application/x-www-form", form), 0);
}
END_TEST

/* ---- http_parse_json ---- */

static const struct {
	const char	*in;
	size_t		 n;	/* 0: strlen(in) */
	const char	*out;	/* plain serialisation, or NULL when refused */
	const char	*why;	/* exact reason when refused, or NULL for any */
} jsons[] = {
	{ "{\"a\":1}",			0, "{\"a\":1}", NULL },
	{ " \t{\"a\":[1,\"x\"]}\r\n ",	0, "{\"a\":[1,\"x\"]}", NULL },
	{ "[1,2]",			0, "[1,2]", NULL },
	{ "{\"s\":\"caf\xc3\xa9\"}",	0, "{\"s\":\"caf\xc3\xa9\"}", NULL },
	{ "{\"s\":\"\\u00e9\"}",	0, "{\"s\":\"\xc3\xa9\"}", NULL },
	{ "",				0, NULL, NULL },
	{ "   ",			0, NULL, NULL },
	{ "{} x",			0, NULL, NULL },
	{ "{}{}",			0, NULL, NULL },
	{ "{\"a\":1},",			0, NULL, NULL },
	{ "1 2",			0, NULL, NULL },
	{ "{\"a\":1",			0, NULL, NULL },
	{ "{\"a\":\"b",			0, NULL, NULL },
	{ "[1,2",			0, NULL, NULL },
	{ "{\"a\"",			0, NULL, NULL },
	{ "tru",			0, NULL, NULL },
	{ "'a'",			0, NULL, NULL },
	{ "[1,]",			0, NULL, NULL },
	{ "{\"a\":\"\xff\"}",		0, NULL, NULL },
	{ "{\"a\":\"\xc3\"}",		0, NULL, NULL },
	{ "{\"a\":\"\xc3\x28\"}",	0, NULL, NULL },
	{ "{\"a\":1}\0",		8, NULL, "NUL byte in JSON" },
	{ "{\"a\":\"x\0y\"}",		11, NULL, "NUL byte in JSON" },
	{ "\0{}",			3, NULL, "NUL byte in JSON" },
	/* \u0000 would be cut short by every C string reader: refused. */
	{ "{\"a\":\"Trunc\\u0000ated\"}",	0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "\"\\u0000\"",			0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "{\"a\\u0000b\":1}",		0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "{\"\\u0000\":1}",			0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "[[{\"x\":[\"ok\",\"\\u0000\"]}]]",	0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "{\"a\":\"\\\\\\u0000\"}",		0, NULL, "\\u0000 (NUL) in a JSON string" },
	{ "{\"a\":\"\\\\u0000\"}",		0, "{\"a\":\"\\\\u0000\"}", NULL },
	{ "{\"a\":\"\\u0001\\u1000\\u00000\"}",	0, NULL, NULL },
	{ "{\"a\":\"\\u0001\\u1000\"}",	0, "{\"a\":\"\\u0001\xe1\x80\x80\"}", NULL },
};

START_TEST(test_parse_json)
{
	size_t n = jsons[_i].n ? jsons[_i].n : strlen(jsons[_i].in);
	char *in = exact_copy(jsons[_i].in, n);
	const char *why = "sentinel";
	struct json_object *o;

	o = http_parse_json(in, n, &why);
	if (jsons[_i].out != NULL) {
		ck_assert_msg(o != NULL, "case %d: refused: %s", _i, why);
		ck_assert_ptr_null(why);
		ck_assert_str_eq(json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN), jsons[_i].out);
	} else {
		ck_assert_msg(o == NULL, "case %d: accepted: %s", _i,
		    o ? json_object_to_json_string(o) : "");
		ck_assert_ptr_nonnull(why);
		ck_assert_str_ne(why, "sentinel");
		if (jsons[_i].why != NULL)
			ck_assert_str_eq(why, jsons[_i].why);
	}
	json_object_put(o);
	free(in);
}
END_TEST

/*
 * A JSON text whose values nest levels deep, counted as json-c counts them
 * (json_tokener_new_ex): every value takes a level, a scalar leaf included.
 * So 16 levels are 15 containers around 1, or 16 around an empty [] / {}.
 */
static char *
nested(int levels, int objects, int leaf)
{
	struct buf b;
	int i, ncont = leaf ? levels - 1 : levels;

	buf_init(&b);
	for (i = 0; i < ncont; i++)
		buf_puts(&b, objects ? (leaf || i < ncont - 1 ? "{\"a\":" : "{") : "[");
	if (leaf)
		buf_puts(&b, "1");
	for (i = 0; i < ncont; i++)
		buf_putc(&b, objects ? '}' : ']');
	return buf_detach(&b);
}

static const struct {
	int	levels;
	int	objects;
	int	leaf;
	int	ok;
} depths[] = {
	{ 1, 0, 1, 1 },
	{ 1, 1, 0, 1 },
	{ HTTP_MAX_JSON_DEPTH - 1, 0, 1, 1 },
	{ HTTP_MAX_JSON_DEPTH, 0, 1, 1 },
	{ HTTP_MAX_JSON_DEPTH, 0, 0, 1 },
	{ HTTP_MAX_JSON_DEPTH, 1, 1, 1 },
	{ HTTP_MAX_JSON_DEPTH, 1, 0, 1 },
	{ HTTP_MAX_JSON_DEPTH + 1, 0, 1, 0 },
	{ HTTP_MAX_JSON_DEPTH + 1, 0, 0, 0 },
	{ HTTP_MAX_JSON_DEPTH + 1, 1, 1, 0 },
	{ HTTP_MAX_JSON_DEPTH + 1, 1, 0, 0 },
	{ 10000, 0, 1, 0 },
};

START_TEST(test_parse_json_depth)
{
	char *s = nested(depths[_i].levels, depths[_i].objects, depths[_i].leaf);
	const char *why;
	struct json_object *o;

	o = http_parse_json(s, strlen(s), &why);
	if (depths[_i].ok) {
		ck_assert_msg(o != NULL, "%s refused: %s", s, why);
	} else {
		ck_assert_msg(o == NULL, "%.80s accepted", s);
		ck_assert_str_eq(why, "JSON nested too deeply");
	}
	json_object_put(o);
	free(s);
}
END_TEST

START_TEST(test_parse_json_too_large)
{
	size_t n = HTTP_MAX_BODY + 1;
	char *s = xmalloc(n);
	const char *why;

	/* A valid JSON string of n bytes: the size alone refuses it. */
	memset(s, 'x', n);
	s[0] = '"';
	s[n - 1] = '"';
	ck_assert_ptr_null(http_parse_json(s, n, &why));
	ck_assert_str_eq(why, "body too large");
	free(s);
}
END_TEST

/* ---- http_etag_matches (RFC 7232 §3.2, weak comparison) ---- */

static const struct {
	const char	*inm;
	const char	*etag;
	int		 match;
} etags[] = {
	{ "\"42\"",			"\"42\"",	1 },
	{ "\"43\"",			"\"42\"",	0 },
	{ "\"420\"",			"\"42\"",	0 },
	{ "\"4\"",			"\"42\"",	0 },
	{ "W/\"42\"",			"\"42\"",	1 },
	{ "\"42\"",			"W/\"42\"",	1 },
	{ "W/\"42\"",			"W/\"42\"",	1 },
	{ "w/\"42\"",			"\"42\"",	0 },	/* W/ is case-sensitive */
	{ "\"41\", \"42\"",		"\"42\"",	1 },
	{ "\"41\",\"42\",\"43\"",	"\"42\"",	1 },
	{ "\"41\", W/\"42\"",		"\"42\"",	1 },
	{ "\"41\" , \"43\"",		"\"42\"",	0 },
	{ " , ,\"42\"",			"\"42\"",	1 },	/* empty list elements */
	{ "\"a,b\"",			"\"a,b\"",	1 },
	{ "\"x\", \"a,b\"",		"\"a,b\"",	1 },
	{ "\"a,b\"",			"\"a\"",	0 },
	{ "*",				"\"42\"",	1 },
	{ " *",				"\"42\"",	1 },
	{ "\"*\"",			"\"42\"",	0 },
	{ "42",				"\"42\"",	0 },	/* unquoted */
	{ "\"42",			"\"42\"",	0 },	/* unterminated */
	{ "\"41\", \"42",		"\"42\"",	0 },
	{ "W/",				"\"42\"",	0 },
	{ "W/42",			"\"42\"",	0 },
	{ "",				"\"42\"",	0 },
	{ NULL,				"\"42\"",	0 },
	{ "\"42\"",			NULL,		0 },
};

START_TEST(test_etag_matches)
{
	ck_assert_msg(http_etag_matches(etags[_i].inm, etags[_i].etag) ==
	    etags[_i].match, "If-None-Match %s vs ETag %s: want %d",
	    etags[_i].inm ? etags[_i].inm : "(null)",
	    etags[_i].etag ? etags[_i].etag : "(null)", etags[_i].match);
}
END_TEST

/* ---- kv lists ---- */

START_TEST(test_kv)
{
	struct kvlist l = { 0 };
	char key[16], val[16];
	int i;

	ck_assert_ptr_null(kv_get(&l, "a"));
	kv_add(&l, "abc", 1, "123", 2);		/* lengths, not NULs, delimit */
	kv_add(&l, "b", 1, "", 0);
	kv_add(&l, "a", 1, "second", 6);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(kv_get(&l, "a"), "12");
	ck_assert_str_eq(kv_get(&l, "b"), "");
	ck_assert_ptr_null(kv_get(&l, "abc"));
	ck_assert_ptr_null(kv_get(&l, "A"));
	ck_assert_ptr_null(kv_get(&l, ""));
	/* Past the first growth. */
	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "k%d", i);
		snprintf(val, sizeof val, "v%d", i);
		kv_add(&l, key, strlen(key), val, strlen(val));
	}
	ck_assert_uint_eq(l.n, 43);
	ck_assert_str_eq(kv_get(&l, "k0"), "v0");
	ck_assert_str_eq(kv_get(&l, "k39"), "v39");
	kv_free(&l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_null(l.v);
	ck_assert_ptr_null(kv_get(&l, "k0"));
	kv_free(&l);				/* twice is harmless */
}
END_TEST

/* ---- responses ---- */

START_TEST(test_response_defaults)
{
	struct http_response rs;

	http_response_init(&rs);
	ck_assert_int_eq(rs.status, 200);
	ck_assert_str_eq(rs.content_type, "text/html; charset=utf-8");
	ck_assert_str_eq(buf_str(&rs.headers), "");
	ck_assert_uint_eq(rs.body.len, 0);
	buf_puts(&rs.body, "old body");
	http_redirect(&rs, 303, "/shop/cart");
	ck_assert_int_eq(rs.status, 303);
	ck_assert_str_eq(buf_str(&rs.headers), "Location: /shop/cart\r\n");
	ck_assert_uint_eq(rs.body.len, 0);
	http_response_free(&rs);
	http_response_free(NULL);
}
END_TEST

static const struct {
	const char	*value;
	const char	*line;	/* what headers holds afterwards; "" when dropped */
} hdrs[] = {
	{ "1",				"X-Test: 1\r\n" },
	{ "a b; c=\"d\"",		"X-Test: a b; c=\"d\"\r\n" },
	{ "",				"X-Test: \r\n" },
	{ "a\r\nSet-Cookie: x=1",	"" },
	{ "a\nb",			"" },
	{ "a\rb",			"" },
	{ "\r\n",			"" },
};

START_TEST(test_add_header)
{
	struct http_response rs;

	http_response_init(&rs);
	http_add_header(&rs, "X-Test", "%s", hdrs[_i].value);
	ck_assert_str_eq(buf_str(&rs.headers), hdrs[_i].line);
	http_response_free(&rs);
}
END_TEST

START_TEST(test_add_header_format)
{
	struct http_response rs;

	http_response_init(&rs);
	http_add_header(&rs, "Retry-After", "%d", 5);
	http_add_header(&rs, "X-Bad", "%s%s", "ok", "\n");
	http_add_header(&rs, "ETag", "\"%lld\"", 42LL);
	ck_assert_str_eq(buf_str(&rs.headers), "Retry-After: 5\r\nETag: \"42\"\r\n");
	http_response_free(&rs);
}
END_TEST

static const struct {
	const char	*name, *value, *path;
	long		 max_age;
	int		 secure;
	const char	*line;
} setcookies[] = {
	{ "cart", "abc", "/", -1, 0,
	    "Set-Cookie: cart=abc; Path=/; HttpOnly; SameSite=Lax\r\n" },
	{ "cart", "abc", "/shop", 3600, 1,
	    "Set-Cookie: cart=abc; Path=/shop; Max-Age=3600; HttpOnly; SameSite=Lax; Secure\r\n" },
	{ "sid", "", "/", 0, 0,
	    "Set-Cookie: sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\r\n" },
	{ "sid", "x", NULL, -1, 1,
	    "Set-Cookie: sid=x; Path=/; HttpOnly; SameSite=Lax; Secure\r\n" },
	{ "sid", "x", "", 60, 0,
	    "Set-Cookie: sid=x; Path=/; Max-Age=60; HttpOnly; SameSite=Lax\r\n" },
	{ "sid", "x\r\nLocation: /evil", "/", -1, 0, "" },
};

START_TEST(test_set_cookie)
{
	struct http_response rs;

	http_response_init(&rs);
	http_set_cookie(&rs, setcookies[_i].name, setcookies[_i].value,
	    setcookies[_i].path, setcookies[_i].max_age, setcookies[_i].secure);
	ck_assert_str_eq(buf_str(&rs.headers), setcookies[_i].line);
	http_response_free(&rs);
}
END_TEST

static const struct {
	int		 status;
	const char	*text;
} statuses[] = {
	{ 200, "OK" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 400, "Bad Request" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 409, "Conflict" }, { 413, "Content Too Large" }, { 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
	{ 503, "Service Unavailable" }, { 299, "Unknown" },
};

START_TEST(test_status_text)
{
	ck_assert_str_eq(http_status_text(statuses[_i].status), statuses[_i].text);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase_create("pct_decode");
	tcase_add_loop_test(tc, test_pct_decode, 0, (int)NELEM(pct));
	tcase_add_test(tc, test_pct_decode_outlen_optional);
	suite_add_tcase(s, tc);

	tc = tcase_create("urlencoded");
	tcase_add_loop_test(tc, test_urlencoded, 0, (int)NELEM(form));
	tcase_add_loop_test(tc, test_urlencoded_limit, 0, (int)NELEM(limits));
	suite_add_tcase(s, tc);

	tc = tcase_create("cookies");
	tcase_add_loop_test(tc, test_cookies, 0, (int)NELEM(cookies));
	tcase_add_test(tc, test_cookies_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("normalize_path");
	tcase_add_loop_test(tc, test_normalize_path, 0, (int)NELEM(paths));
	suite_add_tcase(s, tc);

	tc = tcase_create("accepts_json");
	tcase_add_loop_test(tc, test_accepts_json, 0, (int)NELEM(accepts));
	suite_add_tcase(s, tc);

	tc = tcase_create("media_type");
	tcase_add_loop_test(tc, test_media_type_is, 0, (int)NELEM(media));
	tcase_add_test(tc, test_media_type_form);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_json");
	tcase_add_loop_test(tc, test_parse_json, 0, (int)NELEM(jsons));
	tcase_add_loop_test(tc, test_parse_json_depth, 0, (int)NELEM(depths));
	tcase_add_test(tc, test_parse_json_too_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("etag");
	tcase_add_loop_test(tc, test_etag_matches, 0, (int)NELEM(etags));
	suite_add_tcase(s, tc);

	tc = tcase_create("kv");
	tcase_add_test(tc, test_kv);
	suite_add_tcase(s, tc);

	tc = tcase_create("response");
	tcase_add_test(tc, test_response_defaults);
	tcase_add_loop_test(tc, test_add_header, 0, (int)NELEM(hdrs));
	tcase_add_test(tc, test_add_header_format);
	tcase_add_loop_test(tc, test_set_cookie, 0, (int)NELEM(setcookies));
	tcase_add_loop_test(tc, test_status_text, 0, (int)NELEM(statuses));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(http_suite)
