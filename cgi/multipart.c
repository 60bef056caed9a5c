/* multipart.c — multipart/form-data bodies (RFC 7578) into form fields and files, parsed by GMime. */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "multipart.h"
#include "valid.h"

void
multipart_init(void)
{
	g_mime_init();
}

void
multipart_shutdown(void)
{
	g_mime_shutdown();
}

/* What the parser's warnings said of the body: set by on_warning. */
struct parse_state {
	int	bad;		/* a warning that makes the body malformed */
};

/*
 * GMimeParserWarningFunc: GMime reads past what it finds wrong; an upload
 * cannot be half-understood, so a malformed multipart and every "critical"
 * issue (parts other software would read differently) refuse the body.
 * 8-bit headers (UTF-8 file names) and duplicated headers are what browsers
 * send and stay accepted. GMime says "truncated" of every form body (it
 * reads it as a message that ends early), so the end is checked apart:
 * closed().
 */
static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer arg)
{
	struct parse_state *ps = arg;

	(void)offset;
	(void)item;
	switch (code) {
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		ps->bad = 1;
		break;
	default:
		break;
	}
}

/* Length of the longest prefix of s (at most max bytes) that ends on a UTF-8 character boundary. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

char *
multipart_filename(const char *raw)
{
	const char *base = raw, *p;
	struct buf b;
	char *out;

	for (p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	buf_init(&b);
	for (p = base; *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			buf_putc(&b, *p);
	out = buf_detach(&b);
	if (out == NULL)
		return xstrdup("");
	out[utf8_cut(out, strlen(out), MULTIPART_FILENAME_MAX)] = '\0';
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0 || !valid_utf8(out, 0, NULL))
		out[0] = '\0';
	return out;
}

const struct http_file *
http_file_get(const struct http_files *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

void
http_files_free(struct http_files *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].filename);
		free(l->v[i].type);
		free(l->v[i].data);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/*
 * The part's content, decoded from its transfer encoding, into a new
 * GByteArray (caller unrefs) of *len bytes and a NUL after them.
 */
static GByteArray *
part_bytes(GMimePart *part, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GByteArray *a = g_byte_array_new();
	GMimeStream *mem;

	if (w != NULL) {
		mem = g_mime_stream_mem_new_with_byte_array(a);
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
		g_mime_data_wrapper_write_to_stream(w, mem);
		g_object_unref(mem);
	}
	*len = a->len;
	g_byte_array_append(a, (const guint8 *)"", 1);
	return a;
}

/* A form field name or text value: no NUL, valid UTF-8 (lines allowed). */
static int
text_ok(const char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL && valid_utf8(s, 1, NULL);
}

/* Appends one file part; -1 when the field already has one. */
static int
add_file(struct http_files *files, const char *name, const char *filename,
    GMimePart *part, const guint8 *data, size_t len)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	struct http_file *f;
	char *mime;

	if (http_file_get(files, name) != NULL)
		return -1;
	files->v = xgrow(files->v, &files->cap, files->n, sizeof *files->v);
	f = &files->v[files->n++];
	f->name = xstrdup(name);
	f->filename = multipart_filename(filename);
	mime = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	f->type = xstrdup(mime != NULL ? mime : "application/octet-stream");
	g_free(mime);
	f->len = len;
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len + 1);	/* with the NUL */
	return 0;
}

/* One part of the form into form or files; 0, or -1 with *why. */
static int
read_part(GMimeObject *obj, struct kvlist *form, struct http_files *files, const char **why)
{
	GMimeContentDisposition *cd;
	const char *disp, *name, *filename;
	GByteArray *a;
	size_t len;
	int rc = 0;

	if (!GMIME_IS_PART(obj)) {
		*why = "A part of the multipart body is itself a multipart.";
		return -1;
	}
	cd = g_mime_object_get_content_disposition(obj);
	disp = cd != NULL ? g_mime_content_disposition_get_disposition(cd) : NULL;
	name = cd != NULL ? g_mime_content_disposition_get_parameter(cd, "name") : NULL;
	if (disp == NULL || g_ascii_strcasecmp(disp, "form-data") != 0 || name == NULL ||
	    *name == '\0') {
		*why = "A part of the multipart body has no form-data name.";
		return -1;
	}
	if (!text_ok(name, strlen(name))) {
		*why = "A field name of the multipart body is not valid UTF-8.";
		return -1;
	}
	filename = g_mime_content_disposition_get_parameter(cd, "filename");
	a = part_bytes(GMIME_PART(obj), &len);
	if (filename != NULL) {
		if (add_file(files, name, filename, GMIME_PART(obj), a->data, len) != 0) {
			*why = "The multipart body has more than one file for a field.";
			rc = -1;
		}
	} else if (!text_ok((const char *)a->data, len)) {
		*why = "A field of the multipart body holds a NUL byte or invalid UTF-8.";
		rc = -1;
	} else
		kv_add(form, name, strlen(name), (const char *)a->data, len);
	g_byte_array_unref(a);
	return rc;
}

/* The body as GMime reads a MIME entity: our Content-Type header, a blank line, the body. */
static GMimeObject *
construct(const char *content_type, const char *body, size_t len, struct parse_state *ps)
{
	GByteArray *a = g_byte_array_sized_new((guint)(len + strlen(content_type) + 20));
	GMimeParserOptions *opts = g_mime_parser_options_new();
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeObject *obj;

	g_byte_array_append(a, (const guint8 *)"Content-Type: ", 14);
	g_byte_array_append(a, (const guint8 *)content_type, (guint)strlen(content_type));
	g_byte_array_append(a, (const guint8 *)"\r\n\r\n", 4);
	g_byte_array_append(a, (const guint8 *)body, (guint)len);
	stream = g_mime_stream_mem_new_with_byte_array(a);	/* owns a */
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_options_set_warning_callback(opts, on_warning, ps);
	obj = g_mime_parser_construct_part(parser, opts);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(opts);
	return obj;
}

/*
 * 1 when the Content-Type value names multipart/form-data with a boundary
 * (1 to 70 characters, RFC 2046 §5.1.1) and the body holds its close
 * delimiter "--boundary--": a body cut short (a client that gave up, a
 * truncated upload) has none and is refused whole.
 */
static int
boundary_ok(const char *content_type, const char *body, size_t len)
{
	GMimeContentType *ct = g_mime_content_type_parse(NULL, content_type);
	const char *b;
	char *close;
	int ok;

	if (ct == NULL)
		return 0;
	b = g_mime_content_type_get_parameter(ct, "boundary");
	ok = b != NULL && *b != '\0' && strlen(b) <= 70 &&
	    g_mime_content_type_is_type(ct, "multipart", "form-data");
	if (ok) {
		close = xasprintf("--%s--", b);
		ok = memmem(body, len, close, strlen(close)) != NULL ? 1 : -1;
		free(close);
	}
	g_object_unref(ct);
	return ok;
}

int
multipart_parse(const char *content_type, const char *body, size_t len,
    struct kvlist *form, struct http_files *files, const char **why)
{
	struct parse_state ps = { 0 };
	GMimeObject *obj;
	GMimeMultipart *mp = NULL;
	int i, n = 0, rc = 0;

	if (strpbrk(content_type, "\r\n") != NULL ||
	    (rc = boundary_ok(content_type, body, len)) == 0) {
		*why = "The multipart/form-data body has no boundary.";
		return -1;
	}
	if (rc < 0) {
		*why = "The multipart/form-data body is incomplete: it has no closing boundary.";
		return -1;
	}
	rc = 0;
	if ((obj = construct(content_type, body, len, &ps)) == NULL) {
		*why = "The multipart/form-data body is malformed.";
		return -1;
	}
	if (!GMIME_IS_MULTIPART(obj) || ps.bad ||
	    (n = g_mime_multipart_get_count((mp = GMIME_MULTIPART(obj)))) <= 0) {
		*why = "The multipart/form-data body is malformed.";
		rc = -1;
	} else if ((size_t)n > HTTP_MAX_FIELDS) {
		*why = "The multipart/form-data body has more than 100 parts.";
		rc = -1;
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = read_part(g_mime_multipart_get_part(mp, i), form, files, why);
	g_object_unref(obj);
	return rc;
}
