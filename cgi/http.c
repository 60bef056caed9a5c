/* http.c — HTTP requests and responses over FastCGI or CGI: reading, the body by its route, writing, the serve loop; the only module that knows libfcgi (its parsers: http_parse.c). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "http.h"
#include "multipart.h"

extern char **environ;

static const char *
env_get(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if ((*envp)[0] == name[0] && strncmp(*envp, name, n) == 0 &&
		    (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

const char *
http_param(const struct http_request *rq, const char *name)
{
	return env_get(rq->envp, name);
}

const char *
http_header(const struct http_request *rq, const char *name)
{
	char key[128];
	size_t i;

	if (strlen(name) + 6 > sizeof key)
		return NULL;
	strcpy(key, "HTTP_");
	for (i = 0; name[i]; i++)
		key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	key[5 + i] = '\0';
	return env_get(rq->envp, key);
}

void
http_request_free(struct http_request *rq)
{
	if (rq == NULL)
		return;
	free(rq->path);
	kv_free(&rq->query);
	kv_free(&rq->form);
	http_files_free(&rq->files);
	kv_free(&rq->cookies);
	kv_free(&rq->params);
	json_object_put(rq->json);
	free(rq->body);
	free(rq->remote_addr);
	free(rq->error_msg);
	memset(rq, 0, sizeof *rq);
}

static const struct {
	const char		*name;
	enum http_method	 m;
} methods[] = {
	{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
	{ "PUT", HTTP_PUT }, { "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
	{ "OPTIONS", HTTP_OPTIONS },
};

/* Body reader: a FastCGI stream or the CGI process's stdin. */
struct io {
	FCGX_Request	*fcgi;		/* NULL in CGI mode */
	char	       **envp;
};

/*
 * Request ids: a random start, +1 per request (http_ids_init). The one
 * mutable global of this file, shared by every thread, hence atomic.
 */
static _Atomic uint64_t next_id;

void
http_ids_init(void)
{
	uint64_t seed;

	randombytes_buf(&seed, sizeof seed);
	atomic_store(&next_id, seed);
}

/* SplitMix64's finaliser: consecutive seq values give unrelated-looking ids. */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static size_t
io_read(struct io *io, char *p, size_t n)
{
	size_t got = 0, r;
	int k;

	if (io->fcgi != NULL) {
		while (got < n) {
			k = FCGX_GetStr(p + got, (int)(n - got), io->fcgi->in);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		return got;
	}
	while (got < n && (r = fread(p + got, 1, n - got, stdin)) > 0)
		got += r;
	return got;
}

static void
io_write(struct io *io, const char *p, size_t n)
{
	if (io->fcgi != NULL)
		FCGX_PutStr(p, (int)n, io->fcgi->out);
	else
		fwrite(p, 1, n, stdout);
}

static void
fail(struct http_request *rq, int status, const char *msg)
{
	if (rq->error)
		return;
	rq->error = status;
	rq->error_msg = xstrdup(msg);
}

/* The path the client asked for, from REQUEST_URI or SCRIPT_NAME + PATH_INFO. */
static void
read_path(struct http_request *rq, const char *base_url)
{
	const char *uri = http_param(rq, "REQUEST_URI"), *q;
	const char *sn, *pi;
	char *raw = NULL, *path;
	size_t blen = strlen(base_url);
	enum http_parse rc;

	if (uri != NULL && *uri == '/') {
		q = strchr(uri, '?');
		raw = xstrndup(uri, q ? (size_t)(q - uri) : strlen(uri));
	} else {
		sn = http_param(rq, "SCRIPT_NAME");
		pi = http_param(rq, "PATH_INFO");
		raw = xasprintf("%s%s", sn ? sn : "", pi ? pi : "");
		if (*raw != '/') {
			free(raw);
			raw = xasprintf("/%s", pi ? pi : "");
		}
	}
	rc = http_normalize_path(raw, strlen(raw), &path);
	free(raw);
	if (rc != HTTP_PARSE_OK) {
		fail(rq, 400, rc == HTTP_PARSE_ENCODING ?
		    "The URL has a malformed percent-encoding." :
		    "The URL path is not allowed.");
		rq->path = xstrdup("/");
		return;
	}
	if (blen > 0 && strncmp(path, base_url, blen) == 0 &&
	    (path[blen] == '/' || path[blen] == '\0')) {
		rq->path = xstrdup(path[blen] ? path + blen : "/");
		free(path);
	} else
		rq->path = path;
}

static void
read_body(struct http_request *rq, struct io *io, int cgi, int upload)
{
	const size_t max = upload ? HTTP_MAX_UPLOAD : HTTP_MAX_BODY;
	const char *too_large = upload ? "The request body is larger than 8 MiB." :
	    "The request body is larger than 64 KiB.";
	const char *cl = http_param(rq, "CONTENT_LENGTH");
	const char *ct = http_param(rq, "CONTENT_TYPE");
	const char *why;
	char *end;
	long want = -1;
	size_t got;
	enum http_parse rc;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		want = strtol(cl, &end, 10);
		if (errno || *end != '\0' || want < 0 || !isdigit((unsigned char)*cl)) {
			fail(rq, 400, "The Content-Length header is malformed.");
			return;
		}
	} else if (cgi) {
		/*
		 * CGI without CONTENT_LENGTH has no body (RFC 3875 §4.2), except
		 * that Apache's mod_cgi/mod_cgid hand a chunked body over
		 * de-chunked on stdin with no CONTENT_LENGTH at all: then read
		 * stdin to its end (the server closes it), bounded below.
		 */
		const char *te = http_header(rq, "Transfer-Encoding");

		if (te == NULL || *te == '\0')
			want = 0;
	}
	if (want > (long)max) {
		fail(rq, 413, too_large);
		return;
	}
	/*
	 * No length (FastCGI, chunked CGI): read to the end of the input,
	 * bounded. A known length gets a buffer of that size: a 64 KiB
	 * allocation per GET made glibc consolidate its heap on every free.
	 */
	rq->body = xmalloc(want >= 0 ? (size_t)want + 1 : max + 2);
	got = io_read(io, rq->body, want >= 0 ? (size_t)want : max + 1);
	rq->body[got] = '\0';
	rq->body_len = got;
	if (got > max) {
		fail(rq, 413, too_large);
		return;
	}
	if (want >= 0 && got < (size_t)want) {
		fail(rq, 400, "The request body is shorter than its Content-Length.");
		return;
	}
	if (got == 0)
		return;
	if (ct == NULL)
		ct = "";
	if (http_media_type_is(ct, "application/x-www-form-urlencoded")) {
		rc = http_parse_urlencoded(rq->body, got, &rq->form);
		if (rc == HTTP_PARSE_TOO_MANY)
			fail(rq, 400, "The form has more than 100 fields.");
		else if (rc != HTTP_PARSE_OK)
			fail(rq, 400, "The form body has a malformed percent-encoding.");
	} else if (http_media_type_is(ct, "application/json")) {
		if ((rq->json = http_parse_json(rq->body, got, &why)) == NULL) {
			char *msg = xasprintf("The JSON body is malformed: %s.", why);

			fail(rq, 400, msg);
			free(msg);
		}
	} else if (upload && http_media_type_is(ct, "multipart/form-data")) {
		if (multipart_parse(ct, rq->body, got, &rq->form, &rq->files, &why) != 0)
			fail(rq, 400, why);
	} else if (upload && http_media_type_is(ct, "text/csv")) {
		/* Kept as it is in rq->body: the route reads it. */
	} else if (rq->method == HTTP_POST || rq->method == HTTP_PUT ||
	    rq->method == HTTP_PATCH) {
		fail(rq, 415, "Send the body as application/x-www-form-urlencoded "
		    "or application/json.");
	}
}

/*
 * Parses QUERY_STRING into rq->query, and checks the query as the client
 * sent it too: lighttpd's url-normalize hands QUERY_STRING over re-encoded
 * ("%zz" becomes "%25zz", "%41" becomes "A"), so a malformed escape in it
 * reached the app as text. The request line (REQUEST_URI) keeps the bytes
 * the client sent; when its query differs, it must be well-formed too.
 */
static void
read_query(struct http_request *rq)
{
	const char *qs = http_param(rq, "QUERY_STRING");
	const char *uri = http_param(rq, "REQUEST_URI"), *raw;
	enum http_parse rc = HTTP_PARSE_OK;

	if (qs != NULL)
		rc = http_parse_urlencoded(qs, strlen(qs), &rq->query);
	if (rc == HTTP_PARSE_OK && uri != NULL && (raw = strchr(uri, '?')) != NULL &&
	    (qs == NULL || strcmp(raw + 1, qs) != 0) && !http_pct_wellformed(raw + 1))
		rc = HTTP_PARSE_ENCODING;
	if (rc == HTTP_PARSE_TOO_MANY)
		fail(rq, 400, "The query string has more than 100 fields.");
	else if (rc != HTTP_PARSE_OK)
		fail(rq, 400, "The query string has a malformed percent-encoding.");
}

/* Reads everything but the body (read_body, once the route is known). */
static void
read_request(struct http_request *rq, struct io *io, const char *base_url)
{
	const char *m, *v, *https, *scheme;
	size_t i, hdr = 0;
	char **e;

	memset(rq, 0, sizeof *rq);
	rq->envp = io->envp;
	/* A log correlation id, unique in the process: no getrandom() per request. */
	snprintf(rq->id, sizeof rq->id, "%016" PRIx64, mix64(atomic_fetch_add(&next_id, 1)));

	m = http_param(rq, "REQUEST_METHOD");
	snprintf(rq->method_name, sizeof rq->method_name, "%s", m ? m : "GET");
	rq->method = HTTP_OTHER;
	for (i = 0; i < NELEM(methods); i++)
		if (strcmp(rq->method_name, methods[i].name) == 0)
			rq->method = methods[i].m;

	v = http_param(rq, "REMOTE_ADDR");
	rq->remote_addr = xstrdup(v ? v : "");
	https = http_param(rq, "HTTPS");
	scheme = http_param(rq, "REQUEST_SCHEME");
	rq->https = (https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0)) ||
	    (scheme && strcasecmp(scheme, "https") == 0);

	read_path(rq, base_url);
	/* Routes that always answer JSON say so in their table (ROUTE_JSON). */
	rq->wants_json = http_accepts_json(http_header(rq, "Accept"));

	for (e = rq->envp; e && *e; e++)
		if (strncmp(*e, "HTTP_", 5) == 0)
			hdr += strlen(*e);
	if (hdr > HTTP_MAX_HEADERS)
		fail(rq, 431, "The request headers are too large.");

	read_query(rq);
	if ((v = http_header(rq, "Cookie")) != NULL &&
	    http_parse_cookies(v, &rq->cookies) != HTTP_PARSE_OK)
		fail(rq, 400, "The request has too many cookies.");
}

/* ---- the response ---- */

void
http_response_init(struct http_response *rs)
{
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	memset(&rs->stream, 0, sizeof rs->stream);
	memset(&rs->hold, 0, sizeof rs->hold);
	buf_init(&rs->headers);
	buf_init(&rs->body);
}

void
http_response_free(struct http_response *rs)
{
	if (rs == NULL)
		return;
	buf_free(&rs->headers);
	buf_free(&rs->body);
	if (rs->stream.free != NULL)
		rs->stream.free(rs->stream.arg);
	memset(&rs->stream, 0, sizeof rs->stream);
}

void
http_add_header(struct http_response *rs, const char *name, const char *fmt, ...)
{
	struct buf v;
	va_list ap;

	buf_init(&v);
	va_start(ap, fmt);
	buf_vprintf(&v, fmt, ap);
	va_end(ap);
	if (strpbrk(buf_str(&v), "\r\n") == NULL) {
		buf_puts(&rs->headers, name);
		buf_puts(&rs->headers, ": ");
		buf_append(&rs->headers, v.data, v.len);
		buf_puts(&rs->headers, "\r\n");
	}
	buf_free(&v);
}

void
http_set_cookie(struct http_response *rs, const char *name, const char *value,
    const char *path, long max_age, int secure)
{
	struct buf c;

	buf_init(&c);
	buf_printf(&c, "%s=%s; Path=%s", name, value, path && *path ? path : "/");
	if (max_age >= 0)
		buf_printf(&c, "; Max-Age=%ld", max_age);
	buf_puts(&c, "; HttpOnly; SameSite=Lax");
	if (secure)
		buf_puts(&c, "; Secure");
	http_add_header(rs, "Set-Cookie", "%s", buf_str(&c));
	buf_free(&c);
}

void
http_redirect(struct http_response *rs, int status, const char *location)
{
	rs->status = status;
	http_add_header(rs, "Location", "%s", location);
	buf_reset(&rs->body);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

/* Writes the pieces of a streamed body as they come; out is scratch space. */
static void
write_stream(struct http_stream *st, struct io *io, struct buf *out)
{
	int more;

	do {
		buf_reset(out);
		more = st->next(st->arg, out);
		if (out->len > 0)
			io_write(io, out->data, out->len);
	} while (more > 0);
}

void
http_write(const struct http_request *rq, struct http_response *rs, FCGX_Request *fcgi)
{
	struct io io_ = { fcgi, NULL }, *io = &io_;
	struct buf out;
	int nobody = rq->method == HTTP_HEAD || rs->status == 304 || rs->status == 204;

	buf_init(&out);
	buf_printf(&out, "Status: %d %s\r\n", rs->status, http_status_text(rs->status));
	if (rs->status != 304)
		buf_printf(&out, "Content-Type: %s\r\n", rs->content_type);
	if (!nobody && rs->stream.next == NULL)
		buf_printf(&out, "Content-Length: %zu\r\n", rs->body.len);
	/* Security headers on every response. */
	buf_puts(&out, "Content-Security-Policy: default-src 'self'; "
	    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "X-Frame-Options: DENY\r\n");
	buf_append(&out, rs->headers.data ? rs->headers.data : "", rs->headers.len);
	buf_puts(&out, "\r\n");
	io_write(io, out.data, out.len);
	if (!nobody && rs->stream.next != NULL)
		write_stream(&rs->stream, io, &out);
	else if (!nobody && rs->body.len)
		io_write(io, rs->body.data, rs->body.len);
	buf_free(&out);
}

void
http_read(struct http_request *rq, FCGX_Request *fcgi, const char *base_url,
    http_upload_rule uploads, void *arg)
{
	struct io io = { fcgi, fcgi != NULL ? fcgi->envp : environ };

	read_request(rq, &io, base_url);
	if (!rq->error)
		read_body(rq, &io, fcgi == NULL, uploads != NULL && uploads(arg, rq));
}
