/* ctl_render.c — `ordersyncctl render`: a template file and JSON data, rendered to stdout. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "mustache.h"
#include "util.h"

#define EXIT_USAGE	2

static const char render_usage[] =
"usage: ordersyncctl render TEMPLATE [DATA.json] [--partials DIR]\n"
"  Renders TEMPLATE with the JSON data of DATA.json (default: stdin) to\n"
"  stdout. Partials and parents are DIR/NAME.mustache (default: the\n"
"  template's directory); one that is not there renders as nothing, as\n"
"  the mustache spec says (the app itself refuses to start instead).\n";

/* Reads all of stdin; NULL with errno set on a read error. Caller frees. */
static char *
read_stdin(size_t *len)
{
	char chunk[8192];
	struct buf b;
	size_t n;

	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_append(&b, chunk, n);
	if (ferror(stdin)) {
		buf_free(&b);
		errno = errno ? errno : EIO;
		return NULL;
	}
	*len = b.len;
	return buf_detach(&b);
}

/* Line and column (from 1) of byte offset at in text. */
static void
text_position(const char *text, size_t at, int *line, int *col)
{
	size_t i, linestart = 0;

	*line = 1;
	for (i = 0; i < at; i++)
		if (text[i] == '\n') {
			(*line)++;
			linestart = i + 1;
		}
	*col = (int)(at - linestart) + 1;
}

/*
 * Parses text[0..len) as one JSON value (strict RFC 8259 syntax, nothing but
 * whitespace after it). Returns it (caller puts it; NULL is a valid JSON
 * null), or sets *ok to 0 after printing "FILE:LINE:COL: ..." to stderr.
 */
static struct json_object *
parse_data(const char *file, const char *text, size_t len, int *ok)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *v;
	enum json_tokener_error jerr;
	size_t end;
	int line, col;

	*ok = 0;
	if (len >= INT_MAX) {
		fprintf(stderr, "%s: invalid JSON data: too large\n", file);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The terminating NUL tells json-c the input ends (util.h buffers have it). */
	v = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_success) {
		while (end < len && (text[end] == ' ' || text[end] == '\t' ||
		    text[end] == '\r' || text[end] == '\n'))
			end++;
		if (end >= len)
			*ok = 1;
		else {
			text_position(text, end, &line, &col);
			fprintf(stderr, "%s:%d:%d: invalid JSON data: unexpected "
			    "bytes after the value\n", file, line, col);
		}
	} else {
		if (end > len)
			end = len;
		text_position(text, end, &line, &col);
		fprintf(stderr, "%s:%d:%d: invalid JSON data: %s\n", file, line,
		    col, len == 0 ? "no data" : json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	if (!*ok) {
		json_object_put(v);
		v = NULL;
	}
	return v;
}

/* The directory part of path: "dir/a.mustache" → "dir", "a" → ".". */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * Longer than our usual 80 lines: argument parsing, loading the data and
 * rendering read top to bottom as the usage text describes them.
 */
int
ctl_render(int argc, char **argv)
{
	const char *tpath = NULL, *dpath = NULL, *pdir = NULL, *where;
	char *tmpl = NULL, *json = NULL, *dir = NULL, *file = NULL;
	struct json_object *data = NULL;
	struct mus_cache *cache = NULL;
	struct mus_error err;
	struct buf out;
	size_t tlen = 0, jlen = 0;
	int i, ok, rc = EXIT_FAILURE, options = 1, bad = 0;

	buf_init(&out);
	for (i = 1; i < argc && !bad; i++) {
		if (options && strcmp(argv[i], "--") == 0)
			options = 0;
		else if (options && (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)) {
			fputs(render_usage, stdout);
			rc = EXIT_SUCCESS;
			goto out;
		} else if (options && strcmp(argv[i], "--partials") == 0) {
			if (++i < argc)
				pdir = argv[i];
			else
				bad = 1;
		} else if (options && strncmp(argv[i], "--partials=", 11) == 0)
			pdir = argv[i] + 11;
		else if (options && argv[i][0] == '-' && argv[i][1] != '\0')
			bad = 1;
		else if (tpath == NULL)
			tpath = argv[i];
		else if (dpath == NULL)
			dpath = argv[i];
		else
			bad = 1;
	}
	if (bad || tpath == NULL || (pdir != NULL && *pdir == '\0')) {
		fputs(render_usage, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (dpath != NULL && strcmp(dpath, "-") == 0)
		dpath = NULL;

	if ((tmpl = util_read_file(tpath, &tlen)) == NULL) {
		fprintf(stderr, "ordersyncctl: %s: %s\n", tpath, strerror(errno));
		goto out;
	}
	json = dpath ? util_read_file(dpath, &jlen) : read_stdin(&jlen);
	if (json == NULL) {
		fprintf(stderr, "ordersyncctl: %s: %s\n", dpath ? dpath : "stdin",
		    strerror(errno));
		goto out;
	}
	data = parse_data(dpath ? dpath : "stdin", json, jlen, &ok);
	if (!ok)
		goto out;

	dir = pdir ? xstrdup(pdir) : dir_of(tpath);
	cache = mus_cache_new_dir(dir);
	/* The spec's "Failed Lookup": a missing partial or parent renders as "". */
	mus_cache_set_strict(cache, 0);
	if (mus_render_text(cache, tpath, tmpl, tlen, data, &out, &err) != MUS_OK) {
		/* Errors in a partial name the partial; show its file. */
		where = err.name;
		if (strcmp(err.name, tpath) != 0)
			where = file = xasprintf("%s/%s.mustache", dir, err.name);
		if (err.line > 0)
			fprintf(stderr, "%s:%d:%d: %s\n", where, err.line, err.col,
			    err.msg);
		else
			fprintf(stderr, "%s: %s\n", where, err.msg);
		goto out;
	}
	if (fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "ordersyncctl: stdout: %s\n", strerror(errno));
		goto out;
	}
	rc = EXIT_SUCCESS;
out:
	mus_cache_free(cache);
	json_object_put(data);
	buf_free(&out);
	free(file);
	free(dir);
	free(json);
	free(tmpl);
	return rc;
}
