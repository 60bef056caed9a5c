/* check_multipart.c — multipart/form-data: fields and byte-exact files, and every malformed body refused. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "http.h"
#include "multipart.h"
#include "unit.h"
#include "util.h"

#define CT	"multipart/form-data; boundary=XyZ"

static void
setup(void)
{
	multipart_init();
}

static void
teardown(void)
{
	multipart_shutdown();
}

/* Parses body (len bytes) with content type ct; returns multipart_parse's result. */
static int
parse(const char *ct, const char *body, size_t len, struct kvlist *form,
    struct http_files *files, const char **why)
{
	memset(form, 0, sizeof *form);
	memset(files, 0, sizeof *files);
	*why = NULL;
	return multipart_parse(ct, body, len, form, files, why);
}

START_TEST(test_fields_and_binary_file)
{
	/* A file with NUL, CR LF, a lone CR, and a line that starts like a boundary. */
	static const char bin[] = "\x00\x01\r\n--XyZ-not\r\n\r\x89PNG\r\n\x1a\n\xff\x00";
	struct buf b;
	struct kvlist form;
	struct http_files files;
	const struct http_file *f;
	const char *why;

	buf_init(&b);
	buf_puts(&b, "preamble\r\n--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"description\"\r\n\r\nline 1\r\nligne 2 é\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo.png\"\r\n"
	    "Content-Type: image/png\r\n\r\n");
	buf_append(&b, bin, sizeof bin - 1);
	buf_puts(&b, "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n"
	    "\r\n--XyZ--\r\n");
	ck_assert_msg(parse(CT, b.data, b.len, &form, &files, &why) == 0, "%s", why);
	ck_assert_str_eq(kv_get(&form, "csrf"), "abc123");
	ck_assert_str_eq(kv_get(&form, "description"), "line 1\r\nligne 2 é");
	ck_assert_str_eq(kv_get(&form, "empty"), "");
	ck_assert_uint_eq(files.n, 1);
	ck_assert_ptr_nonnull(f = http_file_get(&files, "photo"));
	ck_assert_str_eq(f->filename, "photo.png");
	ck_assert_str_eq(f->type, "image/png");
	ck_assert_uint_eq(f->len, sizeof bin - 1);
	ck_assert(memcmp(f->data, bin, sizeof bin - 1) == 0);
	kv_free(&form);
	http_files_free(&files);
	buf_free(&b);
}
END_TEST

START_TEST(test_no_file_chosen)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n";
	struct kvlist form;
	struct http_files files;
	const struct http_file *f;
	const char *why;

	ck_assert_int_eq(parse(CT, body, sizeof body - 1, &form, &files, &why), 0);
	ck_assert_ptr_nonnull(f = http_file_get(&files, "photo"));
	ck_assert_str_eq(f->filename, "");
	ck_assert_uint_eq(f->len, 0);
	kv_free(&form);
	http_files_free(&files);
}
END_TEST

static const struct {
	const char	*ct;
	const char	*body;
} bad_cases[] = {
	/* no boundary */
	{ "multipart/form-data", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\n" },
	{ "multipart/form-data; boundary=", "--\r\n" },
	{ "multipart/form-data; boundary=\"\"", "--\r\n" },
	/* a boundary the body never uses, or no parts at all */
	{ CT, "just some bytes" },
	{ CT, "--XyZ--\r\n" },
	/* two files for one field */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\nA\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"b.jpg\"\r\n\r\nB\r\n--XyZ--\r\n" },
	/* a part that is not form-data, or has no name */
	{ CT, "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\n" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--\r\n" },
	{ CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--\r\n" },
	/* NUL and invalid UTF-8 in a text field */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\xff\xfey\r\n--XyZ--\r\n" },
	/* a nested multipart */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
	      "--in\r\nContent-Type: text/plain\r\n\r\nx\r\n--in--\r\n\r\n--XyZ--\r\n" },
	/* the closing boundary missing: a truncated body */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ\r\n"
	      "Content-Disposition: form-data; name=\"b\"\r\n\r\n2" },
	/* not multipart/form-data at all */
	{ "multipart/mixed; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\n" },
	{ "multipart/form-data; boundary=XyZ\r\nX-Evil: 1", "--XyZ--\r\n" },
};

START_TEST(test_bad_bodies)
{
	struct kvlist form;
	struct http_files files;
	const char *why;

	ck_assert_msg(parse(bad_cases[_i].ct, bad_cases[_i].body, strlen(bad_cases[_i].body),
	    &form, &files, &why) == -1, "case %d was accepted", _i);
	ck_assert_ptr_nonnull(why);
	kv_free(&form);
	http_files_free(&files);
}
END_TEST

START_TEST(test_nul_in_text_field)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n--XyZ--\r\n";
	struct kvlist form;
	struct http_files files;
	const char *why;

	ck_assert_int_eq(parse(CT, body, sizeof body - 1, &form, &files, &why), -1);
	ck_assert_uint_eq(form.n, 0);
	kv_free(&form);
	http_files_free(&files);
}
END_TEST

START_TEST(test_too_many_parts)
{
	struct kvlist form;
	struct http_files files;
	const char *why;
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < HTTP_MAX_FIELDS + 1; i++)
		buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--XyZ--\r\n");
	ck_assert_int_eq(parse(CT, b.data, b.len, &form, &files, &why), -1);
	kv_free(&form);
	http_files_free(&files);
	/* exactly the limit is fine */
	buf_reset(&b);
	for (i = 0; i < HTTP_MAX_FIELDS; i++)
		buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--XyZ--\r\n");
	ck_assert_msg(parse(CT, b.data, b.len, &form, &files, &why) == 0, "%s", why);
	ck_assert_uint_eq(form.n, HTTP_MAX_FIELDS);
	kv_free(&form);
	http_files_free(&files);
	buf_free(&b);
}
END_TEST

static const struct {
	const char	*raw;
	const char	*kept;
} name_cases[] = {
	{ "photo.jpg", "photo.jpg" },
	{ "../../etc/passwd", "passwd" },
	{ "..\\..\\boot.ini", "boot.ini" },
	{ "C:\\Users\\me\\Pictures\\chat.jpg", "chat.jpg" },
	{ "dir/", "" },
	{ "..", "" },
	{ "a/..", "" },
	{ "bad\x01\x1f\x7fname.png", "badname.png" },
	{ "tab\tnew\nline.jpg", "tabnewline.jpg" },
	{ "été.jpg", "été.jpg" },
	{ "bad\xff.jpg", "" },
	{ "", "" },
};

START_TEST(test_filename)
{
	char *s = multipart_filename(name_cases[_i].raw);

	ck_assert_str_eq(s, name_cases[_i].kept);
	free(s);
}
END_TEST

START_TEST(test_filename_length)
{
	char raw[700], *s;

	/* 300 × "é" (2 bytes): cut at 255 bytes is mid-character, so 254 are kept. */
	raw[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(raw, "é");
	s = multipart_filename(raw);
	ck_assert_uint_eq(strlen(s), 254);
	free(s);
	memset(raw, 'a', 599);
	raw[599] = '\0';
	s = multipart_filename(raw);
	ck_assert_uint_eq(strlen(s), MULTIPART_FILENAME_MAX);
	free(s);
}
END_TEST

START_TEST(test_filename_in_body)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"../../x/evil.jpg\"\r\n\r\nJPEG\r\n--XyZ--\r\n";
	struct kvlist form;
	struct http_files files;
	const char *why;

	ck_assert_int_eq(parse(CT, body, sizeof body - 1, &form, &files, &why), 0);
	ck_assert_str_eq(http_file_get(&files, "photo")->filename, "evil.jpg");
	kv_free(&form);
	http_files_free(&files);
}
END_TEST

static Suite *
multipart_suite(void)
{
	Suite *s = suite_create("multipart");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fields_and_binary_file);
	tcase_add_test(tc, test_no_file_chosen);
	tcase_add_loop_test(tc, test_bad_bodies, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_nul_in_text_field);
	tcase_add_test(tc, test_too_many_parts);
	tcase_add_loop_test(tc, test_filename, 0, NELEM(name_cases));
	tcase_add_test(tc, test_filename_length);
	tcase_add_test(tc, test_filename_in_body);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(multipart_suite)
