/* check_i18n.c — table-driven tests of cgi/i18n.h: prices, language choice, locale files and lookups. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "unit.h"

#define NBSP	"\xc2\xa0"		/* U+00A0 NO-BREAK SPACE */
#define NNBSP	"\xe2\x80\xaf"		/* U+202F NARROW NO-BREAK SPACE */
#define EURO	"\xe2\x82\xac"		/* U+20AC EURO SIGN */
#define POUND	"\xc2\xa3"		/* U+00A3 POUND SIGN */

/* ---- i18n_price ---- */

static const struct {
	int64_t		 cents;
	const char	*currency;
	const char	*lang;
	const char	*want;
} prices[] = {
	{ 8999,		"EUR", "en", EURO "89.99" },
	{ 123450,	"EUR", "en", EURO "1,234.50" },
	{ 0,		"EUR", "en", EURO "0.00" },
	{ 5,		"EUR", "en", EURO "0.05" },
	{ 100,		"EUR", "en", EURO "1.00" },
	{ 99999,	"EUR", "en", EURO "999.99" },
	{ 100000,	"EUR", "en", EURO "1,000.00" },
	{ 123456789,	"EUR", "en", EURO "1,234,567.89" },
	{ 8999,		"USD", "en", "$89.99" },
	{ 8999,		"GBP", "en", POUND "89.99" },
	{ 1200,		"CHF", "en", "CHF" NBSP "12.00" },
	{ 123450,	"CHF", "en", "CHF" NBSP "1,234.50" },
	{ -8999,	"EUR", "en", "-" EURO "89.99" },
	{ -5,		"EUR", "en", "-" EURO "0.05" },
	{ INT64_MIN,	"EUR", "en", "-" EURO "92,233,720,368,547,758.08" },
	{ INT64_MAX,	"EUR", "en", EURO "92,233,720,368,547,758.07" },
	{ 8999,		"EUR", "de", EURO "89.99" },	/* unknown language: en */
	{ 8999,		"EUR", "fr", "89,99" NBSP EURO },
	{ 123450,	"EUR", "fr", "1" NNBSP "234,50" NBSP EURO },
	{ 0,		"EUR", "fr", "0,00" NBSP EURO },
	{ 5,		"EUR", "fr", "0,05" NBSP EURO },
	{ 100000000,	"EUR", "fr", "1" NNBSP "000" NNBSP "000,00" NBSP EURO },
	{ 8999,		"USD", "fr", "89,99" NBSP "$" },
	{ 1200,		"CHF", "fr", "12,00" NBSP "CHF" },
	{ -8999,	"EUR", "fr", "-89,99" NBSP EURO },
	{ INT64_MIN,	"EUR", "fr", "-92" NNBSP "233" NNBSP "720" NNBSP "368" NNBSP
	    "547" NNBSP "758,08" NBSP EURO },
};

START_TEST(test_price)
{
	char out[128];

	memset(out, 'x', sizeof out);
	i18n_price(out, sizeof out, prices[_i].cents, prices[_i].currency,
	    prices[_i].lang);
	ck_assert_msg(strcmp(out, prices[_i].want) == 0,
	    "%lld %s %s: got \"%s\", want \"%s\"", (long long)prices[_i].cents,
	    prices[_i].currency, prices[_i].lang, out, prices[_i].want);
}
END_TEST

/* A short buffer truncates but stays NUL-terminated and in bounds. */
START_TEST(test_price_short_buffer)
{
	char *out = xmalloc(4);

	i18n_price(out, 4, 123450, "EUR", "en");
	ck_assert_uint_lt(strlen(out), 4);
	ck_assert_str_eq(out, EURO);
	free(out);
}
END_TEST

/* ---- i18n_datetime, i18n_time ---- */

static const struct {
	const char	*tz;
	time_t		 t;
	const char	*lang;
	const char	*want;
	const char	*hhmm;
} times[] = {
	{ "UTC",		0,		"en", "1 Jan 1970, 00:00",	"00:00" },
	{ "UTC",		0,		"fr", "01/01/1970 00:00",	"00:00" },
	{ "UTC",		1795280584,	"en", "21 Nov 2026, 17:03",	"17:03" },
	{ "UTC",		1795280584,	"fr", "21/11/2026 17:03",	"17:03" },
	{ "Europe/Paris",	1795280584,	"en", "21 Nov 2026, 18:03",	"18:03" },
	{ "Europe/Paris",	1783238940,	"fr", "05/07/2026 10:09",	"10:09" },
};

START_TEST(test_datetime)
{
	char out[64];

	ck_assert_int_eq(setenv("TZ", times[_i].tz, 1), 0);
	tzset();
	i18n_datetime(out, sizeof out, times[_i].t, times[_i].lang);
	ck_assert_str_eq(out, times[_i].want);
	i18n_time(out, sizeof out, times[_i].t);
	ck_assert_str_eq(out, times[_i].hhmm);
}
END_TEST

/* ---- locale files in a temporary templates directory ---- */

/*
 * As in check_db.c: one base directory per test case, made and removed
 * (recursively) by the parent, so a failed test leaves nothing behind; each
 * test writes its locales/ into a directory of its own inside it.
 */
static char base[64];
static char dir[128];

static void
write_file(const char *rel, const char *text)
{
	char file[256];
	FILE *f;

	snprintf(file, sizeof file, "%s/%s", dir, rel);
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static void
base_setup(void)
{
	unit_tmpdir(base, sizeof base, "i18n");
}

static void
base_teardown(void)
{
	unit_rmtree(base);
}

static void
setup(void)
{
	char sub[192];

	snprintf(dir, sizeof dir, "%s/XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/locales", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
}

#define EN_OK	"{\"title\": \"Shop\", \"cart\": {\"place_order\": \"Place order\", " \
		"\"empty\": \"Your cart is empty\"}}"
#define FR_OK	"{\"title\": \"Boutique\", \"cart\": {\"place_order\": " \
		"\"Passer la commande\", \"empty\": \"Votre panier est vide\"}}"

/*
 * en and fr file contents (NULL: no such file). On failure the message is
 * exactly "DIR/locales/" + err_file + err_rest, or, when err_key is set,
 * "missing or mistyped key " + err_key + " in DIR/locales/fr.json".
 */
static const struct {
	const char	*en, *fr;
	int		 ok;
	const char	*err_file, *err_rest, *err_key;
} loads[] = {
	{ EN_OK, FR_OK, 1, NULL, NULL, NULL },
	{ EN_OK, "{\"title\": \"Boutique\", \"extra\": \"en plus\", \"cart\": {\"place_order\": "
	    "\"Passer\", \"empty\": \"Vide\", \"more\": {\"x\": \"y\"}}}", 1, NULL, NULL, NULL },
	{ EN_OK, "{\"title\": \"Boutique\", \"cart\": {\"empty\": \"Vide\"}}",
	    0, NULL, NULL, "cart.place_order" },
	{ EN_OK, "{\"cart\": {\"place_order\": \"Passer\", \"empty\": \"Vide\"}}",
	    0, NULL, NULL, "title" },
	{ EN_OK, "{\"title\": \"Boutique\", \"cart\": \"Panier\"}", 0, NULL, NULL, "cart" },
	{ EN_OK, "{\"title\": \"Boutique\", \"cart\": {\"place_order\": \"Passer\", "
	    "\"empty\": 0}}", 0, NULL, NULL, "cart.empty" },
	{ EN_OK, "{\"title\": {}, \"cart\": {\"place_order\": \"Passer\", "
	    "\"empty\": \"Vide\"}}", 0, NULL, NULL, "title" },
	{ EN_OK, "{\"title\": \"Boutique\", \"cart\": {",
	    0, "fr.json", ": not a JSON object (unexpected end of data)", NULL },
	{ EN_OK, "",
	    0, "fr.json", ": not a JSON object (unexpected end of data)", NULL },
	{ EN_OK, "[\"title\"]", 0, "fr.json", ": not a JSON object (wrong type)", NULL },
	{ EN_OK, "\"Boutique\"", 0, "fr.json", ": not a JSON object (wrong type)", NULL },
	{ EN_OK, FR_OK " {}", 0, "fr.json", ": not a JSON object (unexpected character)", NULL },
	{ EN_OK, "{\"title\": \"Boutique\xff\"}",
	    0, "fr.json", ": not a JSON object (invalid utf-8 string)", NULL },
	{ EN_OK, NULL, 0, "fr.json", ": cannot read", NULL },
	{ NULL, FR_OK, 0, "en.json", ": cannot read", NULL },
	{ "{\"title\": ", FR_OK,
	    0, "en.json", ": not a JSON object (unexpected end of data)", NULL },
};

START_TEST(test_load)
{
	struct i18n in;
	struct buf err;
	char want[512];

	if (loads[_i].en != NULL)
		write_file("locales/en.json", loads[_i].en);
	if (loads[_i].fr != NULL)
		write_file("locales/fr.json", loads[_i].fr);
	buf_init(&err);
	if (loads[_i].ok) {
		ck_assert_msg(i18n_load(&in, dir, &err) == 0, "refused: %s", buf_str(&err));
		ck_assert_str_eq(buf_str(&err), "");
		ck_assert_uint_eq(in.n, 2);
		ck_assert_str_eq(in.lang[0], "en");
		ck_assert_str_eq(in.lang[1], "fr");
		i18n_free(&in);
	} else {
		ck_assert_int_eq(i18n_load(&in, dir, &err), -1);
		if (loads[_i].err_key != NULL)
			snprintf(want, sizeof want, "missing or mistyped key %s in "
			    "%s/locales/fr.json", loads[_i].err_key, dir);
		else
			snprintf(want, sizeof want, "%s/locales/%s%s", dir,
			    loads[_i].err_file, loads[_i].err_rest);
		ck_assert_str_eq(buf_str(&err), want);
		/* Freed on failure; freeing again is harmless. */
		ck_assert_uint_eq(in.n, 0);
		ck_assert_ptr_null(in.table[0]);
		i18n_free(&in);
	}
	i18n_free(NULL);
	buf_free(&err);
}
END_TEST

static const struct {
	const char	*lang, *key, *want;
} texts[] = {
	{ "en", "title",		"Shop" },
	{ "fr", "title",		"Boutique" },
	{ "en", "cart.place_order",	"Place order" },
	{ "fr", "cart.place_order",	"Passer la commande" },
	{ "fr", "cart.empty",		"Votre panier est vide" },
	{ "de", "cart.place_order",	"Place order" },	/* unknown: the first table */
	{ "fr", "cart",			"cart" },		/* an object, not a text */
	{ "fr", "cart.nope",		"cart.nope" },
	{ "fr", "nope",			"nope" },
	{ "fr", "nope.place_order",	"nope.place_order" },
	{ "fr", "cart.place_order.x",	"cart.place_order.x" },
	{ "fr", "cart.",		"cart." },
	{ "fr", ".title",		".title" },
	{ "fr", "",			"" },
	{ "fr", "cart.place_order_and_a_very_long_segment_that_goes_past_sixty_four_bytes",
	    "cart.place_order_and_a_very_long_segment_that_goes_past_sixty_four_bytes" },
	{ "fr", "a_segment_that_is_longer_than_sixty_four_bytes_in_all_0123456789abcdef.x",
	    "a_segment_that_is_longer_than_sixty_four_bytes_in_all_0123456789abcdef.x" },
};

START_TEST(test_text)
{
	struct i18n in;
	struct buf err;

	write_file("locales/en.json", EN_OK);
	write_file("locales/fr.json", FR_OK);
	buf_init(&err);
	ck_assert_msg(i18n_load(&in, dir, &err) == 0, "%s", buf_str(&err));
	ck_assert_str_eq(i18n_text(&in, texts[_i].lang, texts[_i].key), texts[_i].want);
	ck_assert_ptr_eq(i18n_table(&in, "fr"), in.table[1]);
	ck_assert_ptr_eq(i18n_table(&in, "xx"), in.table[0]);
	i18n_free(&in);
	buf_free(&err);
}
END_TEST

/* ---- i18n_pick (RFC 9110 §12.5.4) ---- */

static const struct {
	const char	*accept, *fallback, *want;
} picks[] = {
	{ "fr-FR,fr;q=0.9,en;q=0.8",		"en", "fr" },
	{ "en-US,fr;q=0.5",			"fr", "en" },
	{ "en-US,en;q=0.9,fr;q=0.8",		"fr", "en" },
	{ "de",					"en", "en" },
	{ "de",					"fr", "fr" },
	{ "de-DE,de;q=0.9",			"xx", "en" },	/* unknown fallback: the first */
	{ "fr;q=0",				"en", "en" },	/* q=0: not acceptable */
	{ "fr;q=0, en;q=0",			"fr", "fr" },
	{ "de, fr;q=0.1",			"en", "fr" },
	{ "en;q=0.1, fr;q=0.2",			"en", "fr" },
	{ "en;q=0.8, fr",			"en", "fr" },	/* q defaults to 1 */
	{ "fr;q=0.5, en;q=0.5",			"en", "fr" },	/* a tie: the first */
	{ "en ; q=0.3 , fr ; q=0.4",		"en", "fr" },
	{ "fr;level=1;q=0.2, en;q=0.1",		"en", "fr" },
	{ "en;foo, fr;q=0.1",			"fr", "en" },
	{ "FR-be",				"en", "fr" },
	{ "fr-CA",				"en", "fr" },
	{ "frx",				"en", "en" },
	{ "zz-fr",				"en", "en" },
	{ "f",					"en", "en" },
	{ "*",					"fr", "fr" },
	{ "fr;q=abc",				"en", "en" },
	{ "garbage;;;,,,q=",			"en", "en" },
	{ ";q=1",				"fr", "fr" },
	{ ",,, ,",				"fr", "fr" },
	{ "",					"fr", "fr" },
	{ NULL,					"fr", "fr" },
	{ NULL,					"en", "en" },
	{ "a-very-long-language-tag-indeed,fr", "en", "fr" },
};

START_TEST(test_pick)
{
	struct i18n in = { .lang = { "en", "fr" }, .n = 2 };

	ck_assert_msg(strcmp(i18n_pick(&in, picks[_i].accept, picks[_i].fallback),
	    picks[_i].want) == 0, "Accept-Language \"%s\" (fallback %s): want %s",
	    picks[_i].accept ? picks[_i].accept : "(null)", picks[_i].fallback,
	    picks[_i].want);
}
END_TEST

/* ---- the real templates/locales ---- */

/* 1 when every key path of a is in b with the same type; names the first gap. */
static int
same_keys(struct json_object *a, struct json_object *b, const char *prefix,
    struct buf *gap)
{
	struct json_object *o;
	char *path;
	int ok = 1;

	json_object_object_foreach(a, key, val) {
		path = xasprintf("%s%s%s", prefix, *prefix ? "." : "", key);
		if (!json_object_object_get_ex(b, key, &o) ||
		    json_object_get_type(o) != json_object_get_type(val)) {
			if (gap->len == 0)
				buf_puts(gap, path);
			ok = 0;
		} else if (json_object_is_type(val, json_type_object)) {
			ok &= same_keys(val, o, path, gap);
		}
		free(path);
	}
	return ok;
}

START_TEST(test_real_locales)
{
	const char *tdir = getenv("TEMPLATES_DIR");
	struct i18n in;
	struct buf err, gap;

	if (tdir == NULL || *tdir == '\0')
		tdir = "templates";	/* `make unit` runs from the repository root */
	buf_init(&err);
	buf_init(&gap);
	ck_assert_msg(i18n_load(&in, tdir, &err) == 0, "%s: %s", tdir, buf_str(&err));
	ck_assert_uint_eq(in.n, 2);
	ck_assert_str_eq(in.lang[0], "en");
	ck_assert_str_eq(in.lang[1], "fr");
	/* Complete both ways: fr has every en key (i18n_load) and en every fr key. */
	ck_assert_msg(same_keys(in.table[0], in.table[1], "", &gap),
	    "fr.json lacks %s", buf_str(&gap));
	ck_assert_msg(same_keys(in.table[1], in.table[0], "", &gap),
	    "en.json lacks %s", buf_str(&gap));
	ck_assert_uint_gt(json_object_object_length(in.table[0]), 0);
	i18n_free(&in);
	buf_free(&err);
	buf_free(&gap);
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite *s = suite_create("i18n");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_price, 0, (int)NELEM(prices));
	tcase_add_test(tc, test_price_short_buffer);
	tcase_add_loop_test(tc, test_datetime, 0, (int)NELEM(times));
	suite_add_tcase(s, tc);

	tc = tcase_create("pick");
	tcase_add_loop_test(tc, test_pick, 0, (int)NELEM(picks));
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_load, 0, (int)NELEM(loads));
	tcase_add_loop_test(tc, test_text, 0, (int)NELEM(texts));
	suite_add_tcase(s, tc);

	tc = tcase_create("templates");
	tcase_add_test(tc, test_real_locales);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(i18n_suite)
