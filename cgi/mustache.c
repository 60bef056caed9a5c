/* mustache.c — mustache templates (spec core, ~inheritance, ~dynamic-names) over json-c data. */
/*
 * Longer than the house's ~600 lines on purpose: the scanner, the parser
 * and the renderer share one private node tree and its invariants (standalone
 * lines, delimiters, block overrides, the depth cap), and the hot path (HTML
 * escaping in two passes) sits next to the renderer it serves. Split, each
 * part would have to publish that tree; whole, it is one engine read top to
 * bottom in the order the spec describes it.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mustache.h"
#include "util.h"

/*
 * How it works. A template's source is parsed once, in three passes:
 *  1. lex():        cut the source into text and tag tokens, following set
 *                   delimiter tags, and match every closing tag with its
 *                   opening tag (nesting at most MUS_MAX_DEPTH);
 *  2. standalone(): find the tags that stand alone on their line; the spec
 *                   removes such a line's whitespace and line ending;
 *  3. build():      make the tree of nodes that render() walks.
 * The tree keeps its own copies of text and names; the source is freed.
 *
 * Rendering walks the tree against a stack of json-c values. Partials and
 * parents are looked up (and parsed, once) through the cache when rendered.
 * Indentation of standalone partials, parents and blocks is applied while
 * rendering, to the lines of template text only (never to data), by chaining
 * struct indent pieces.
 */

#define NONE		((size_t)-1)
#define SHOW_MAX	48	/* bytes of a name quoted in a message */

enum kind {
	K_ROOT,		/* a template's top level */
	K_TEXT,		/* literal text */
	K_VAR,		/* {{name}}: escaped */
	K_RAW,		/* {{{name}}}, {{&name}}: not escaped */
	K_SECTION,	/* {{#name}} */
	K_INVERTED,	/* {{^name}} */
	K_CLOSE,	/* {{/name}}: token only */
	K_PARTIAL,	/* {{>name}}, {{>*name}} */
	K_PARENT,	/* {{<name}}, {{<*name}} */
	K_BLOCK,	/* {{$name}} */
	K_COMMENT,	/* {{!...}}: token only */
	K_DELIM,	/* {{=a b=}}: token only */
};

/* A piece of the source as the lexer sees it. Offsets are into the source. */
struct tok {
	enum kind	 kind;
	enum kind	 closes;	/* K_CLOSE: kind of its opening tag */
	int		 dynamic;	/* name starts with '*' */
	int		 standalone;	/* alone on its line (see standalone()) */
	int		 line, col;
	size_t		 start, end;	/* text, or the whole tag */
	size_t		 name, nname;	/* tag content, trimmed, '*' removed */
	size_t		 lead, tail;	/* what the tag consumes with its line */
	size_t		 opener;	/* K_CLOSE: index of its opening tag */
};

struct node {
	enum kind	 kind;
	unsigned char	 bol;		/* starts a line of its template */
	unsigned char	 standalone;	/* partial/parent/block alone on its line */
	unsigned char	 dynamic;	/* partial/parent named by data */
	int		 line, col;
	char		*text;		/* K_TEXT bytes; else the name (see keys) */
	size_t		 len;		/* bytes in text */
	size_t		 nkeys;		/* names looked up in data: dotted parts,
					   stored NUL-separated in text; 0 for "." */
	char		*indent;	/* standalone: indentation to add */
	size_t		 nindent;
	struct node	*kids;		/* body of sections, blocks, root;
					   a parent's kids are its block overrides */
	size_t		 nkids, capkids;
};

struct tmpl {
	char		*name;
	struct node	 root;
	unsigned long	 checked;	/* mus_check() generation that saw it */
	struct tmpl	*next;		/* hash chain */
};

struct mus_cache {
	mus_loader_fn	 load;
	void		*load_arg;
	char		*dir;		/* owned loader argument, or NULL */
	int		 strict;
	size_t		 max_output, max_steps;
	/*
	 * The hash table of parsed templates, shared by the threads of a
	 * process: lookups and inserts hold lock (a parsed template is never
	 * changed or freed while the cache lives, so one in hand needs none).
	 */
	pthread_mutex_t	 lock;
	struct tmpl	**slots;
	size_t		 nslots, ntmpl;
	unsigned long	 check_gen;
};

/* ---------------------------------------------------------------- errors */

static void set_error(struct mus_error *, const char *, int, int,
    const char *, ...) PRINTF_LIKE(5, 6);

static void
set_error(struct mus_error *err, const char *name, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	snprintf(err->name, sizeof err->name, "%s", name ? name : "");
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

/* Writes p[0..n) into out (size SHOW_MAX + 4) printable, cut, for messages. */
static const char *
show(char *out, const char *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)p[i];
		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n > SHOW_MAX) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

const char *
mus_strerror(int status)
{
	switch (status) {
	case MUS_OK:		return "no error";
	case MUS_ERR_SYNTAX:	return "syntax error";
	case MUS_ERR_NOT_FOUND:	return "template not found";
	case MUS_ERR_DEPTH:	return "nested too deep";
	case MUS_ERR_OUTPUT:	return "output too large";
	case MUS_ERR_STEPS:	return "too much work";
	default:		return "unknown error";
	}
}

/* ----------------------------------------------------------------- lexer */

struct lexer {
	const char	*src;
	size_t		 len;
	const char	*tname;		/* template name, for errors */
	struct mus_error *err;
	const char	*otag, *ctag;	/* current delimiters (in src or static) */
	size_t		 olen, clen;
	int		 line;		/* line of offset 'counted' */
	size_t		 linestart, counted;
	struct tok	*toks;
	size_t		 ntoks, captoks;
	size_t		 open[MUS_MAX_DEPTH];	/* open sections: token indices */
	int		 depth;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_hspace(int c)
{
	return c == ' ' || c == '\t';
}

/* Line and column of offset at, which is never before the last one asked. */
static void
locate(struct lexer *lx, size_t at, int *line, int *col)
{
	for (; lx->counted < at; lx->counted++)
		if (lx->src[lx->counted] == '\n') {
			lx->line++;
			lx->linestart = lx->counted + 1;
		}
	*line = lx->line;
	*col = (int)(at - lx->linestart) + 1;
}

static struct tok *
push_tok(struct lexer *lx, enum kind kind, size_t start, size_t end)
{
	struct tok *t;

	if (lx->ntoks == lx->captoks) {
		lx->captoks = lx->captoks ? 2 * lx->captoks : 64;
		lx->toks = xrealloc(lx->toks, lx->captoks * sizeof *lx->toks);
	}
	t = &lx->toks[lx->ntoks++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->start = t->lead = start;
	t->end = t->tail = end;
	t->opener = NONE;
	return t;
}

/*
 * Offset of the first closing delimiter at or after from; with need != 0,
 * the first one right after a byte need that is itself at or after from
 * (the '}' of "}}}", the '=' of "=}}"). NONE when there is none.
 */
static size_t
find_close(const struct lexer *lx, size_t from, int need)
{
	const char *p;
	size_t at = from, e;

	for (;;) {
		p = memmem(lx->src + at, lx->len - at, lx->ctag, lx->clen);
		if (p == NULL)
			return NONE;
		e = (size_t)(p - lx->src);
		if (need == 0 || (e > from && lx->src[e - 1] == need))
			return e;
		at = e + 1;
	}
}

/* A name of a partial, parent or block: printable, no spaces. */
static int
plain_name_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

/* A name looked up in data: "." or dotted parts, none of them empty. */
static int
lookup_name_ok(const char *p, size_t n)
{
	size_t i;

	if (!plain_name_ok(p, n))
		return 0;
	if (n == 1 && p[0] == '.')
		return 1;
	if (p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (i = 1; i < n; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return 0;
	return 1;
}

static int lex_error(struct lexer *, const struct tok *, int, const char *,
    ...) PRINTF_LIKE(4, 5);

static int
lex_error(struct lexer *lx, const struct tok *t, int status,
    const char *fmt, ...)
{
	char msg[sizeof ((struct mus_error *)0)->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_error(lx->err, lx->tname, t->line, t->col, "%s", msg);
	return status;
}

/* {{=open close=}}: content is what lies between the two '='. */
static int
lex_delim(struct lexer *lx, struct tok *t)
{
	const char *p = lx->src + t->name, *end = p + t->nname, *o, *c;
	size_t olen, clen;

	o = p;
	while (p < end && !is_space((unsigned char)*p))
		p++;
	olen = (size_t)(p - o);
	while (p < end && is_space((unsigned char)*p))
		p++;
	c = p;
	while (p < end && !is_space((unsigned char)*p))
		p++;
	clen = (size_t)(p - c);
	if (olen == 0 || clen == 0 || p != end || memchr(o, '=', olen) ||
	    memchr(c, '=', clen) || memchr(o, '\0', olen) || memchr(c, '\0', clen))
		return lex_error(lx, t, MUS_ERR_SYNTAX, "bad delimiter change: "
		    "expected {{=OPEN CLOSE=}}, two words without spaces or '='");
	lx->otag = o;
	lx->olen = olen;
	lx->ctag = c;
	lx->clen = clen;
	return MUS_OK;
}

/*
 * Does the closing tag t close the tag o? A closing tag's leading '*' was
 * read as a dynamic name; {{#*x}} is just a section named "*x".
 */
static int
closes(const struct lexer *lx, const struct tok *o, const struct tok *t)
{
	const char *on = lx->src + o->name, *tn = lx->src + t->name;

	if (o->dynamic == t->dynamic)
		return o->nname == t->nname && memcmp(on, tn, t->nname) == 0;
	return t->dynamic && o->nname == t->nname + 1 && on[0] == '*' &&
	    memcmp(on + 1, tn, t->nname) == 0;
}

/* Matches tags that open and close sections; keeps the nesting stack. */
static int
lex_nest(struct lexer *lx, struct tok *t)
{
	char a[SHOW_MAX + 4], b[SHOW_MAX + 4];
	const struct tok *o;
	size_t idx = (size_t)(t - lx->toks);

	switch (t->kind) {
	case K_SECTION:
	case K_INVERTED:
	case K_PARENT:
	case K_BLOCK:
		if (lx->depth == MUS_MAX_DEPTH)
			return lex_error(lx, t, MUS_ERR_DEPTH,
			    "sections nested deeper than %d", MUS_MAX_DEPTH);
		lx->open[lx->depth++] = idx;
		return MUS_OK;
	case K_CLOSE:
		show(a, lx->src + t->name, t->nname);
		if (lx->depth == 0)
			return lex_error(lx, t, MUS_ERR_SYNTAX,
			    "closing tag '%s' without an open section", a);
		o = &lx->toks[lx->open[lx->depth - 1]];
		if (!closes(lx, o, t))
			return lex_error(lx, t, MUS_ERR_SYNTAX, "closing tag '%s' "
			    "does not match section '%s' opened at line %d, "
			    "column %d", a, show(b, lx->src + o->name, o->nname),
			    o->line, o->col);
		t->closes = o->kind;
		t->opener = lx->open[--lx->depth];
		return MUS_OK;
	default:
		return MUS_OK;
	}
}

/* One tag whose opening delimiter is at offset at. */
static int
lex_tag(struct lexer *lx, size_t at)
{
	char a[SHOW_MAX + 4], b[SHOW_MAX + 4];
	size_t q = at + lx->olen, cs = q + 1, ce, e;
	int sigil = q < lx->len ? (unsigned char)lx->src[q] : -1, need = 0;
	enum kind kind;
	struct tok *t;

	switch (sigil) {
	case '{': kind = K_RAW; need = '}'; break;
	case '&': kind = K_RAW; break;
	case '#': kind = K_SECTION; break;
	case '^': kind = K_INVERTED; break;
	case '/': kind = K_CLOSE; break;
	case '>': kind = K_PARTIAL; break;
	case '<': kind = K_PARENT; break;
	case '$': kind = K_BLOCK; break;
	case '!': kind = K_COMMENT; break;
	case '=': kind = K_DELIM; need = '='; break;
	default: kind = K_VAR; cs = q; break;
	}
	t = push_tok(lx, kind, at, at);
	locate(lx, at, &t->line, &t->col);
	if ((e = find_close(lx, cs, need)) == NONE)
		return lex_error(lx, t, MUS_ERR_SYNTAX, "unclosed tag: no '%s%s' "
		    "after it", need == '}' ? "}" : need == '=' ? "=" : "",
		    show(a, lx->ctag, lx->clen));
	t->end = t->tail = e + lx->clen;
	ce = need ? e - 1 : e;
	while (cs < ce && is_space((unsigned char)lx->src[cs]))
		cs++;
	while (ce > cs && is_space((unsigned char)lx->src[ce - 1]))
		ce--;
	if ((kind == K_PARTIAL || kind == K_PARENT || kind == K_CLOSE) &&
	    cs < ce && lx->src[cs] == '*') {
		t->dynamic = 1;
		for (cs++; cs < ce && is_space((unsigned char)lx->src[cs]); cs++)
			;
	}
	t->name = cs;
	t->nname = ce - cs;
	switch (kind) {
	case K_COMMENT:
		return MUS_OK;
	case K_DELIM:
		return lex_delim(lx, t);
	case K_VAR:
	case K_RAW:
	case K_SECTION:
	case K_INVERTED:
		if (!lookup_name_ok(lx->src + cs, ce - cs))
			goto bad;
		break;
	default:
		if (t->dynamic ? !lookup_name_ok(lx->src + cs, ce - cs) :
		    !plain_name_ok(lx->src + cs, ce - cs))
			goto bad;
		break;
	}
	return lex_nest(lx, t);
bad:
	show(b, lx->src + at, t->end - at);
	if (ce == cs)
		return lex_error(lx, t, MUS_ERR_SYNTAX, "empty tag '%s'", b);
	return lex_error(lx, t, MUS_ERR_SYNTAX, "invalid name in tag '%s' "
	    "(no spaces, no empty dotted parts)", b);
}

static int
lex(struct lexer *lx)
{
	const char *p;
	struct tok *t;
	size_t pos = 0, at;
	int rc;

	while (pos < lx->len) {
		p = memmem(lx->src + pos, lx->len - pos, lx->otag, lx->olen);
		at = p ? (size_t)(p - lx->src) : lx->len;
		if (at > pos) {
			t = push_tok(lx, K_TEXT, pos, at);
			locate(lx, pos, &t->line, &t->col);
		}
		if (p == NULL)
			break;
		if ((rc = lex_tag(lx, at)) != MUS_OK)
			return rc;
		pos = lx->toks[lx->ntoks - 1].end;
	}
	if (lx->depth > 0) {
		char a[SHOW_MAX + 4];
		const struct tok *o = &lx->toks[lx->open[lx->depth - 1]];

		return lex_error(lx, o, MUS_ERR_SYNTAX, "unclosed section '%s'",
		    show(a, lx->src + o->name, o->nname));
	}
	return MUS_OK;
}

/* ------------------------------------------------------------ standalone */

/* Only spaces and tabs between the line's start and at? Sets *ls to it. */
static int
blank_before(const char *src, size_t at, size_t *ls)
{
	size_t i = at;

	while (i > 0 && is_hspace((unsigned char)src[i - 1]))
		i--;
	if (i > 0 && src[i - 1] != '\n')
		return 0;
	*ls = i;
	return 1;
}

/* Only spaces and tabs between at and the line's end? Sets *eol past it. */
static int
blank_after(const char *src, size_t len, size_t at, size_t *eol)
{
	size_t i = at;

	while (i < len && is_hspace((unsigned char)src[i]))
		i++;
	if (i + 1 < len && src[i] == '\r' && src[i + 1] == '\n')
		i++;
	if (i < len && src[i] != '\n')
		return 0;
	*eol = i < len ? i + 1 : len;
	return 1;
}

static int
may_stand_alone(enum kind k)
{
	return k != K_TEXT && k != K_VAR && k != K_RAW;
}

/*
 * Two adjacent tags that the ~inheritance spec lets stand alone together:
 * {{<p}}{{/p}}, {{$b}}{{/b}}, {{<p}}{{$b}} and {{/b}}{{/p}}.
 */
static int
pairs(const struct tok *toks, size_t i)
{
	const struct tok *a = &toks[i], *b = &toks[i + 1];

	if (a->end != b->start)
		return 0;
	if ((a->kind == K_PARENT || a->kind == K_BLOCK) && b->kind == K_CLOSE &&
	    b->opener == i)
		return 1;
	if (a->kind == K_PARENT && b->kind == K_BLOCK)
		return 1;
	return a->kind == K_CLOSE && a->closes == K_BLOCK &&
	    b->kind == K_CLOSE && b->closes == K_PARENT;
}

/*
 * Mustache spec: a tag (other than an interpolation) alone on its line, with
 * only spaces and tabs around it, takes the whole line with it: the
 * whitespace before it, and the line ending after it. Its lead and tail mark
 * that; the text tokens next to it are cut accordingly. A block pair
 * {{$b}}{{/b}} keeps its line ending (the spec's "Standalone block" case).
 */
static void
standalone(struct lexer *lx)
{
	struct tok *t = lx->toks, *a, *b;
	size_t i, n = lx->ntoks, ls, eol;

	for (i = 0; i < n; i++) {
		a = &t[i];
		if (!may_stand_alone(a->kind))
			continue;
		if (i + 1 < n && pairs(t, i) &&
		    blank_before(lx->src, a->start, &ls) &&
		    blank_after(lx->src, lx->len, t[i + 1].end, &eol)) {
			b = &t[i + 1];
			a->standalone = b->standalone = 1;
			a->lead = ls;
			if (!(a->kind == K_BLOCK && b->kind == K_CLOSE))
				b->tail = eol;
		} else if (blank_before(lx->src, a->start, &ls) &&
		    blank_after(lx->src, lx->len, a->end, &eol)) {
			b = a;
			a->standalone = 1;
			a->lead = ls;
			a->tail = eol;
		} else
			continue;
		if (i > 0 && t[i - 1].kind == K_TEXT)
			t[i - 1].end = a->lead;
		if (b + 1 < t + n && b[1].kind == K_TEXT && b->tail > b->end) {
			b[1].start = b->tail;	/* now at the next line's start */
			b[1].line++;
			b[1].col = 1;
		}
		i = (size_t)(b - t);
	}
}

/* ----------------------------------------------------------------- build */

static void
free_nodes(struct node *kids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kids[i].text);
		free(kids[i].indent);
		free_nodes(kids[i].kids, kids[i].nkids);
		free(kids[i].kids);
	}
}

static void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free_nodes(t->root.kids, t->root.nkids);
	free(t->root.kids);
	free(t->name);
	free(t);
}

/*
 * Appends a node for token t to parent's children. The pointer returned
 * stays valid until parent gets another child; build() only adds children
 * to the innermost open node, so the nodes on its stack never move.
 */
static struct node *
add_node(struct node *parent, const char *src, const struct tok *t)
{
	struct node *n;

	if (parent->nkids == parent->capkids) {
		parent->capkids = parent->capkids ? 2 * parent->capkids : 4;
		parent->kids = xrealloc(parent->kids,
		    parent->capkids * sizeof *parent->kids);
	}
	n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof *n);
	n->kind = t->kind;
	n->bol = t->start == 0 || src[t->start - 1] == '\n';
	n->line = t->line;
	n->col = t->col;
	return n;
}

/* Copies a tag's name; names looked up in data are split at the dots. */
static void
set_name(struct node *n, const char *src, const struct tok *t, int lookup)
{
	size_t i;

	n->text = xstrndup(src + t->name, t->nname);
	n->len = t->nname;
	n->dynamic = (unsigned char)t->dynamic;
	if (!lookup)
		return;
	if (t->nname == 1 && n->text[0] == '.') {
		n->nkeys = 0;
		return;
	}
	n->nkeys = 1;
	for (i = 0; i < n->len; i++)
		if (n->text[i] == '.') {
			n->text[i] = '\0';
			n->nkeys++;
		}
}

/*
 * The common leading whitespace of the non-blank lines of src[a..b), which
 * starts at a line start: *m, *mlen. Returns 0 when all lines are blank.
 */
static int
margin(const char *src, size_t a, size_t b, size_t *m, size_t *mlen)
{
	size_t i = a, ls, k;
	int any = 0, blank;

	while (i < b) {
		ls = i;
		while (i < b && is_hspace((unsigned char)src[i]))
			i++;
		k = i - ls;
		for (blank = 1; i < b && src[i] != '\n'; i++)
			if (!is_space((unsigned char)src[i]))
				blank = 0;
		if (!blank) {
			if (!any) {
				*m = ls;
				*mlen = k;
				any = 1;
			} else {
				if (k < *mlen)
					*mlen = k;
				for (k = 0; k < *mlen && src[ls + k] == src[*m + k]; k++)
					;
				*mlen = k;
			}
		}
		if (i < b)
			i++;
	}
	return any;
}

/* Removes the longest prefix of p that is a prefix of m; returns its length. */
static size_t
prefix_len(const char *p, size_t n, const char *m, size_t mlen)
{
	size_t k = 0;

	while (k < n && k < mlen && p[k] == m[k])
		k++;
	return k;
}

static void
dedent_text(struct node *n, const char *m, size_t mlen)
{
	size_t i = 0, o = 0, k;
	int at_bol = n->bol;

	while (i < n->len) {
		if (at_bol) {
			k = prefix_len(n->text + i, n->len - i, m, mlen);
			i += k;
			at_bol = 0;
			continue;
		}
		if ((n->text[o++] = n->text[i++]) == '\n')
			at_bol = 1;
	}
	n->len = o;
	n->text[o] = '\0';
}

/*
 * ~inheritance "Block reindentation": the content of a standalone block loses
 * its margin where it is defined and gets its expansion's indentation where
 * it is rendered. Nested standalone blocks were dedented already; only their
 * own indentation loses the margin.
 */
static void
dedent(struct node *kids, size_t n, const char *m, size_t mlen)
{
	struct node *k;
	size_t i, cut;

	for (i = 0; i < n; i++) {
		k = &kids[i];
		if (k->kind == K_TEXT) {
			dedent_text(k, m, mlen);
			continue;
		}
		if (k->standalone && k->nindent > 0) {
			cut = prefix_len(k->indent, k->nindent, m, mlen);
			memmove(k->indent, k->indent + cut, k->nindent - cut + 1);
			k->nindent -= cut;
		}
		if (!(k->kind == K_BLOCK && k->standalone))
			dedent(k->kids, k->nkids, m, mlen);
	}
}

/* A section-like node is complete: a standalone block gets its indentation. */
static void
finish(struct node *n, const char *src, const struct tok *open,
    const struct tok *close)
{
	size_t m = 0, mlen = 0;

	if (n == NULL || n->kind != K_BLOCK || !n->standalone)
		return;
	free(n->indent);
	if (margin(src, open->tail, close->lead, &m, &mlen)) {
		n->indent = xstrndup(src + m, mlen);
		n->nindent = mlen;
		if (mlen > 0)
			dedent(n->kids, n->nkids, src + m, mlen);
	} else {
		n->indent = xstrndup(src + open->lead, open->start - open->lead);
		n->nindent = open->start - open->lead;
	}
}

/*
 * Builds the tree under root. Inside a parent tag only blocks are kept (the
 * spec ignores the rest); containers whose content is dropped are NULL on
 * the stack.
 */
static void
build(const struct lexer *lx, struct node *root)
{
	struct node *stack[MUS_MAX_DEPTH + 1], *top, *n;
	const struct tok *t;
	size_t i;
	int depth = 0, keep;

	stack[0] = root;
	for (i = 0; i < lx->ntoks; i++) {
		t = &lx->toks[i];
		top = stack[depth];
		keep = top != NULL && (top->kind != K_PARENT || t->kind == K_BLOCK);
		n = NULL;
		switch (t->kind) {
		case K_TEXT:
			if (keep && t->end > t->start) {
				n = add_node(top, lx->src, t);
				n->text = xstrndup(lx->src + t->start, t->end - t->start);
				n->len = t->end - t->start;
			}
			break;
		case K_VAR:
		case K_RAW:
		case K_PARTIAL:
			if (keep) {
				n = add_node(top, lx->src, t);
				set_name(n, lx->src, t, t->kind != K_PARTIAL || t->dynamic);
			}
			break;
		case K_SECTION:
		case K_INVERTED:
		case K_PARENT:
		case K_BLOCK:
			if (keep) {
				n = add_node(top, lx->src, t);
				set_name(n, lx->src, t, t->kind == K_SECTION ||
				    t->kind == K_INVERTED || t->dynamic);
			}
			stack[++depth] = n;
			break;
		case K_CLOSE:
			finish(stack[depth], lx->src, &lx->toks[t->opener], t);
			depth--;
			break;
		default:
			break;
		}
		if (n != NULL && t->standalone && t->kind != K_SECTION &&
		    t->kind != K_INVERTED) {
			n->standalone = 1;
			n->indent = xstrndup(lx->src + t->lead, t->start - t->lead);
			n->nindent = t->start - t->lead;
		}
	}
}

/*
 * Parses src[0..len) into a new template called name. Returns MUS_OK and
 * *out (free with tmpl_free()), or an error with *err filled.
 */
static int
parse(const char *name, const char *src, size_t len, struct tmpl **out,
    struct mus_error *err)
{
	struct lexer lx;
	struct tmpl *t;
	int rc;

	*out = NULL;
	if (len > INT_MAX / 2) {
		set_error(err, name, 0, 0, "template too large (%zu bytes)", len);
		return MUS_ERR_SYNTAX;
	}
	memset(&lx, 0, sizeof lx);
	lx.src = src ? src : "";
	lx.len = len;
	lx.tname = name;
	lx.err = err;
	lx.otag = "{{";
	lx.ctag = "}}";
	lx.olen = lx.clen = 2;
	lx.line = 1;
	if ((rc = lex(&lx)) != MUS_OK)
		goto out;
	standalone(&lx);
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->root.kind = K_ROOT;
	build(&lx, &t->root);
	*out = t;
out:
	free(lx.toks);
	return rc;
}

/* ----------------------------------------------------------------- cache */

static size_t
hash_name(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct tmpl *
cache_find(const struct mus_cache *c, const char *name)
{
	struct tmpl *t;

	if (c->nslots == 0)
		return NULL;
	for (t = c->slots[hash_name(name) % c->nslots]; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void
cache_add(struct mus_cache *c, struct tmpl *t)
{
	struct tmpl **slots, *e, *next;
	size_t i, n, h;

	if (c->ntmpl >= c->nslots) {
		n = c->nslots ? 2 * c->nslots : 32;
		slots = xcalloc(n, sizeof *slots);
		for (i = 0; i < c->nslots; i++)
			for (e = c->slots[i]; e; e = next) {
				next = e->next;
				h = hash_name(e->name) % n;
				e->next = slots[h];
				slots[h] = e;
			}
		free(c->slots);
		c->slots = slots;
		c->nslots = n;
	}
	h = hash_name(t->name) % c->nslots;
	t->next = c->slots[h];
	c->slots[h] = t;
	c->ntmpl++;
}

/*
 * The parsed template called name: from the cache, or loaded, parsed and
 * cached. MUS_ERR_NOT_FOUND (with *err not set: the caller knows where the
 * name came from) or a parse error (with *err set) on failure.
 */
static int
cache_get(struct mus_cache *c, const char *name, struct tmpl **out,
    struct mus_error *err)
{
	char *src;
	size_t len = 0;
	int rc;

	struct tmpl *had;

	pthread_mutex_lock(&c->lock);
	*out = cache_find(c, name);
	pthread_mutex_unlock(&c->lock);
	if (*out != NULL)
		return MUS_OK;
	if ((src = c->load(c->load_arg, name, &len)) == NULL)
		return MUS_ERR_NOT_FOUND;
	rc = parse(name, src, len, out, err);
	free(src);
	if (rc != MUS_OK)
		return rc;
	/* Another thread may have parsed it meanwhile: keep the first. */
	pthread_mutex_lock(&c->lock);
	if ((had = cache_find(c, name)) == NULL)
		cache_add(c, *out);
	pthread_mutex_unlock(&c->lock);
	if (had != NULL) {
		tmpl_free(*out);
		*out = had;
	}
	return MUS_OK;
}

struct mus_cache *
mus_cache_new(mus_loader_fn loader, void *arg)
{
	struct mus_cache *c = xcalloc(1, sizeof *c);

	pthread_mutex_init(&c->lock, NULL);
	c->load = loader;
	c->load_arg = arg;
	c->strict = 1;
	c->max_output = MUS_DEFAULT_MAX_OUTPUT;
	c->max_steps = MUS_DEFAULT_MAX_STEPS;
	return c;
}

struct mus_cache *
mus_cache_new_dir(const char *dir)
{
	char *copy = xstrdup(dir);
	struct mus_cache *c = mus_cache_new(mus_dir_loader, copy);

	c->dir = copy;
	return c;
}

void
mus_cache_free(struct mus_cache *c)
{
	struct tmpl *t, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++)
		for (t = c->slots[i]; t; t = next) {
			next = t->next;
			tmpl_free(t);
		}
	free(c->slots);
	free(c->dir);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
mus_cache_set_strict(struct mus_cache *c, int strict)
{
	c->strict = strict != 0;
}

void
mus_cache_set_limits(struct mus_cache *c, size_t max_output, size_t max_steps)
{
	c->max_output = max_output ? max_output : MUS_DEFAULT_MAX_OUTPUT;
	c->max_steps = max_steps ? max_steps : MUS_DEFAULT_MAX_STEPS;
}

/* ---------------------------------------------------------------- render */

/* Indentation: pieces chained from the innermost out; NULL is none. */
struct indent {
	const struct indent	*outer;
	const char		*s;
	size_t			 n;
};

/* The override blocks of the parent tags being rendered, innermost first. */
struct frame {
	const struct node	*parent;
	const struct tmpl	*t;	/* the template holding the parent tag */
	const struct frame	*outer;
};

/* What a list of nodes renders in: its template and its indentation. */
struct scope {
	const struct tmpl	*t;
	const struct indent	*indent;
};

/* How the next node of an expansion starts: see render_node(). */
enum first { FIRST_BY_SOURCE, FIRST_INDENT, FIRST_NO_INDENT };

struct render {
	struct mus_cache	*cache;
	struct buf		*out;
	size_t			 base;		/* out->len at the start */
	size_t			 steps;
	struct mus_error	*err;
	struct json_object	**stack;	/* context stack, top last */
	size_t			 nstack, capstack;
	const struct frame	*frames;
	int			 depth;		/* expansions in progress */
	enum first		 first;
};

static int render_nodes(struct render *, const struct scope *,
    const struct node *, size_t);

static int fail(struct render *, const struct scope *, const struct node *,
    int, const char *, ...) PRINTF_LIKE(5, 6);

static int
fail(struct render *r, const struct scope *s, const struct node *n,
    int status, const char *fmt, ...)
{
	char msg[sizeof ((struct mus_error *)0)->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_error(r->err, s->t->name, n->line, n->col, "%s", msg);
	return status;
}

static int
emit(struct render *r, const struct scope *s, const struct node *n,
    const void *p, size_t len)
{
	if (len > r->cache->max_output - (r->out->len - r->base))
		return fail(r, s, n, MUS_ERR_OUTPUT,
		    "output larger than %zu bytes", r->cache->max_output);
	buf_append(r->out, p, len);
	return MUS_OK;
}

static int
emit_indent(struct render *r, const struct scope *s, const struct node *n,
    const struct indent *in)
{
	int rc;

	if (in == NULL)
		return MUS_OK;
	if ((rc = emit_indent(r, s, n, in->outer)) != MUS_OK)
		return rc;
	return emit(r, s, n, in->s, in->n);
}

/* Template text: the scope's indentation starts each line after the first. */
static int
emit_text(struct render *r, const struct scope *s, const struct node *n)
{
	const char *p = n->text, *end = p + n->len, *nl;
	int rc;

	if (s->indent == NULL)
		return emit(r, s, n, p, n->len);
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if ((rc = emit(r, s, n, p, (size_t)(nl + 1 - p))) != MUS_OK)
			return rc;
		if ((p = nl + 1) < end &&
		    (rc = emit_indent(r, s, n, s->indent)) != MUS_OK)
			return rc;
	}
	return emit(r, s, n, p, (size_t)(end - p));
}

/*
 * HTML escaping; NUL becomes U+FFFD, as an HTML parser would make it.
 * esc_extra[c] is how many bytes c's replacement adds (0: c stays as is).
 * Two passes: the escaped length first (so the output limit is checked once,
 * and the buffer grown once), then the text written straight into it, runs
 * between replacements copied whole.
 */
static const unsigned char esc_extra[256] = {
	['\0'] = sizeof "\xEF\xBF\xBD" - 2, ['&'] = sizeof "&amp;" - 2,
	['<'] = sizeof "&lt;" - 2, ['>'] = sizeof "&gt;" - 2,
	['"'] = sizeof "&quot;" - 2, ['\''] = sizeof "&#39;" - 2,
};

static int
emit_escaped(struct render *r, const struct scope *s, const struct node *n,
    const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i, run, out = len;
	const char *rep;
	char *d;

	for (i = 0; i < len; i++)
		out += esc_extra[u[i]];
	if (out == len)
		return emit(r, s, n, p, len);
	if (out > r->cache->max_output - (r->out->len - r->base))
		return fail(r, s, n, MUS_ERR_OUTPUT,
		    "output larger than %zu bytes", r->cache->max_output);
	buf_reserve(r->out, out);
	d = r->out->data + r->out->len;
	for (i = 0; i < len; i++) {
		for (run = i; i < len && esc_extra[u[i]] == 0; i++)
			;
		memcpy(d, p + run, i - run);
		d += i - run;
		if (i == len)
			break;
		switch (p[i]) {
		case '&':  rep = "&amp;"; break;
		case '<':  rep = "&lt;"; break;
		case '>':  rep = "&gt;"; break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:   rep = "\xEF\xBF\xBD"; break;
		}
		memcpy(d, rep, (size_t)esc_extra[u[i]] + 1);
		d += esc_extra[u[i]] + 1;
	}
	r->out->len += out;
	r->out->data[r->out->len] = '\0';
	return MUS_OK;
}

/* Shortest "%.Ng" that reads back as d: 1.5, 2, 0.1, 1e+21. */
static void
format_double(double d, char *b, size_t size)
{
	int prec;

	if (isnan(d)) {
		snprintf(b, size, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(b, size, "%s", d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(b, size, "%.*g", prec, d);
		if (strtod(b, NULL) == d)
			return;
	}
	snprintf(b, size, "%.17g", d);
}

/* The value v as text (see mus_render's contract in mustache.h). */
static int
interpolate(struct render *r, const struct scope *s, const struct node *n,
    struct json_object *v)
{
	char num[64];
	const char *p = num;
	size_t len;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return MUS_OK;
	case json_type_boolean:
		p = json_object_get_boolean(v) ? "true" : "false";
		len = strlen(p);
		break;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX)
			snprintf(num, sizeof num, "%" PRIu64, json_object_get_uint64(v));
		else
			snprintf(num, sizeof num, "%" PRId64, json_object_get_int64(v));
		len = strlen(num);
		break;
	case json_type_double:
		format_double(json_object_get_double(v), num, sizeof num);
		len = strlen(num);
		break;
	case json_type_string:
		p = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		break;
	default:
		p = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN, &len);
		break;
	}
	if (n->kind == K_RAW)
		return emit(r, s, n, p, len);
	return emit_escaped(r, s, n, p, len);
}

/*
 * Spec name resolution: "." is the top of the stack; otherwise the first
 * dotted part is searched from the top of the stack down, the others only
 * inside the value found. Returns the value, or NULL for JSON null and for
 * a name not found: the spec treats both alike.
 */
static struct json_object *
lookup(const struct render *r, const struct node *n)
{
	struct json_object *v = NULL;
	const char *key = n->text;
	size_t i, k;

	if (n->nkeys == 0)
		return r->stack[r->nstack - 1];
	for (i = r->nstack; i-- > 0;)
		if (json_object_is_type(r->stack[i], json_type_object) &&
		    json_object_object_get_ex(r->stack[i], key, &v))
			break;
	if (i == (size_t)-1)
		return NULL;
	for (k = 1; k < n->nkeys; k++) {
		key += strlen(key) + 1;
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, key, &v))
			return NULL;
	}
	return v;
}

/* The spec's "!!data": null, false, 0, "" and [] are falsy. */
static int
truthy(struct json_object *v)
{
	double d;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) != 0;
	case json_type_double:
		d = json_object_get_double(v);
		return d != 0 && !isnan(d);
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	default:
		return 1;
	}
}

static void
push(struct render *r, struct json_object *v)
{
	if (r->nstack == r->capstack) {
		r->capstack = r->capstack ? 2 * r->capstack : 16;
		r->stack = xrealloc(r->stack, r->capstack * sizeof *r->stack);
	}
	r->stack[r->nstack++] = v;
}

static int
render_section(struct render *r, const struct scope *s, const struct node *n)
{
	struct json_object *v = lookup(r, n);
	int list = json_object_is_type(v, json_type_array), rc = MUS_OK;
	size_t i, len = list ? json_object_array_length(v) : 1;

	if (n->kind == K_INVERTED)
		return truthy(v) ? MUS_OK : render_nodes(r, s, n->kids, n->nkids);
	if (!truthy(v))
		return MUS_OK;
	/* Spec: a list renders once per item, any other truthy value once. */
	for (i = 0; i < len && rc == MUS_OK; i++) {
		if (++r->steps > r->cache->max_steps)
			return fail(r, s, n, MUS_ERR_STEPS, "rendering takes "
			    "more than %zu steps", r->cache->max_steps);
		push(r, list ? json_object_array_get_idx(v, i) : v);
		rc = render_nodes(r, s, n->kids, n->nkids);
		r->nstack--;
	}
	return rc;
}

/*
 * Renders kids (of template t) as the expansion of the partial, parent or
 * block node n. A standalone n indents every line of the expansion with its
 * indentation, added to the scope's; otherwise a block keeps the scope's
 * indentation (it continues a line) and a partial or parent has none (the
 * spec indents only standalone partials).
 */
static int
expand(struct render *r, const struct scope *s, const struct node *n,
    const struct tmpl *t, const struct node *kids, size_t nkids)
{
	struct indent link;
	struct scope in;
	int rc;

	if (r->depth >= MUS_MAX_DEPTH)
		return fail(r, s, n, MUS_ERR_DEPTH, "partials, parents and blocks "
		    "nested deeper than %d", MUS_MAX_DEPTH);
	in.t = t;
	in.indent = NULL;
	if (n->standalone) {
		in.indent = s->indent;
		if (n->nindent > 0) {
			link.outer = s->indent;
			link.s = n->indent;
			link.n = n->nindent;
			in.indent = &link;
		}
		r->first = FIRST_INDENT;
	} else if (n->kind == K_BLOCK) {
		in.indent = s->indent;
		r->first = FIRST_NO_INDENT;
	}
	r->depth++;
	rc = render_nodes(r, &in, kids, nkids);
	r->depth--;
	r->first = FIRST_BY_SOURCE;
	return rc;
}

/* The template a partial or parent node names; *t NULL to render nothing. */
static int
resolve(struct render *r, const struct scope *s, const struct node *n,
    struct tmpl **t)
{
	struct json_object *v;
	const char *name = n->text;
	int rc;

	*t = NULL;
	if (n->dynamic) {
		v = lookup(r, n);
		if (!json_object_is_type(v, json_type_string))
			return MUS_OK;
		name = json_object_get_string(v);
		if (strlen(name) != (size_t)json_object_get_string_len(v))
			return MUS_OK;
	}
	rc = cache_get(r->cache, name, t, r->err);
	if (rc == MUS_ERR_NOT_FOUND && !r->cache->strict)
		return MUS_OK;
	if (rc == MUS_ERR_NOT_FOUND) {
		char a[SHOW_MAX + 4];

		return fail(r, s, n, rc, "%s '%s' not found",
		    n->kind == K_PARENT ? "parent" : "partial",
		    show(a, name, strlen(name)));
	}
	return rc;
}

/*
 * The override of block n: from the outermost parent tag that has one. The
 * blocks compared count as steps, so that thousands of blocks against
 * thousands of overrides stay within the work limit.
 */
static const struct node *
find_override(struct render *r, const struct node *n, const struct tmpl **t)
{
	const struct node *found = NULL, *k;
	const struct frame *f;
	size_t i;

	for (f = r->frames; f != NULL; f = f->outer)
		for (i = 0; i < f->parent->nkids; i++) {
			k = &f->parent->kids[i];
			r->steps++;
			if (strcmp(k->text, n->text) == 0) {
				found = k;
				*t = f->t;
				break;
			}
		}
	return found;
}

/*
 * One node. Indentation: a node that starts a line of its template gets the
 * scope's indentation first, unless the expansion it opens decided
 * otherwise (r->first). Standalone nodes took their line with them.
 */
static int
render_node(struct render *r, const struct scope *s, const struct node *n)
{
	struct frame frame;
	const struct node *b;
	const struct tmpl *bt;
	struct tmpl *t;
	int rc, indent;

	if (++r->steps > r->cache->max_steps)
		return fail(r, s, n, MUS_ERR_STEPS, "rendering takes more than "
		    "%zu steps", r->cache->max_steps);
	if (!n->standalone) {
		indent = r->first == FIRST_INDENT ||
		    (r->first == FIRST_BY_SOURCE && n->bol);
		r->first = FIRST_BY_SOURCE;
		if (indent && (rc = emit_indent(r, s, n, s->indent)) != MUS_OK)
			return rc;
	}
	switch (n->kind) {
	case K_TEXT:
		return emit_text(r, s, n);
	case K_VAR:
	case K_RAW:
		return interpolate(r, s, n, lookup(r, n));
	case K_SECTION:
	case K_INVERTED:
		return render_section(r, s, n);
	case K_PARTIAL:
		if ((rc = resolve(r, s, n, &t)) != MUS_OK || t == NULL)
			return rc;
		return expand(r, s, n, t, t->root.kids, t->root.nkids);
	case K_PARENT:
		if ((rc = resolve(r, s, n, &t)) != MUS_OK || t == NULL)
			return rc;
		frame.parent = n;
		frame.t = s->t;
		frame.outer = r->frames;
		r->frames = &frame;
		rc = expand(r, s, n, t, t->root.kids, t->root.nkids);
		r->frames = frame.outer;
		return rc;
	case K_BLOCK:
		bt = s->t;
		if ((b = find_override(r, n, &bt)) == NULL)
			b = n;
		return expand(r, s, n, bt, b->kids, b->nkids);
	default:
		return MUS_OK;
	}
}

static int
render_nodes(struct render *r, const struct scope *s, const struct node *kids,
    size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = render_node(r, s, &kids[i])) != MUS_OK)
			return rc;
	return MUS_OK;
}

static int
render_tmpl(struct mus_cache *c, const struct tmpl *t, struct json_object *ctx,
    struct buf *out, struct mus_error *err)
{
	struct render r;
	struct scope s;
	int rc;

	memset(&r, 0, sizeof r);
	r.cache = c;
	r.out = out;
	r.base = out->len;
	r.err = err;
	r.first = FIRST_BY_SOURCE;
	push(&r, ctx);
	s.t = t;
	s.indent = NULL;
	rc = render_nodes(&r, &s, t->root.kids, t->root.nkids);
	free(r.stack);
	if (rc != MUS_OK && out->data != NULL) {
		out->len = r.base;
		out->data[out->len] = '\0';
	}
	return rc;
}

int
mus_render(struct mus_cache *c, const char *name, struct json_object *ctx,
    struct buf *out, struct mus_error *err)
{
	struct tmpl *t;
	int rc;

	if ((rc = cache_get(c, name, &t, err)) == MUS_ERR_NOT_FOUND)
		set_error(err, name, 0, 0, "template not found");
	if (rc != MUS_OK)
		return rc;
	return render_tmpl(c, t, ctx, out, err);
}

int
mus_render_text(struct mus_cache *c, const char *name, const char *text,
    size_t len, struct json_object *ctx, struct buf *out, struct mus_error *err)
{
	struct tmpl *t;
	int rc;

	if ((rc = parse(name, text, len, &t, err)) != MUS_OK)
		return rc;
	rc = render_tmpl(c, t, ctx, out, err);
	tmpl_free(t);
	return rc;
}

/* ----------------------------------------------------------------- check */

struct checklist {
	struct tmpl	**v;
	size_t		 n, cap;
};

/* Loads what the nodes name statically; queues templates not yet seen. */
static int
check_nodes(struct mus_cache *c, struct tmpl *owner, const struct node *kids,
    size_t n, struct checklist *todo, struct mus_error *err)
{
	char a[SHOW_MAX + 4];
	const struct node *k;
	struct tmpl *t;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		k = &kids[i];
		if ((k->kind == K_PARTIAL || k->kind == K_PARENT) && !k->dynamic) {
			rc = cache_get(c, k->text, &t, err);
			if (rc == MUS_ERR_NOT_FOUND && c->strict) {
				set_error(err, owner->name, k->line, k->col,
				    "%s '%s' not found", k->kind == K_PARENT ?
				    "parent" : "partial", show(a, k->text, k->len));
				return rc;
			}
			if (rc != MUS_OK && rc != MUS_ERR_NOT_FOUND)
				return rc;
			if (rc == MUS_OK && t->checked != c->check_gen) {
				t->checked = c->check_gen;
				if (todo->n == todo->cap) {
					todo->cap = todo->cap ? 2 * todo->cap : 16;
					todo->v = xrealloc(todo->v,
					    todo->cap * sizeof *todo->v);
				}
				todo->v[todo->n++] = t;
			}
		}
		if ((rc = check_nodes(c, owner, k->kids, k->nkids, todo, err)) != MUS_OK)
			return rc;
	}
	return MUS_OK;
}

int
mus_check(struct mus_cache *c, const char *name, struct mus_error *err)
{
	struct checklist todo = { NULL, 0, 0 };
	struct tmpl *t;
	size_t i;
	int rc;

	if ((rc = cache_get(c, name, &t, err)) == MUS_ERR_NOT_FOUND)
		set_error(err, name, 0, 0, "template not found");
	if (rc != MUS_OK)
		return rc;
	c->check_gen++;
	t->checked = c->check_gen;
	todo.v = xmalloc(16 * sizeof *todo.v);
	todo.cap = 16;
	todo.v[todo.n++] = t;
	for (i = 0; i < todo.n && rc == MUS_OK; i++)
		rc = check_nodes(c, todo.v[i], todo.v[i]->root.kids,
		    todo.v[i]->root.nkids, &todo, err);
	free(todo.v);
	return rc;
}

/* ---------------------------------------------------------------- loader */

/* A name that cannot leave the directory: see mus_dir_loader(). */
static int
safe_name(const char *name)
{
	const unsigned char *p;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) > 200 || strstr(name, "..") != NULL)
		return 0;
	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

char *
mus_dir_loader(void *arg, const char *name, size_t *len)
{
	const char *dir = arg;
	char *path, *text;

	if (!safe_name(name)) {
		errno = EINVAL;
		return NULL;
	}
	path = xasprintf("%s/%s.mustache", dir, name);
	text = util_read_file(path, len);
	free(path);
	return text;
}
