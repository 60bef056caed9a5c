/* check_mail.c — unit tests of cgi/mail.h and cgi/outbox.h: message building (RFC 2047, parts, header injection), addresses, backoff, claims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "db.h"
#include "db_outbox.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "unit.h"
#include "unit_db.h"

/* Parses text back with GMime; the caller unrefs. */
static GMimeMessage *
parse(const char *text)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* 1 when some line of text starts with prefix (a header of its own). */
static int
has_line(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	for (; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncasecmp(p, prefix, n) == 0)
			return 1;
	return 0;
}

/* 1 when every byte of text is 7-bit and no line is over 998 bytes (RFC 5322 §2.1.1). */
static int
seven_bit(const char *text)
{
	size_t col = 0;

	for (; *text; text++) {
		if ((unsigned char)*text >= 0x80)
			return 0;
		col = *text == '\n' ? 0 : col + 1;
		if (col > 998)
			return 0;
	}
	return 1;
}

static const struct mail_message base = {
	.from = "shop@example.com", .from_name = "Caf\xc3\xa9 du Coin",
	.to = "elodie@example.org", .to_name = "\xc3\x89lodie",
	.subject = "Commande pr\xc3\xaate \xf0\x9f\x8e\x89 pour vous",
	.text = "Bonjour \xc3\x89lodie,\nvotre commande est pr\xc3\xaate \xf0\x9f\x8e\x89.\n",
	.html = "<p>Bonjour \xc3\x89lodie, votre commande est pr\xc3\xaate \xf0\x9f\x8e\x89.</p>",
};

START_TEST(test_build_utf8)
{
	char *text = mail_build(&base, 1796000000);
	GMimeMessage *m;
	InternetAddressList *to;
	GMimeObject *body;
	const char *subj_raw;

	ck_assert_ptr_nonnull(text);
	ck_assert_msg(seven_bit(text), "the message is 7-bit clean");
	m = parse(text);
	/* Subject: é and an emoji, encoded as UTF-8 words, decoded back exactly. */
	ck_assert_str_eq(g_mime_message_get_subject(m), base.subject);
	subj_raw = g_mime_object_get_header(GMIME_OBJECT(m), "Subject");
	ck_assert_ptr_nonnull(subj_raw);
	ck_assert_msg(strstr(text, "=?utf-8?") || strstr(text, "=?UTF-8?"), "UTF-8 words");
	ck_assert_msg(has_line(text, "Date: ") && strstr(text, "2026") != NULL, "a Date");
	ck_assert_msg(has_line(text, "Message-Id: <") && strstr(text, "@example.com>"),
	    "a Message-ID on the sender's domain");
	ck_assert_msg(has_line(text, "MIME-Version: 1.0"), "MIME-Version");
	to = g_mime_message_get_to(m);
	ck_assert_int_eq(internet_address_list_length(to), 1);
	ck_assert_str_eq(internet_address_get_name(internet_address_list_get_address(to, 0)),
	    "\xc3\x89lodie");
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
	    internet_address_list_get_address(to, 0))), "elodie@example.org");
	ck_assert_str_eq(internet_address_get_name(internet_address_list_get_address(
	    g_mime_message_get_from(m), 0)), "Caf\xc3\xa9 du Coin");
	body = g_mime_message_get_mime_part(m);
	ck_assert(GMIME_IS_MULTIPART(body));
	ck_assert_str_eq(g_mime_content_type_get_media_subtype(
	    g_mime_object_get_content_type(body)), "alternative");
	ck_assert_int_eq(g_mime_multipart_get_count(GMIME_MULTIPART(body)), 2);
	{
		GMimeObject *p0 = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
		GMimeObject *p1 = g_mime_multipart_get_part(GMIME_MULTIPART(body), 1);
		char *t0 = g_mime_text_part_get_text(GMIME_TEXT_PART(p0));
		char *t1 = g_mime_text_part_get_text(GMIME_TEXT_PART(p1));

		ck_assert_str_eq(g_mime_content_type_get_media_subtype(
		    g_mime_object_get_content_type(p0)), "plain");
		ck_assert_str_eq(g_mime_text_part_get_charset(GMIME_TEXT_PART(p0)), "utf-8");
		ck_assert_str_eq(g_mime_content_type_get_media_subtype(
		    g_mime_object_get_content_type(p1)), "html");
		ck_assert_str_eq(t0, base.text);
		ck_assert_str_eq(t1, base.html);
		g_free(t0);
		g_free(t1);
	}
	g_object_unref(m);
	free(text);
}
END_TEST

/* Header values with CR/LF: each stays inside its own header. */
static const struct {
	const char	*to_name, *subject, *from_name;
} injections[] = {
	{ "Eve\r\nBcc: evil@example.net", "Hello", "Shop" },
	{ "Eve", "Hi\r\nBcc: evil@example.net", "Shop" },
	{ "Eve", "Hi\nBcc: evil@example.net\n\nforged body", "Shop" },
	{ "Eve", "Hi", "Shop\r\nBcc: evil@example.net" },
	{ "Eve\rBcc: evil@example.net", "Hi\r\n\r\nBcc: evil@example.net", "Shop\n Bcc: x" },
};

START_TEST(test_header_injection)
{
	struct mail_message mm = base;
	GMimeMessage *m;
	char *text;

	mm.to_name = injections[_i].to_name;
	mm.subject = injections[_i].subject;
	mm.from_name = injections[_i].from_name;
	text = mail_build(&mm, 1796000000);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!has_line(text, "Bcc:"), "a Bcc header was injected:\n%s", text);
	ck_assert_msg(!has_line(text, "forged body"), "a body was injected");
	m = parse(text);
	ck_assert_ptr_null(g_mime_object_get_header(GMIME_OBJECT(m), "Bcc"));
	ck_assert_int_eq(internet_address_list_length(g_mime_message_get_bcc(m)), 0);
	ck_assert_int_eq(internet_address_list_length(g_mime_message_get_to(m)), 1);
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
	    internet_address_list_get_address(g_mime_message_get_to(m), 0))),
	    "elodie@example.org");
	g_object_unref(m);
	free(text);
}
END_TEST

START_TEST(test_text_only_and_refusals)
{
	struct mail_message mm = base;
	GMimeMessage *m;
	char *text;

	mm.html = NULL;
	text = mail_build(&mm, 0);
	ck_assert_ptr_nonnull(text);
	m = parse(text);
	ck_assert(GMIME_IS_TEXT_PART(g_mime_message_get_mime_part(m)));
	g_object_unref(m);
	free(text);
	mm = base;
	mm.to = "elodie@example.org\r\nBcc: evil@example.net";
	ck_assert_ptr_null(mail_build(&mm, 0));
	mm = base;
	mm.from = "not an address";
	ck_assert_ptr_null(mail_build(&mm, 0));
	mm = base;
	mm.text = NULL;
	ck_assert_ptr_null(mail_build(&mm, 0));
}
END_TEST

static const struct {
	const char	*addr;
	int		 ok;
} addresses[] = {
	{ "a@b", 1 }, { "shop@example.com", 1 }, { "first.last+tag@sub.example.org", 1 },
	{ "", 0 }, { "no-at", 0 }, { "@example.com", 0 }, { "a@", 0 }, { "a@b@c", 0 },
	{ "a b@example.com", 0 }, { "<a@example.com>", 0 }, { "a@example.com,b@example.com", 0 },
	{ "a@example.com\r\n", 0 }, { "\"a\"@example.com", 0 }, { "\xc3\xa9@example.com", 0 },
};

START_TEST(test_address_ok)
{
	ck_assert_msg(mail_address_ok(addresses[_i].addr) == addresses[_i].ok, "%s",
	    addresses[_i].addr);
	ck_assert_int_eq(mail_address_ok(NULL), 0);
}
END_TEST

/* Backoff: about 1 min, 5 min, 30 min, 2 h, then 6 h. */
static const struct {
	int	attempts;
	int64_t	wait;
} backoffs[] = {
	{ 0, 60 }, { 1, 60 }, { 2, 300 }, { 3, 1800 }, { 4, 7200 }, { 5, 21600 },
	{ 6, 21600 }, { 50, 21600 },
};

START_TEST(test_backoff)
{
	ck_assert_int_eq(outbox_backoff(backoffs[_i].attempts), backoffs[_i].wait);
}
END_TEST

/* Claims, done, retries and giving up, on a real database. */
START_TEST(test_outbox_rows)
{
	char dir[128], path[320];
	struct db_outbox_row a, b;
	struct logger lg;
	struct buf err;
	struct db *db;
	int64_t id, *ids;
	size_t n;

	unit_tmpdir(dir, sizeof dir, "mail");
	unit_db_path(path, sizeof path, dir, "o.db", "mail");
	log_init(&lg, LOG_ERROR);
	buf_init(&err);
	db = db_open(path, 0, &lg, &err);
	ck_assert_msg(db != NULL, "db_open: %s", buf_str(&err));
	ck_assert_int_eq(outbox_queue_mail(db, 1, &base, 1000), DB_OK);
	ck_assert_int_eq(db_outbox_add(db, 1, "mail", "x@example.com", "msg", 2, 1000, &id),
	    DB_OK);
	ck_assert_int_eq(db_outbox_due(db, 999, 1, 10, &ids, &n), DB_OK);
	ck_assert_int_eq(n, 0);				/* not due yet */
	ck_assert_int_eq(db_outbox_due(db, 1000, 1, 10, &ids, &n), DB_OK);
	ck_assert_int_eq(n, 2);
	free(ids);
	/* One claim at a time; a second sender gets nothing until it runs out. */
	ck_assert_int_eq(db_outbox_claim(db, id, 1000, 1060, &a), DB_OK);
	ck_assert_str_eq(a.target, "x@example.com");
	ck_assert_str_eq(a.payload, "msg");
	ck_assert_int_eq(db_outbox_claim(db, id, 1001, 1061, &b), DB_NOTFOUND);
	ck_assert_int_eq(db_outbox_due(db, 1001, 1, 10, &ids, &n), DB_OK);
	ck_assert_int_eq(n, 1);
	free(ids);
	ck_assert_int_eq(db_outbox_claim(db, id, 1061, 1121, &b), DB_OK);	/* expired claim */
	db_outbox_row_clear(&b);
	/* A failure: attempts + 1, due later; the second reaches max_attempts (2). */
	ck_assert_int_eq(db_outbox_retry(db, id, 1062, 1062 + outbox_backoff(1), "down", 0),
	    DB_OK);
	ck_assert_int_eq(db_outbox_claim(db, id, 1100, 1160, &b), DB_NOTFOUND);
	ck_assert_int_eq(db_outbox_claim(db, id, 1122, 1182, &b), DB_OK);
	ck_assert_int_eq(b.attempts, 1);
	db_outbox_row_clear(&b);
	ck_assert_int_eq(db_outbox_retry(db, id, 1123, 99999, "down again", 0), DB_OK);
	ck_assert_int_eq(db_outbox_claim(db, id, 100000, 100060, &b), DB_NOTFOUND);	/* failed */
	db_outbox_row_clear(&a);
	/* Done: never claimed again. */
	ck_assert_int_eq(db_outbox_claim(db, id - 1, 1000, 1060, &a), DB_OK);
	ck_assert_ptr_nonnull(strstr(a.payload, "Message-Id:"));
	ck_assert_int_eq(db_outbox_done(db, a.id, 1001), DB_OK);
	ck_assert_int_eq(db_outbox_claim(db, id - 1, 5000, 5060, &b), DB_NOTFOUND);
	ck_assert_int_eq(db_outbox_due(db, 1000000, 1, 10, &ids, &n), DB_OK);
	ck_assert_int_eq(n, 0);
	db_outbox_row_clear(&a);
	db_outbox_row_clear(NULL);
	db_close(db);
	buf_free(&err);
	unit_rmtree(dir);
}
END_TEST

static void
setup(void)
{
	mail_init();
}

static void
teardown(void)
{
	mail_shutdown();
}

static Suite *
mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("mail");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_build_utf8);
	tcase_add_loop_test(tc, test_header_injection, 0, (int)NELEM(injections));
	tcase_add_test(tc, test_text_only_and_refusals);
	tcase_add_loop_test(tc, test_address_ok, 0, (int)NELEM(addresses));
	tcase_add_loop_test(tc, test_backoff, 0, (int)NELEM(backoffs));
	tcase_add_test(tc, test_outbox_rows);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(mail_suite)
