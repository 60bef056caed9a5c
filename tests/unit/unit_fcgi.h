/* unit_fcgi.h — a FastCGI client for unit tests: the web server's side of the protocol, to drive serve_fastcgi over a Unix socket (check_serve.c). */
#ifndef ORDERSYNC_UNIT_FCGI_H
#define ORDERSYNC_UNIT_FCGI_H

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"
#include "unit.h"

/*
 * ---- a FastCGI client (the web server's side of the protocol) ----
 * FastCGI Specification 1.0: records (§3.3: version 1, type, request id,
 * content length, padding), name-value pairs (§3.4: one-byte lengths under
 * 128), FCGI_BEGIN_REQUEST with role FCGI_RESPONDER and no FCGI_KEEP_CONN
 * (§5.1), FCGI_PARAMS and FCGI_STDIN each ended by an empty record (§5.2,
 * §5.3), the answer in FCGI_STDOUT records up to FCGI_END_REQUEST (§5.5).
 */

enum { FC_BEGIN = 1, FC_END = 3, FC_PARAMS = 4, FC_STDIN = 5, FC_STDOUT = 6, FC_STDERR = 7 };

struct reply {
	int		 fd;		/* -1 once closed */
	struct buf	 raw;		/* the bytes received */
	int		 ended;		/* END_REQUEST received */
	int		 eof;		/* the server closed without one */
	struct buf	 out;		/* STDOUT's content */
};

static void
fc_record(struct buf *b, int type, const void *data, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	buf_append(b, h, sizeof h);
	if (len > 0)
		buf_append(b, data, len);
}

static void
fc_pair(struct buf *b, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);

	ck_assert(n < 128 && v < 128);
	buf_putc(b, (int)n);
	buf_putc(b, (int)v);
	buf_append(b, name, n);
	buf_append(b, value, v);
}

/* Connects to the server at the Unix socket sock and sends a whole GET of uri; the reply is read by fc_pump. */
static void
fc_send(struct reply *r, const char *sock, const char *uri)
{
	static const unsigned char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };	/* RESPONDER, no keep-alive */
	struct sockaddr_un sa;
	struct buf msg, params;
	const char *q = strchr(uri, '?');
	char path[256];
	size_t off;
	ssize_t n;

	memset(r, 0, sizeof *r);
	buf_init(&r->raw);
	buf_init(&r->out);
	r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(r->fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	ck_assert_msg(connect(r->fd, (struct sockaddr *)&sa, sizeof sa) == 0,
	    "connect: %s", strerror(errno));

	snprintf(path, sizeof path, "%.*s", q ? (int)(q - uri) : (int)strlen(uri), uri);
	buf_init(&params);
	fc_pair(&params, "REQUEST_METHOD", "GET");
	fc_pair(&params, "REQUEST_URI", uri);
	fc_pair(&params, "SCRIPT_NAME", path);
	fc_pair(&params, "QUERY_STRING", q ? q + 1 : "");
	fc_pair(&params, "SERVER_PROTOCOL", "HTTP/1.1");
	fc_pair(&params, "REMOTE_ADDR", "127.0.0.1");
	fc_pair(&params, "HTTP_HOST", "127.0.0.1");
	buf_init(&msg);
	fc_record(&msg, FC_BEGIN, begin, sizeof begin);
	fc_record(&msg, FC_PARAMS, params.data, params.len);
	fc_record(&msg, FC_PARAMS, NULL, 0);
	fc_record(&msg, FC_STDIN, NULL, 0);
	for (off = 0; off < msg.len; off += (size_t)n) {
		n = write(r->fd, msg.data + off, msg.len - off);
		ck_assert_msg(n > 0, "write: %s", strerror(errno));
	}
	buf_free(&msg);
	buf_free(&params);
}

/* Parses the records received so far: STDOUT into out, END_REQUEST into ended. */
static void
fc_parse(struct reply *r)
{
	const unsigned char *p = (const unsigned char *)r->raw.data;
	size_t off = 0, len, pad;

	buf_reset(&r->out);
	r->ended = 0;
	while (r->raw.len - off >= 8) {
		len = (size_t)p[off + 4] << 8 | p[off + 5];
		pad = p[off + 6];
		if (r->raw.len - off < 8 + len + pad)
			break;
		if (p[off + 1] == FC_STDOUT)
			buf_append(&r->out, p + off + 8, len);
		else if (p[off + 1] == FC_END)
			r->ended = 1;
		off += 8 + len + pad;
	}
}

/*
 * Reads the replies r[0..n-1] together until each has ended (or the server
 * closed), closing each connection as soon as it is complete (libfcgi's
 * close waits for the client to close its side), or until ms pass.
 * Returns how many are complete.
 */
static size_t
fc_pump(struct reply *r, size_t n, int ms)
{
	struct pollfd *pf = xcalloc(n, sizeof *pf);
	int64_t end = util_now_ms() + ms, left;
	size_t i, done;
	char chunk[4096];
	ssize_t got;

	for (;;) {
		done = 0;
		for (i = 0; i < n; i++) {
			pf[i].fd = r[i].fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
			if (r[i].fd < 0)
				done++;
		}
		if (done == n || (left = end - util_now_ms()) <= 0)
			break;
		if (poll(pf, n, (int)left) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (pf[i].fd < 0 || pf[i].revents == 0)
				continue;
			got = read(r[i].fd, chunk, sizeof chunk);
			if (got > 0) {
				buf_append(&r[i].raw, chunk, (size_t)got);
				fc_parse(&r[i]);
			} else
				r[i].eof = 1;
			if (r[i].ended || r[i].eof) {
				close(r[i].fd);
				r[i].fd = -1;
			}
		}
	}
	free(pf);
	return done;
}

static void
fc_free(struct reply *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	buf_free(&r->raw);
	buf_free(&r->out);
}

/* The body of a complete reply (after the CGI headers), "" when there is none. */
static const char *
fc_body(struct reply *r)
{
	const char *s = buf_str(&r->out), *e = strstr(s, "\r\n\r\n");

	return e != NULL ? e + 4 : "";
}

static int
fc_status(struct reply *r)
{
	int status = 0;

	sscanf(buf_str(&r->out), "Status: %d", &status);
	return status;
}

#endif
