/* csv.c — the CSV service: a whole file into rows with line numbers (libcsv does the quoting), and RFC 4180 cells out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "csv.h"
#include "i18n.h"

void
csv_issue_add(struct csv_issues *is, size_t line, const char *code, const char *arg,
    const char *arg2)
{
	struct csv_issue *e;

	is->total++;
	if (is->n >= CSV_MAX_ISSUES)
		return;
	is->v = xgrow(is->v, &is->cap, is->n, sizeof *is->v);
	e = &is->v[is->n++];
	e->line = line;
	e->code = code;
	e->arg = arg ? xstrdup(arg) : NULL;
	e->arg2 = arg2 ? xstrdup(arg2) : NULL;
}

void
csv_issues_free(struct csv_issues *is)
{
	size_t i;

	for (i = 0; i < is->n; i++) {
		free(is->v[i].arg);
		free(is->v[i].arg2);
	}
	free(is->v);
	memset(is, 0, sizeof *is);
}

char *
csv_issue_text(const struct i18n *in, const char *lang, const struct csv_issue *e)
{
	char key[64];

	snprintf(key, sizeof key, "csv.errors.%s", e->code);
	return i18n_fill(i18n_text(in, lang, key), "arg", e->arg, "arg2", e->arg2, (char *)NULL);
}

static void
row_free(struct csv_row *r)
{
	size_t i;

	for (i = 0; i < r->nfield; i++)
		free(r->field[i]);
	free(r->field);
}

void
csv_doc_free(struct csv_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->nrow; i++)
		row_free(&doc->row[i]);
	free(doc->row);
	memset(doc, 0, sizeof *doc);
}

/*
 * The length of the UTF-8 sequence at p (at most n bytes left), or 0 when
 * it is not one: a stray continuation byte, a truncated sequence, an
 * overlong form, a surrogate or a code point past U+10FFFF (RFC 3629 §4).
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned int cp;
	size_t len, i;

	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0) { len = 2; cp = *p & 0x1f; }
	else if ((*p & 0xf0) == 0xe0) { len = 3; cp = *p & 0x0f; }
	else if ((*p & 0xf8) == 0xf0) { len = 4; cp = *p & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * The length of the line at p (n bytes left) with its end: LF, CRLF, or a
 * CR alone (old Mac files); n when the data ends first.
 */
static size_t
line_len(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			return i + 1;
		if (p[i] == '\r')
			return i + 1 < n && p[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return n;
}

/* Lists every line holding a NUL or bytes that are not UTF-8; returns how many. */
static size_t
check_bytes(const unsigned char *p, size_t len, struct csv_issues *is)
{
	size_t line = 1, bad = 0, i, k, n;

	while (len > 0) {
		n = line_len((const char *)p, len);
		for (i = 0; i < n; i += k)
			if (p[i] == '\0' || (k = utf8_len(p + i, n - i)) == 0) {
				/* One issue per line: go on at the next one. */
				csv_issue_add(is, line, p[i] == '\0' ? "nul" : "utf8", NULL, NULL);
				bad++;
				break;
			}
		p += n;
		len -= n;
		line++;
	}
	return bad;
}

/* ';' when the first line has more semicolons than commas outside quotes, else ','. */
static char
detect_sep(const char *p, size_t len)
{
	size_t i, commas = 0, semis = 0;
	int quoted = 0;

	for (i = 0; i < len && (quoted || (p[i] != '\n' && p[i] != '\r')); i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted && p[i] == ',')
			commas++;
		else if (!quoted && p[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

/* The parse in progress, handed to libcsv's callbacks. */
struct pstate {
	struct csv_doc	*doc;
	struct csv_row	 cur;		/* the record being read */
	size_t		 fcap;
	size_t		 line;		/* the physical line being fed */
	int		 at_start;	/* the next byte fed starts a record */
	size_t		 max;		/* data rows allowed */
	size_t		 over_line;	/* the first row past max, 0 if none */
	size_t		 wide_line;	/* the first record over CSV_MAX_FIELDS, 0 if none */
};

/* libcsv's field callback: a copy of the field, its CRLFs made LF. */
static void
on_field(void *s, size_t len, void *arg)
{
	struct pstate *ps = arg;
	const char *in = s ? s : "";
	char *f;
	size_t i, o = 0;

	if (ps->cur.nfield >= CSV_MAX_FIELDS) {
		if (ps->wide_line == 0)
			ps->wide_line = ps->cur.line;
		return;
	}
	f = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		if (!(in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'))
			f[o++] = in[i];
	f[o] = '\0';
	ps->cur.field = xgrow(ps->cur.field, &ps->fcap, ps->cur.nfield, sizeof *ps->cur.field);
	ps->cur.field[ps->cur.nfield++] = f;
}

/* libcsv's record callback: keeps the record unless all its fields are empty. */
static void
on_row(int c, void *arg)
{
	struct pstate *ps = arg;
	struct csv_doc *doc = ps->doc;
	size_t i;

	(void)c;
	ps->at_start = 1;
	for (i = 0; i < ps->cur.nfield && ps->cur.field[i][0] == '\0'; i++)
		;
	if (i == ps->cur.nfield || ps->over_line != 0) {
		row_free(&ps->cur);
	} else if (doc->nrow > ps->max) {
		ps->over_line = ps->cur.line;
		row_free(&ps->cur);
	} else {
		doc->row = xgrow(doc->row, &doc->cap, doc->nrow, sizeof *doc->row);
		doc->row[doc->nrow++] = ps->cur;
	}
	memset(&ps->cur, 0, sizeof ps->cur);
	ps->fcap = 0;
}

/* 1 when the n bytes of a line hold only spaces, tabs and its line end: libcsv skips it. */
static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/*
 * Feeds the file to libcsv one physical line at a time, so each record
 * knows the line it starts on. Returns 0, or -1 after a quoting error
 * (issue added).
 */
static int
feed_lines(struct csv_parser *cp, struct pstate *ps, const char *p, size_t len,
    struct csv_issues *is)
{
	size_t n;

	ps->line = 1;
	while (len > 0 && ps->over_line == 0 && ps->wide_line == 0) {
		n = line_len(p, len);
		if (ps->at_start && !blank(p, n)) {
			ps->cur.line = ps->line;
			ps->at_start = 0;
		}
		if (csv_parse(cp, p, n, on_field, on_row, ps) != n) {
			csv_issue_add(is, ps->line, "quote", NULL, NULL);
			return -1;
		}
		p += n;
		len -= n;
		ps->line++;
	}
	if (ps->over_line == 0 && ps->wide_line == 0 && csv_fini(cp, on_field, on_row, ps) != 0) {
		csv_issue_add(is, ps->cur.line, "quote", NULL, NULL);
		return -1;
	}
	return 0;
}

int
csv_parse_doc(const char *data, size_t len, size_t max_rows, struct csv_doc *doc,
    struct csv_issues *is)
{
	struct csv_parser cp;
	struct pstate ps;
	char max[24];
	int rc = -1;

	memset(doc, 0, sizeof *doc);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (check_bytes((const unsigned char *)data, len, is) > 0)
		return -1;
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();	/* out of memory: the program's policy (util.h) */
	doc->sep = detect_sep(data, len);
	csv_set_delim(&cp, (unsigned char)doc->sep);
	memset(&ps, 0, sizeof ps);
	ps.doc = doc;
	ps.at_start = 1;
	ps.max = max_rows ? max_rows : CSV_MAX_ROWS;
	if (feed_lines(&cp, &ps, data, len, is) != 0)
		goto out;
	if (ps.wide_line != 0) {
		snprintf(max, sizeof max, "%d", CSV_MAX_FIELDS);
		csv_issue_add(is, ps.wide_line, "too_wide", max, NULL);
		goto out;
	}
	if (ps.over_line != 0) {
		snprintf(max, sizeof max, "%zu", ps.max);
		csv_issue_add(is, ps.over_line, "too_many", max, NULL);
		goto out;
	}
	if (doc->nrow == 0) {
		csv_issue_add(is, 0, "empty", NULL, NULL);
		goto out;
	}
	rc = 0;
out:
	row_free(&ps.cur);
	csv_free(&cp);
	if (rc != 0) {
		char sep = doc->sep;

		csv_doc_free(doc);
		doc->sep = sep;
	}
	return rc;
}

int
csv_columns(const struct csv_doc *doc, const char *const *names, const int *required,
    size_t n, int *col, struct csv_issues *is)
{
	const struct csv_row *h = &doc->row[0];
	size_t i, k;
	int bad = 0;

	for (k = 0; k < n; k++)
		col[k] = -1;
	for (i = 0; i < h->nfield; i++) {
		for (k = 0; k < n && strcasecmp(h->field[i], names[k]) != 0; k++)
			;
		if (k == n) {
			csv_issue_add(is, h->line, "unknown_column", h->field[i], NULL);
			bad++;
		} else if (col[k] >= 0) {
			csv_issue_add(is, h->line, "duplicate_column", h->field[i], NULL);
			bad++;
		} else
			col[k] = (int)i;
	}
	for (k = 0; k < n; k++)
		if (col[k] < 0 && required[k]) {
			csv_issue_add(is, h->line, "missing_column", names[k], NULL);
			bad++;
		}
	return bad;
}

void
csv_put_cell(struct buf *b, const char *s, char sep, int plain)
{
	size_t n = strlen(s);
	int guard = !plain && (*s == '=' || *s == '+' || *s == '-' || *s == '@' ||
	    *s == '\t' || *s == '\r');
	int quote = strchr(s, sep) != NULL || strpbrk(s, "\"\r\n") != NULL ||
	    (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));

	if (quote)
		buf_putc(b, '"');
	if (guard)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

void
csv_put_row(struct buf *b, const char *const *cells, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, sep);
		csv_put_cell(b, cells[i], sep, 0);
	}
	buf_puts(b, "\r\n");
}

char
csv_sep_named(const char *name)
{
	return name != NULL && (strcmp(name, "semicolon") == 0 || strcmp(name, ";") == 0) ?
	    ';' : ',';
}
