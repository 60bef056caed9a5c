/* check_mustache.c — the mustache engine against the official spec and our own cases. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mustache.h"
#include "unit.h"
#include "util.h"

/* ------------------------------------------------------------ loaders */

/* Loader over a json-c object {name: text}; arg may be NULL (no partials). */
static char *
mem_loader(void *arg, const char *name, size_t *len)
{
	struct json_object *partials = arg, *v;

	if (partials == NULL || !json_object_object_get_ex(partials, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return xstrndup(json_object_get_string(v), *len);
}

/* mem_loader that counts its calls, to prove templates are parsed once. */
struct counting {
	struct json_object	*partials;
	int			 calls;
};

static char *
counting_loader(void *arg, const char *name, size_t *len)
{
	struct counting *c = arg;

	c->calls++;
	return mem_loader(c->partials, name, len);
}

static struct json_object *
parse_json(const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : "{}");

	ck_assert_msg(o != NULL || (text && strcmp(text, "null") == 0),
	    "bad JSON in test: %s", text);
	return o;
}

/* -------------------------------------------------------- the spec */

/* Runs one spec file; prints its summary line when verbose; returns the failures. */
static int
run_spec_file(const char *dir, const char *file, int *npassed, int verbose)
{
	struct json_object *doc, *tests, *t, *v, *partials;
	struct mus_cache *cache;
	struct mus_error err;
	struct buf out;
	const char *tname, *tmpl, *expected;
	char *path = xasprintf("%s/%s", dir, file);
	size_t i, n;
	int passed = 0, failed = 0, rc;

	doc = json_object_from_file(path);
	ck_assert_msg(doc != NULL, "cannot read spec file %s", path);
	ck_assert(json_object_object_get_ex(doc, "tests", &tests));
	n = json_object_array_length(tests);
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(tests, i);
		json_object_object_get_ex(t, "name", &v);
		tname = json_object_get_string(v);
		json_object_object_get_ex(t, "template", &v);
		tmpl = json_object_get_string(v);
		json_object_object_get_ex(t, "expected", &v);
		expected = json_object_get_string(v);
		partials = NULL;
		json_object_object_get_ex(t, "partials", &partials);
		json_object_object_get_ex(t, "data", &v);

		cache = mus_cache_new(mem_loader, partials);
		mus_cache_set_strict(cache, 0);
		buf_init(&out);
		memset(&err, 0, sizeof err);
		rc = mus_render_text(cache, tname, tmpl, strlen(tmpl), v, &out,
		    &err);
		if (rc == MUS_OK && strcmp(buf_str(&out), expected) == 0)
			passed++;
		else {
			failed++;
			printf("spec %s: FAILED \"%s\"\n  expected: \"%s\"\n"
			    "  actual:   \"%s\"\n", file, tname, expected,
			    rc == MUS_OK ? buf_str(&out) : "(error)");
			if (rc != MUS_OK)
				printf("  error: %s:%d:%d: %s\n", err.name,
				    err.line, err.col, err.msg);
		}
		buf_free(&out);
		mus_cache_free(cache);
	}
	if (verbose)
		printf("spec %s: %d passed, %d failed\n", file, passed, failed);
	json_object_put(doc);
	free(path);
	*npassed += passed;
	return failed;
}

static int
is_spec_file(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 5 && strcmp(de->d_name + n - 5, ".json") == 0 &&
	    strstr(de->d_name, "lambdas") == NULL;
}

/*
 * The spec's required modules: every one must be in the folder. Together
 * they hold 136 tests in the pinned spec (v1.3); the optional modules we
 * implement (~dynamic-names, ~inheritance) add to that.
 */
static const char *const spec_core[] = {
	"comments.json", "delimiters.json", "interpolation.json",
	"inverted.json", "partials.json", "sections.json",
};
#define SPEC_MIN_TESTS 136

/*
 * Runs every spec file of dir (the lambdas aside). Returns the number of
 * failed spec tests, or -1 when dir cannot stand for the spec: unset, not
 * there, a required module missing, or fewer than SPEC_MIN_TESTS tests in
 * all. A spec run that ran nothing must fail, not pass with no assertion.
 * Says why on stdout when verbose.
 */
static int
run_spec_dir(const char *dir, int *ntests, int verbose)
{
	struct dirent **list;
	struct stat st;
	char *path;
	int i, n, failed = 0, passed = 0, bad = 0;

	*ntests = 0;
	if (dir == NULL || dir[0] == '\0') {
		if (verbose)
			printf("spec: MUSTACHE_SPEC_DIR is not set (the Makefile sets it)\n");
		return -1;
	}
	for (i = 0; i < (int)NELEM(spec_core); i++) {
		path = xasprintf("%s/%s", dir, spec_core[i]);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			if (verbose)
				printf("spec: %s is missing\n", path);
			bad = 1;
		}
		free(path);
	}
	if (bad)
		return -1;
	if ((n = scandir(dir, &list, is_spec_file, alphasort)) < 0) {
		if (verbose)
			printf("spec: cannot read %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		failed += run_spec_file(dir, list[i]->d_name, &passed, verbose);
		free(list[i]);
	}
	free(list);
	*ntests = passed + failed;
	if (verbose)
		printf("spec: %d files, %d passed, %d failed\n", n, passed, failed);
	if (*ntests < SPEC_MIN_TESTS) {
		if (verbose)
			printf("spec: only %d tests in %s, want %d or more\n",
			    *ntests, dir, SPEC_MIN_TESTS);
		return -1;
	}
	return failed;
}

START_TEST(test_spec)
{
	int ntests, failed = run_spec_dir(getenv("MUSTACHE_SPEC_DIR"), &ntests, 1);

	ck_assert_msg(failed >= 0, "the mustache spec did not run (MUSTACHE_SPEC_DIR=%s)",
	    getenv("MUSTACHE_SPEC_DIR") ? getenv("MUSTACHE_SPEC_DIR") : "");
	ck_assert_int_ge(ntests, SPEC_MIN_TESTS);
	ck_assert_int_eq(failed, 0);
}
END_TEST

/* Writes text to dir/name. */
static void
write_spec_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

/* The guard itself: a spec folder that is not there, or not whole, is an error. */
START_TEST(test_spec_dir_refused)
{
	static const char one[] = "{\"tests\": [{\"name\": \"t\", \"data\": {}, "
	    "\"template\": \"x\", \"expected\": \"x\"}]}";
	char dir[64];
	int ntests = -1;
	size_t i;

	ck_assert_int_eq(run_spec_dir(NULL, &ntests, 0), -1);
	ck_assert_int_eq(run_spec_dir("", &ntests, 0), -1);
	ck_assert_int_eq(run_spec_dir("/nonexistent/mustache-spec", &ntests, 0), -1);
	unit_tmpdir(dir, sizeof dir, "spec");
	ck_assert_int_eq(run_spec_dir(dir, &ntests, 0), -1);	/* empty */
	/* Only some of the required modules. */
	write_spec_file(dir, "comments.json", one);
	write_spec_file(dir, "sections.json", one);
	ck_assert_int_eq(run_spec_dir(dir, &ntests, 0), -1);
	/* All of them, but with one test each: too few to be the spec. */
	for (i = 0; i < NELEM(spec_core); i++)
		write_spec_file(dir, spec_core[i], one);
	ck_assert_int_eq(run_spec_dir(dir, &ntests, 0), -1);
	ck_assert_int_eq(ntests, (int)NELEM(spec_core));
	unit_rmtree(dir);
}
END_TEST

/* --------------------------------------------------- our own cases */

struct mcase {
	const char	*what;
	const char	*tmpl;
	const char	*data;		/* JSON; NULL is {} */
	const char	*partials;	/* JSON {name: text}; NULL is none */
	int		 lax;		/* strict mode off (the spec's setting) */
	int		 want;		/* enum mus_status */
	const char	*out;		/* output when want is MUS_OK */
	const char	*ename;		/* error: template name ("test" if NULL) */
	int		 line, col;
	const char	*msg;		/* error: part of the message */
};

static const struct mcase cases[] = {
	/* errors, each with its position */
	{ .what = "unclosed tag", .tmpl = "a\n  {{b", .want = MUS_ERR_SYNTAX,
	  .line = 2, .col = 3, .msg = "unclosed tag: no '}}'" },
	{ .what = "unclosed triple", .tmpl = "x {{{a}}", .want = MUS_ERR_SYNTAX,
	  .line = 1, .col = 3, .msg = "no '}}}'" },
	{ .what = "unclosed tag, new delimiters", .tmpl = "{{=<% %>=}}\n\n <%x}}",
	  .want = MUS_ERR_SYNTAX, .line = 3, .col = 2, .msg = "no '%>'" },
	{ .what = "unclosed section", .tmpl = "x\n {{#a}}\ny",
	  .want = MUS_ERR_SYNTAX, .line = 2, .col = 2,
	  .msg = "unclosed section 'a'" },
	{ .what = "innermost unclosed section", .tmpl = "{{#a}}{{#b}}{{/b}}{{#c}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 19,
	  .msg = "unclosed section 'c'" },
	{ .what = "mismatched section", .tmpl = "{{#a}}\n  {{/b}}",
	  .want = MUS_ERR_SYNTAX, .line = 2, .col = 3,
	  .msg = "closing tag 'b' does not match section 'a' opened at line 1, column 1" },
	{ .what = "mismatched inverted", .tmpl = "{{^a.b}}{{/a}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 9, .msg = "does not match" },
	{ .what = "mismatched parent", .tmpl = "{{<p}}{{$b}}{{/p}}{{/b}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 13,
	  .msg = "closing tag 'p' does not match section 'b'" },
	{ .what = "stray closing tag", .tmpl = "ab\ncd{{/a}}",
	  .want = MUS_ERR_SYNTAX, .line = 2, .col = 3,
	  .msg = "without an open section" },
	{ .what = "bad delimiter: one word", .tmpl = "x{{=<% =}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 2,
	  .msg = "bad delimiter change" },
	{ .what = "bad delimiter: three words", .tmpl = "{{=a b c=}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 1,
	  .msg = "bad delimiter change" },
	{ .what = "bad delimiter: '=' inside", .tmpl = "\n{{=<= =>=}}",
	  .want = MUS_ERR_SYNTAX, .line = 2, .col = 1,
	  .msg = "bad delimiter change" },
	{ .what = "bad delimiter: unclosed", .tmpl = "{{=<% %>}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 1, .msg = "no '=}}'" },
	{ .what = "empty tag", .tmpl = "a {{ }}", .want = MUS_ERR_SYNTAX,
	  .line = 1, .col = 3, .msg = "empty tag" },
	{ .what = "empty section name", .tmpl = "{{#}}{{/}}",
	  .want = MUS_ERR_SYNTAX, .line = 1, .col = 1, .msg = "empty tag" },
	{ .what = "space in name", .tmpl = "{{a b}}", .want = MUS_ERR_SYNTAX,
	  .line = 1, .col = 1, .msg = "invalid name" },
	{ .what = "empty dotted part", .tmpl = "{{a..b}}", .want = MUS_ERR_SYNTAX,
	  .line = 1, .col = 1, .msg = "invalid name" },
	{ .what = "leading dot", .tmpl = "{{#.a}}{{/.a}}", .want = MUS_ERR_SYNTAX,
	  .line = 1, .col = 1, .msg = "invalid name" },
	{ .what = "missing partial (strict)", .tmpl = "x\n y{{>nope}}",
	  .want = MUS_ERR_NOT_FOUND, .line = 2, .col = 3,
	  .msg = "partial 'nope' not found" },
	{ .what = "missing partial (spec)", .tmpl = "x{{>nope}}y", .lax = 1,
	  .out = "xy" },
	{ .what = "missing parent (strict)", .tmpl = "{{<nope}}{{/nope}}",
	  .want = MUS_ERR_NOT_FOUND, .line = 1, .col = 1,
	  .msg = "parent 'nope' not found" },
	{ .what = "missing parent (spec)", .tmpl = "[{{<nope}}{{$a}}x{{/a}}{{/nope}}]",
	  .lax = 1, .out = "[]" },
	{ .what = "missing dynamic partial (strict)", .tmpl = "{{>*p}}",
	  .data = "{\"p\": \"nope\"}", .want = MUS_ERR_NOT_FOUND, .line = 1,
	  .col = 1, .msg = "partial 'nope' not found" },
	{ .what = "dynamic name missing in data (strict)", .tmpl = "[{{>*p}}]",
	  .out = "[]" },
	{ .what = "dynamic name not a string", .tmpl = "[{{>*p}}]",
	  .data = "{\"p\": 12}", .partials = "{\"12\": \"twelve\"}", .out = "[]" },
	{ .what = "syntax error inside a partial", .tmpl = "a {{>p}}",
	  .partials = "{\"p\": \"ok\\n  {{#x}}\"}", .want = MUS_ERR_SYNTAX,
	  .ename = "p", .line = 2, .col = 3, .msg = "unclosed section 'x'" },
	{ .what = "render error inside a partial", .tmpl = "{{>p}}",
	  .partials = "{\"p\": \"\\n{{>q}}\"}", .want = MUS_ERR_NOT_FOUND,
	  .ename = "p", .line = 2, .col = 1, .msg = "partial 'q' not found" },

	/* recursion and blow-up */
	{ .what = "partial includes itself", .tmpl = "{{>p}}",
	  .partials = "{\"p\": \"x{{>p}}\"}", .want = MUS_ERR_DEPTH,
	  .ename = "p", .line = 1, .col = 2, .msg = "deeper than 32" },
	{ .what = "partials include each other", .tmpl = "{{>a}}",
	  .partials = "{\"a\": \"{{>b}}\", \"b\": \"{{>a}}\"}",
	  .want = MUS_ERR_DEPTH, .line = 1, .col = 1, .ename = "b" },
	{ .what = "dynamic partial includes itself", .tmpl = "{{>*n}}",
	  .data = "{\"n\": \"p\"}", .partials = "{\"p\": \"{{>*n}}\"}",
	  .want = MUS_ERR_DEPTH, .ename = "p" },
	{ .what = "parent is its own parent", .tmpl = "{{<p}}{{/p}}",
	  .partials = "{\"p\": \"{{<p}}{{/p}}\"}", .want = MUS_ERR_DEPTH,
	  .ename = "p" },
	{ .what = "block overrides itself", .tmpl =
	  "{{<p}}{{$b}}{{$b}}x{{/b}}{{/b}}{{/p}}",
	  .partials = "{\"p\": \"{{$b}}{{/b}}\"}", .want = MUS_ERR_DEPTH },
	{ .what = "finite recursion", .tmpl = "{{>n}}",
	  .data = "{\"c\": 1, \"k\": [{\"c\": 2, \"k\": [{\"c\": 3, \"k\": []}]}]}",
	  .partials = "{\"n\": \"{{c}}({{#k}}{{>n}}{{/k}})\"}",
	  .out = "1(2(3()))" },

	/* escaping */
	{ .what = "escaping", .tmpl = "{{a}}", .data = "{\"a\": \"<'&\\\">\"}",
	  .out = "&lt;&#39;&amp;&quot;&gt;" },
	{ .what = "triple: no escaping", .tmpl = "{{{a}}}|{{&a}}",
	  .data = "{\"a\": \"<'&\\\">\"}", .out = "<'&\">|<'&\">" },
	{ .what = "triple with other delimiters", .tmpl = "{{=<% %>=}}<%{a}%><%a%>",
	  .data = "{\"a\": \"<\"}", .out = "<&lt;" },
	{ .what = "UTF-8 passes through", .tmpl = "{{a}}",
	  .data = "{\"a\": \"caf\\u00e9 \\u20ac\"}", .out = "caf\xc3\xa9 \xe2\x82\xac" },

	/* numbers, booleans, null, arrays, objects */
	{ .what = "integers", .tmpl = "{{a}} {{b}} {{c}} {{d}} {{e}}",
	  .data = "{\"a\": 0, \"b\": -5, \"c\": 9007199254740993, "
	  "\"d\": -9223372036854775808, \"e\": 18446744073709551615}",
	  .out = "0 -5 9007199254740993 -9223372036854775808 18446744073709551615" },
	{ .what = "doubles", .tmpl = "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
	  .data = "{\"a\": 1.5, \"b\": 2.0, \"c\": 0.1, \"d\": 1e21, "
	  "\"e\": -0.25, \"f\": 1.21, \"g\": 3.141592653589793}",
	  .out = "1.5 2 0.1 1e+21 -0.25 1.21 3.141592653589793" },
	{ .what = "booleans and null", .tmpl = "{{t}} {{f}} [{{n}}] [{{{n}}}]",
	  .data = "{\"t\": true, \"f\": false, \"n\": null}",
	  .out = "true false [] []" },
	{ .what = "arrays and objects print as JSON", .tmpl = "{{a}} {{{o}}}",
	  .data = "{\"a\": [1, \"x\"], \"o\": {\"k\": \"<\"}}",
	  .out = "[1,&quot;x&quot;] {\"k\":\"<\"}" },

	/* truthiness */
	{ .what = "falsy values", .tmpl =
	  "{{#s}}s{{/s}}{{#z}}z{{/z}}{{#d}}d{{/d}}{{#n}}n{{/n}}{{#f}}f{{/f}}"
	  "{{#l}}l{{/l}}{{#m}}m{{/m}}",
	  .data = "{\"s\": \"\", \"z\": 0, \"d\": 0.0, \"n\": null, "
	  "\"f\": false, \"l\": []}", .out = "" },
	{ .what = "inverted falsy values", .tmpl =
	  "{{^s}}s{{/s}}{{^z}}z{{/z}}{{^d}}d{{/d}}{{^n}}n{{/n}}{{^f}}f{{/f}}"
	  "{{^l}}l{{/l}}{{^m}}m{{/m}}",
	  .data = "{\"s\": \"\", \"z\": 0, \"d\": 0.0, \"n\": null, "
	  "\"f\": false, \"l\": []}", .out = "szdnflm" },
	{ .what = "truthy values", .tmpl =
	  "{{#s}}({{.}}){{/s}}{{#z}}({{.}}){{/z}}{{#o}}o{{/o}}{{#l}}({{.}}){{/l}}",
	  .data = "{\"s\": \"0\", \"z\": -1, \"o\": {}, \"l\": [0, false, null]}",
	  .out = "(0)(-1)o(0)(false)()" },

	/* names */
	{ .what = "deep dotted name, missing", .tmpl = "[{{a.b.c.d.e.f}}]",
	  .out = "[]" },
	{ .what = "deep dotted name, broken halfway", .tmpl = "[{{a.b.c.d}}]",
	  .data = "{\"a\": {\"b\": 1}, \"c\": {\"d\": 2}}", .out = "[]" },
	{ .what = "dotted name through a string", .tmpl = "[{{a.length}}]",
	  .data = "{\"a\": \"abc\"}", .out = "[]" },
	{ .what = "dotted section, missing", .tmpl = "[{{#a.b.c}}x{{/a.b.c}}"
	  "{{^a.b.c}}y{{/a.b.c}}]", .data = "{\"a\": {}}", .out = "[y]" },
	{ .what = "null shadows outer name", .tmpl = "{{#o}}[{{a}}]{{/o}}",
	  .data = "{\"a\": 1, \"o\": {\"a\": null}}", .out = "[]" },
	{ .what = "a section may be named *x", .tmpl = "{{#*x}}y{{/*x}}{{^*z}}z{{/ *z}}",
	  .data = "{\"*x\": true}", .out = "yz" },
	{ .what = "null context", .tmpl = "[{{a}}{{.}}{{#.}}x{{/.}}]",
	  .data = "null", .out = "[]" },

	/* standalone lines and indentation */
	{ .what = "nested standalone partials add up indentation",
	  .tmpl = "  {{>p}}\n", .partials =
	  "{\"p\": \"a\\n  {{>q}}\\nb\\n\", \"q\": \"x\\ny\\n\"}",
	  .out = "  a\n    x\n    y\n  b\n" },
	{ .what = "data is never indented", .tmpl = " {{>p}}\n",
	  .data = "{\"v\": \"1\\n2\"}", .partials = "{\"p\": \"{{v}}\\n.\"}",
	  .out = " 1\n2\n ." },
	{ .what = "CRLF standalone lines", .tmpl = "a\r\n  {{#t}}\r\nb\r\n{{/t}}\r\n",
	  .data = "{\"t\": true}", .out = "a\r\nb\r\n" },
	{ .what = "standalone parent with indented block",
	  .tmpl = "<div>\n  {{<box}}\n    {{$body}}\n    <p>hi</p>\n    {{/body}}\n  {{/box}}\n</div>\n",
	  .partials = "{\"box\": \"<section>\\n  {{$body}}{{/body}}\\n</section>\\n\"}",
	  .out = "<div>\n  <section>\n    <p>hi</p>\n\n  </section>\n</div>\n" },
	{ .what = "block default content in a layout",
	  .tmpl = "{{<layout}}{{$title}}Orders{{/title}}{{/layout}}",
	  .partials = "{\"layout\": \"<title>{{$title}}Shop{{/title}}</title>"
	  "{{$foot}}(c){{/foot}}\"}", .out = "<title>Orders</title>(c)" },
	{ .what = "dynamic parent", .tmpl = "{{<*l}}{{$b}}B{{/b}}{{/*l}}",
	  .data = "{\"l\": \"layout\"}", .partials = "{\"layout\": \"[{{$b}}{{/b}}]\"}",
	  .out = "[B]" },
	{ .what = "partial in a parent sees the overrides",
	  .tmpl = "{{<l}}{{$t}}T{{/t}}{{/l}}",
	  .partials = "{\"l\": \"{{>h}}\", \"h\": \"<{{$t}}d{{/t}}>\"}",
	  .out = "<T>" },
};

static void
check_case(const struct mcase *c)
{
	struct json_object *data = parse_json(c->data);
	struct json_object *partials = c->partials ? parse_json(c->partials) : NULL;
	struct mus_cache *cache = mus_cache_new(mem_loader, partials);
	struct mus_error err;
	struct buf out;
	int rc;

	if (c->lax)
		mus_cache_set_strict(cache, 0);
	buf_init(&out);
	buf_puts(&out, "keep:");
	memset(&err, 0, sizeof err);
	rc = mus_render_text(cache, "test", c->tmpl, strlen(c->tmpl), data,
	    &out, &err);
	ck_assert_msg(rc == c->want, "%s: status %d (%s: %s:%d:%d: %s), want %d",
	    c->what, rc, mus_strerror(rc), err.name, err.line, err.col, err.msg,
	    c->want);
	if (rc == MUS_OK) {
		ck_assert_msg(strcmp(buf_str(&out) + 5, c->out) == 0,
		    "%s: got \"%s\", want \"%s\"", c->what, buf_str(&out) + 5,
		    c->out);
	} else {
		ck_assert_msg(strcmp(buf_str(&out), "keep:") == 0,
		    "%s: output not restored on error: \"%s\"", c->what,
		    buf_str(&out));
		ck_assert_msg(strcmp(err.name, c->ename ? c->ename : "test") == 0,
		    "%s: error in \"%s\"", c->what, err.name);
		if (c->line != 0)
			ck_assert_msg(err.line == c->line && err.col == c->col,
			    "%s: error at %d:%d, want %d:%d (%s)", c->what,
			    err.line, err.col, c->line, c->col, err.msg);
		if (c->msg != NULL)
			ck_assert_msg(strstr(err.msg, c->msg) != NULL,
			    "%s: message \"%s\" lacks \"%s\"", c->what, err.msg,
			    c->msg);
	}
	buf_free(&out);
	mus_cache_free(cache);
	json_object_put(partials);
	json_object_put(data);
}

START_TEST(test_cases)
{
	check_case(&cases[_i]);
}
END_TEST

/* Renders tmpl (NUL-terminated) against data with a lax cache of partials. */
static int
render(const char *tmpl, const char *data, const char *partials,
    struct buf *out, struct mus_error *err)
{
	struct json_object *d = parse_json(data);
	struct json_object *p = partials ? parse_json(partials) : NULL;
	struct mus_cache *cache = mus_cache_new(mem_loader, p);
	int rc;

	rc = mus_render_text(cache, "test", tmpl, strlen(tmpl), d, out, err);
	mus_cache_free(cache);
	json_object_put(p);
	json_object_put(d);
	return rc;
}

/* "{{#l}}" n times, then "x", then "{{/l}}" n times. */
static char *
nested_sections(int n)
{
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_puts(&b, "{{#l}}");
	buf_puts(&b, "x");
	for (i = 0; i < n; i++)
		buf_puts(&b, "{{/l}}");
	return buf_detach(&b);
}

START_TEST(test_nesting_limit)
{
	struct mus_error err;
	struct buf out;
	char *t;

	buf_init(&out);
	t = nested_sections(MUS_MAX_DEPTH);
	ck_assert_int_eq(render(t, "{\"l\": true}", NULL, &out, &err), MUS_OK);
	ck_assert_str_eq(buf_str(&out), "x");
	free(t);

	t = nested_sections(MUS_MAX_DEPTH + 1);
	ck_assert_int_eq(render(t, "{\"l\": true}", NULL, &out, &err),
	    MUS_ERR_DEPTH);
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.col, 6 * MUS_MAX_DEPTH + 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper than 32"));
	free(t);

	/*
	 * p0 includes p1 ... includes p32, each inside 32 sections: rendering
	 * p0 expands 32 partials (fine, 1056 contexts deep); rendering a text
	 * that includes p0 expands 33 (too deep).
	 */
	buf_reset(&out);
	t = nested_sections(MUS_MAX_DEPTH);
	{
		struct json_object *p = json_object_new_object();
		struct mus_cache *c = mus_cache_new(mem_loader, p);
		struct json_object *d = parse_json("{\"l\": true}");
		char name[16], *body;
		int i;

		for (i = 0; i <= MUS_MAX_DEPTH; i++) {
			snprintf(name, sizeof name, "p%d", i);
			body = i < MUS_MAX_DEPTH ?
			    xasprintf("%.*s{{>p%d}}%s", 6 * MUS_MAX_DEPTH, t,
			    i + 1, t + 6 * MUS_MAX_DEPTH + 1) : xstrdup(t);
			json_object_object_add(p, name, json_object_new_string(body));
			free(body);
		}
		ck_assert_int_eq(mus_render_text(c, "test", "{{>p0}}", 7, d, &out,
		    &err), MUS_ERR_DEPTH);
		ck_assert_str_eq(err.name, "p31");
		ck_assert_int_eq(mus_render(c, "p0", d, &out, &err), MUS_OK);
		ck_assert_str_eq(buf_str(&out), "x");
		mus_cache_free(c);
		json_object_put(p);
		json_object_put(d);
	}
	free(t);
	buf_free(&out);
}
END_TEST

/* Partials that double at each level: 2^30 expansions without output. */
START_TEST(test_blowup_bounded)
{
	struct json_object *p = json_object_new_object(), *d = parse_json("{}");
	struct mus_cache *c = mus_cache_new(mem_loader, p);
	struct mus_error err;
	struct buf out;
	char name[16], body[64], *t;
	int i;

	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "p%d", i);
		snprintf(body, sizeof body, "{{>p%d}}{{>p%d}}", i + 1, i + 1);
		json_object_object_add(p, name, json_object_new_string(body));
	}
	json_object_object_add(p, "p30", json_object_new_string(""));
	buf_init(&out);
	mus_cache_set_limits(c, 0, 1000000);
	ck_assert_int_eq(mus_render(c, "p0", d, &out, &err), MUS_ERR_STEPS);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 1000000 steps"));
	ck_assert_uint_eq(out.len, 0);

	/* Sections over a 10-item list, nested 20 deep: 10^20 iterations. */
	json_object_put(d);
	d = parse_json("{\"l\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}");
	mus_cache_set_limits(c, 0, 100000);
	t = nested_sections(20);
	ck_assert_int_eq(mus_render_text(c, "test", t, strlen(t), d, &out, &err),
	    MUS_ERR_STEPS);
	free(t);

	/* 20000 blocks in a layout, 20000 overrides: 4e8 name compares. */
	{
		struct buf child, layout;

		buf_init(&child);
		buf_init(&layout);
		buf_puts(&child, "{{<big}}");
		for (i = 0; i < 20000; i++) {
			buf_printf(&child, "{{$b%d}}x{{/b%d}}", i, i);
			buf_printf(&layout, "{{$z%d}}{{/z%d}}", i, i);
		}
		buf_puts(&child, "{{/big}}");
		json_object_object_add(p, "big", json_object_new_string(layout.data));
		mus_cache_set_limits(c, 0, 1000000);
		ck_assert_int_eq(mus_render_text(c, "test", child.data, child.len, d,
		    &out, &err), MUS_ERR_STEPS);
		buf_free(&child);
		buf_free(&layout);
	}
	buf_free(&out);
	mus_cache_free(c);
	json_object_put(p);
	json_object_put(d);
}
END_TEST

START_TEST(test_output_cap)
{
	struct json_object *d = json_object_new_object(), *l = json_object_new_array();
	struct mus_cache *c = mus_cache_new(mem_loader, NULL);
	struct mus_error err;
	struct buf out;
	const char *t = "head\n{{#l}}0123456789{{/l}}";
	int i;

	for (i = 0; i < 100; i++)
		json_object_array_add(l, json_object_new_int(i));
	json_object_object_add(d, "l", l);
	buf_init(&out);
	buf_puts(&out, "before");
	mus_cache_set_limits(c, 500, 0);
	ck_assert_int_eq(mus_render_text(c, "page", t, strlen(t), d, &out, &err),
	    MUS_ERR_OUTPUT);
	ck_assert_str_eq(buf_str(&out), "before");
	ck_assert_str_eq(err.name, "page");
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.col, 7);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 500 bytes"));

	/* Exactly at the cap is fine. */
	mus_cache_set_limits(c, 5 + 1000, 0);
	buf_reset(&out);
	ck_assert_int_eq(mus_render_text(c, "page", t, strlen(t), d, &out, &err),
	    MUS_OK);
	ck_assert_uint_eq(out.len, 1005);

	/* One string bigger than the cap. */
	json_object_object_add(d, "big", json_object_new_string_len(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 60));
	mus_cache_set_limits(c, 50, 0);
	buf_reset(&out);
	ck_assert_int_eq(mus_render_text(c, "page", "{{{big}}}", 9, d, &out, &err),
	    MUS_ERR_OUTPUT);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
	mus_cache_free(c);
	json_object_put(d);
}
END_TEST

/* json-c strings may hold NUL: escaped, it becomes U+FFFD; raw, it is kept. */
START_TEST(test_nul_bytes)
{
	struct json_object *d = json_object_new_object();
	struct mus_cache *c = mus_cache_new(mem_loader, NULL);
	struct mus_error err;
	struct buf out;
	static const char tmpl[] = "[{{s}}|{{{s}}}]\0tail{{s}}";

	json_object_object_add(d, "s", json_object_new_string_len("a\0<", 3));
	buf_init(&out);
	ck_assert_int_eq(mus_render_text(c, "t", tmpl, sizeof tmpl - 1, d, &out,
	    &err), MUS_OK);
	ck_assert_uint_eq(out.len, 27);
	ck_assert_mem_eq(out.data, "[a\xEF\xBF\xBD&lt;|a\0<]\0taila\xEF\xBF\xBD&lt;", 27);

	/* A NUL in a tag name is a syntax error, not a shorter name. */
	buf_reset(&out);
	ck_assert_int_eq(mus_render_text(c, "t", "{{s\0x}}", 7, d, &out, &err),
	    MUS_ERR_SYNTAX);
	/* A dynamic partial name holding a NUL is never loaded. */
	json_object_object_add(d, "n", json_object_new_string_len("p\0x", 3));
	ck_assert_int_eq(mus_render_text(c, "t", "[{{>*n}}]", 9, d, &out, &err),
	    MUS_OK);
	ck_assert_str_eq(buf_str(&out), "[]");
	buf_free(&out);
	mus_cache_free(c);
	json_object_put(d);
}
END_TEST

START_TEST(test_long_template)
{
	struct buf t, out;
	struct mus_error err;
	size_t i;

	buf_init(&t);
	buf_init(&out);
	for (i = 0; i < 100000; i++)
		buf_puts(&t, "<{{a}}>\n");	/* 800 kB, 100k tags */
	for (i = 0; i < 1 << 18; i++)
		buf_putc(&t, 'z');		/* and one 256 kB text */
	ck_assert_int_eq(render(t.data, "{\"a\": \"&\"}", NULL, &out, &err),
	    MUS_OK);
	ck_assert_uint_eq(out.len, 100000 * 8 + (1 << 18));
	ck_assert_int_eq(memcmp(out.data, "<&amp;>\n<&amp;>\n", 16), 0);
	ck_assert_int_eq(out.data[out.len - 1], 'z');

	/* An error at the end of a long template is located exactly. */
	buf_puts(&t, "\n   {{#x}}");
	buf_reset(&out);
	ck_assert_int_eq(render(t.data, "{}", NULL, &out, &err), MUS_ERR_SYNTAX);
	ck_assert_int_eq(err.line, 100002);
	ck_assert_int_eq(err.col, 4);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

START_TEST(test_cache_parses_once)
{
	struct counting cnt = { NULL, 0 };
	struct json_object *d = parse_json("{\"l\": [1, 2, 3]}");
	struct mus_cache *c;
	struct mus_error err;
	struct buf out;
	int i;

	cnt.partials = parse_json("{\"page\": \"{{#l}}{{>item}}{{/l}}{{>item}}\","
	    "\"item\": \"<{{.}}>\"}");
	c = mus_cache_new(counting_loader, &cnt);
	buf_init(&out);
	ck_assert_int_eq(mus_check(c, "page", &err), MUS_OK);
	ck_assert_int_eq(cnt.calls, 2);
	for (i = 0; i < 5; i++) {
		buf_reset(&out);
		ck_assert_int_eq(mus_render(c, "page", d, &out, &err), MUS_OK);
		ck_assert_str_eq(buf_str(&out), "<1><2><3><{&quot;l&quot;:[1,2,3]}>");
	}
	ck_assert_int_eq(cnt.calls, 2);
	ck_assert_int_eq(mus_render_text(c, "x", "{{>item}}", 9, d, &out, &err),
	    MUS_OK);
	ck_assert_int_eq(cnt.calls, 2);

	/* A missing template is looked for again each time, never cached. */
	ck_assert_int_eq(mus_render(c, "nope", d, &out, &err), MUS_ERR_NOT_FOUND);
	ck_assert_str_eq(err.name, "nope");
	ck_assert_int_eq(err.line, 0);
	ck_assert_int_eq(mus_render(c, "nope", d, &out, &err), MUS_ERR_NOT_FOUND);
	ck_assert_int_eq(cnt.calls, 4);
	buf_free(&out);
	mus_cache_free(c);
	mus_cache_free(NULL);
	json_object_put(cnt.partials);
	json_object_put(d);
}
END_TEST

START_TEST(test_check)
{
	struct json_object *p = parse_json("{"
	    "\"ok\": \"{{>a}}{{<lay}}{{$x}}{{>b}}{{/x}}{{/lay}}{{>*dyn}}\","
	    "\"a\": \"{{>ok}}\", \"lay\": \"{{$x}}{{/x}}\", \"b\": \"b\","
	    "\"missing\": \"\\n\\n  {{>a}} {{>nope}}\","
	    "\"deepmissing\": \"{{#s}}{{<lay}}{{$x}}{{>nope2}}{{/x}}{{/lay}}{{/s}}\","
	    "\"broken\": \"{{>bad}}\", \"bad\": \"{{#x}}{{/y}}\"}");
	struct mus_cache *c = mus_cache_new(mem_loader, p);
	struct mus_error err;

	ck_assert_int_eq(mus_check(c, "ok", &err), MUS_OK);	/* a cycle: fine */
	ck_assert_int_eq(mus_check(c, "missing", &err), MUS_ERR_NOT_FOUND);
	ck_assert_str_eq(err.name, "missing");
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.col, 10);
	ck_assert_str_eq(err.msg, "partial 'nope' not found");
	ck_assert_int_eq(mus_check(c, "deepmissing", &err), MUS_ERR_NOT_FOUND);
	ck_assert_str_eq(err.msg, "partial 'nope2' not found");
	ck_assert_int_eq(mus_check(c, "broken", &err), MUS_ERR_SYNTAX);
	ck_assert_str_eq(err.name, "bad");
	ck_assert_int_eq(err.col, 7);
	ck_assert_int_eq(mus_check(c, "absent", &err), MUS_ERR_NOT_FOUND);
	ck_assert_str_eq(err.name, "absent");
	ck_assert_int_eq(mus_check(c, "broken", NULL), MUS_ERR_SYNTAX);

	/* Not strict: a missing partial is no error; a broken one still is. */
	mus_cache_set_strict(c, 0);
	ck_assert_int_eq(mus_check(c, "missing", &err), MUS_OK);
	ck_assert_int_eq(mus_check(c, "broken", &err), MUS_ERR_SYNTAX);
	mus_cache_free(c);
	json_object_put(p);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_dir_loader)
{
	static const char *refused[] = {
		"../secret", "..", "a/../../secret", ".hidden", "sub/inner",
		"/etc/passwd", "", "a\\b", "x..y", "tab\there", "a\nb",
	};
	char base[] = "/tmp/check_mustache.XXXXXX", *tdir, *path, *text;
	struct json_object *d;
	struct mus_cache *c;
	struct mus_error err;
	struct buf out;
	size_t i, len;

	ck_assert_ptr_nonnull(mkdtemp(base));
	tdir = xasprintf("%s/tpl", base);
	ck_assert_int_eq(mkdir(tdir, 0700), 0);
	path = xasprintf("%s/sub", tdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	free(path);
#define FILE_AT(dir, name, text) do {					\
	char *p_ = xasprintf("%s/%s", dir, name);			\
	write_file(p_, text);						\
	free(p_);							\
} while (0)
	FILE_AT(base, "secret.mustache", "SECRET");
	FILE_AT(tdir, "page.mustache", "Hi {{>part}}{{>*dyn}}!");
	FILE_AT(tdir, "part.mustache", "P");
	FILE_AT(tdir, ".hidden.mustache", "H");
	FILE_AT(tdir, "sub/inner.mustache", "I");

	text = mus_dir_loader(tdir, "part", &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, 1);
	free(text);
	for (i = 0; i < NELEM(refused); i++)
		ck_assert_msg(mus_dir_loader(tdir, refused[i], &len) == NULL,
		    "loader accepted \"%s\"", refused[i]);

	c = mus_cache_new_dir(tdir);
	buf_init(&out);
	d = parse_json("{\"dyn\": \"part\"}");
	ck_assert_int_eq(mus_render(c, "page", d, &out, &err), MUS_OK);
	ck_assert_str_eq(buf_str(&out), "Hi PP!");
	json_object_put(d);
	d = parse_json("{\"dyn\": \"../secret\"}");
	buf_reset(&out);
	ck_assert_int_eq(mus_render(c, "page", d, &out, &err), MUS_ERR_NOT_FOUND);
	ck_assert_str_eq(err.msg, "partial '../secret' not found");
	ck_assert_uint_eq(out.len, 0);
	json_object_put(d);
	mus_cache_free(c);
	buf_free(&out);

	{
		static const char *files[] = { "tpl/page.mustache",
		    "tpl/part.mustache", "tpl/.hidden.mustache",
		    "tpl/sub/inner.mustache", "secret.mustache", "tpl/sub",
		    "tpl", "" };

		for (i = 0; i < NELEM(files); i++) {
			path = xasprintf("%s/%s", base, files[i]);
			ck_assert_int_eq(remove(path), 0);
			free(path);
		}
	}
	free(tdir);
#undef FILE_AT
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(mus_strerror(MUS_OK), "no error");
	ck_assert_str_eq(mus_strerror(MUS_ERR_DEPTH), "nested too deep");
	ck_assert_str_eq(mus_strerror(99), "unknown error");
}
END_TEST

/*
 * Hostile templates, rendered against the fuzz harness's data and partials:
 * each must end with its status, without a crash, leak or hang. The same
 * bytes are in tests/fuzz/regressions/, as seeds for the fuzzer; an input
 * the fuzzer finds to crash goes in both places. (Runs so far found none.)
 */
#define FUZZ_DATA "{\"s\": \"<&>\", \"n\": 1.5, \"t\": true, \"f\": false," \
	"\"l\": [1, \"two\", {\"s\": \"in\"}, [3]], \"o\": {\"a\": {\"b\": \"ab\"}}," \
	"\"self\": \"self\", \"p\": \"part\"}"
#define FUZZ_PARTIALS "{\"part\": \"[{{s}}|{{#l}}{{.}}{{/l}}]\\n\"," \
	"\"self\": \"{{#l}}({{>self}}){{/l}}\", \"lay\": \"<{{$b}}d{{/b}}>\"}"

static const struct regression {
	const char	*what;
	const char	*tmpl;
	size_t		 len;
	int		 want;
} regressions[] = {
#define R(what, lit, want) { what, lit, sizeof lit - 1, want }
	R("self-including partial", "{{>self}}", MUS_ERR_DEPTH),
	R("self-including by dynamic name", "{{>*self}}", MUS_ERR_DEPTH),
	R("lone open delimiter", "{{", MUS_ERR_SYNTAX),
	R("sigil at the end", "x{{#", MUS_ERR_SYNTAX),
	R("delimiter of one byte", "{{=| |=}}|s||{l}|", MUS_OK),
	R("same open and close delimiter", "{{=| |=}}||s|", MUS_ERR_SYNTAX),
	R("NUL in text and tags", "a\0{{\0}}", MUS_ERR_SYNTAX),
	R("close pair without parent", "{{$b}}{{/b}}{{/b}}", MUS_ERR_SYNTAX),
	R("parent pair at the end", "  {{<lay}}{{$b}}", MUS_ERR_SYNTAX),
	R("standalone pairs", "{{<lay}}{{$b}}\n x\n  {{/b}}{{/lay}}\n", MUS_OK),
#undef R
};

START_TEST(test_regressions)
{
	const struct regression *rg = &regressions[_i];
	struct json_object *d = parse_json(FUZZ_DATA), *p = parse_json(FUZZ_PARTIALS);
	struct mus_cache *c = mus_cache_new(mem_loader, p);
	struct mus_error err;
	struct buf out;
	int rc;

	mus_cache_set_strict(c, 0);
	mus_cache_set_limits(c, 1 << 16, 1 << 16);
	buf_init(&out);
	rc = mus_render_text(c, "fuzz", rg->tmpl, rg->len, d, &out, &err);
	ck_assert_msg(rc == rg->want, "%s: status %d (%d:%d: %s), want %d",
	    rg->what, rc, err.line, err.col, err.msg, rg->want);
	buf_free(&out);
	mus_cache_free(c);
	json_object_put(p);
	json_object_put(d);
}
END_TEST

/* ------------------------------------------------------- threads */

/*
 * One cache shared by the threads of a process (the app's): threads that
 * start together each render a page with a parent and a partial that no
 * one has parsed yet, so they load, parse and insert the same templates at
 * once (cache_get keeps the first), then render from the cache.
 */
#define THREADS_N	4
#define THREADS_ROUNDS	20
#define THREADS_RENDERS	25

struct render_run {
	struct mus_cache	*cache;
	pthread_barrier_t	*start;
	int			 k;
	int			 bad;
	char			 first_bad[256];
};

static void *
render_main(void *arg)
{
	struct render_run *r = arg;
	struct json_object *d;
	struct buf out, want;
	struct mus_error err;
	int i, rc;

	d = json_object_new_object();
	json_object_object_add(d, "title", json_object_new_int(r->k));
	json_object_object_add(d, "items", json_tokener_parse("[{\"name\":\"a\"},{\"name\":\"b&c\"}]"));
	buf_init(&out);
	buf_init(&want);
	buf_printf(&want, "<h1>%d</h1><li>a</li><li>b&amp;c</li>", r->k);
	pthread_barrier_wait(r->start);
	for (i = 0; i < THREADS_RENDERS; i++) {
		buf_reset(&out);
		memset(&err, 0, sizeof err);
		rc = mus_render(r->cache, i % 2 ? "page" : "other", d, &out, &err);
		if (rc != MUS_OK || strcmp(buf_str(&out), buf_str(&want)) != 0) {
			if (r->bad++ == 0)
				snprintf(r->first_bad, sizeof r->first_bad, "rc %d: %s", rc,
				    buf_str(&out));
		}
	}
	buf_free(&out);
	buf_free(&want);
	json_object_put(d);
	return NULL;
}

START_TEST(test_threads_share_cache)
{
	struct json_object *p = parse_json(
	    "{\"page\":\"{{<layout}}{{$body}}{{#items}}{{>item}}{{/items}}{{/body}}{{/layout}}\","
	    "\"other\":\"{{<layout}}{{$body}}{{#items}}<li>{{name}}</li>{{/items}}{{/body}}{{/layout}}\","
	    "\"layout\":\"<h1>{{title}}</h1>{{$body}}none{{/body}}\","
	    "\"item\":\"<li>{{name}}</li>\"}");
	struct render_run run[THREADS_N];
	pthread_t tid[THREADS_N];
	pthread_barrier_t start;
	int round, i;

	for (round = 0; round < THREADS_ROUNDS; round++) {
		struct mus_cache *c = mus_cache_new(mem_loader, p);

		pthread_barrier_init(&start, NULL, THREADS_N);
		for (i = 0; i < THREADS_N; i++) {
			memset(&run[i], 0, sizeof run[i]);
			run[i].cache = c;
			run[i].start = &start;
			run[i].k = round * THREADS_N + i;
			ck_assert_int_eq(pthread_create(&tid[i], NULL, render_main, &run[i]), 0);
		}
		for (i = 0; i < THREADS_N; i++) {
			pthread_join(tid[i], NULL);
			ck_assert_msg(run[i].bad == 0, "thread %d: %d bad renders, first %s",
			    i, run[i].bad, run[i].first_bad);
		}
		pthread_barrier_destroy(&start);
		mus_cache_free(c);
	}
	json_object_put(p);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("mustache");
	TCase *tc;

	tc = tcase_create("spec");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_spec);
	tcase_add_test(tc, test_spec_dir_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("cases");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cases, 0, (int)NELEM(cases));
	tcase_add_loop_test(tc, test_regressions, 0, (int)NELEM(regressions));
	tcase_add_test(tc, test_nesting_limit);
	tcase_add_test(tc, test_blowup_bounded);
	tcase_add_test(tc, test_output_cap);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_long_template);
	tcase_add_test(tc, test_cache_parses_once);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_dir_loader);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_threads_share_cache);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
