/* http.h — HTTP requests and responses over FastCGI or CGI; the only module that knows libfcgi. */
#ifndef ORDERSYNC_HTTP_H
#define ORDERSYNC_HTTP_H

#include <signal.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

struct store;

#define HTTP_MAX_BODY		(64 * 1024)	/* larger bodies: 413 */
#define HTTP_MAX_UPLOAD		(8 * 1024 * 1024)	/* on routes that take uploads */
#define HTTP_MAX_FIELDS		1000		/* more query/form fields: 400 (a counter order without JavaScript posts 2 per product) */
#define HTTP_MAX_HEADERS	(32 * 1024)	/* all HTTP_* params together: 431 */
#define HTTP_MAX_JSON_DEPTH	16

/* An ordered list of decoded name/value pairs; both strings owned. */
struct kv {
	char	*key;
	char	*val;
};
struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};

/* 1 when every '%' of s starts a %xx escape other than %00 (RFC 3986 §2.1). */
int		 http_pct_wellformed(const char *s);
/* First value for key, or NULL. */
const char	*kv_get(const struct kvlist *l, const char *key);
void		 kv_add(struct kvlist *l, const char *key, size_t klen,
		    const char *val, size_t vlen);
void		 kv_free(struct kvlist *l);

/* A file of a multipart/form-data body (multipart.h); everything owned. */
struct http_file {
	char		*name;		/* the form field */
	char		*filename;	/* a base name only, never a path ("" when none was chosen) */
	char		*type;		/* the part's Content-Type, "application/octet-stream" by default */
	unsigned char	*data;		/* the bytes as sent (NUL-terminated for convenience) */
	size_t		 len;
};
struct http_files {
	struct http_file	*v;
	size_t			 n;
	size_t			 cap;
};

/* The file sent for field name, or NULL. */
const struct http_file *http_file_get(const struct http_files *l, const char *name);
/* Frees every file of l and empties it; a zeroed list is a no-op. */
void		 http_files_free(struct http_files *l);

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE,
	HTTP_OPTIONS, HTTP_OTHER
};

/*
 * One request. Everything here is owned by the request and released by
 * http_request_free() when it ends. Handlers read validated values only.
 */
struct http_request {
	enum http_method	 method;
	char			 method_name[16];
	char			*path;		/* decoded, app-relative, starts with "/" */
	struct kvlist		 query;
	struct kvlist		 form;		/* urlencoded body, or multipart's text parts */
	struct http_files	 files;		/* multipart/form-data's files (upload routes) */
	struct kvlist		 cookies;
	struct kvlist		 params;	/* {name} parts of the route, set by the router */
	struct json_object	*json;		/* application/json body, or NULL */
	char			*body;		/* raw body, NUL-terminated, or NULL */
	size_t			 body_len;
	int			 wants_json;	/* Accept: application/json, or a ROUTE_JSON route */
	int			 https;		/* HTTPS=on or REQUEST_SCHEME=https */
	char			 id[17];	/* random request id for the logs */
	const char		*lang;		/* the reply's language: set once by view_lang (static) */
	const struct store	*store;		/* customer routes: the storefront's store (dispatch owns it); else NULL */
	char			*remote_addr;
	int			 error;		/* parse failure: 400, 405, 413, 415, 431; 0 if none */
	char			*error_msg;	/* ... and why */
	char		       **envp;		/* borrowed: the request's parameters */
	int			 resumed;	/* 1: handled again after being held (see
						   struct http_hold): answer now */
};

/*
 * CSRF defence for cookie-identified POSTs (with SameSite cookies): 1 when
 * the request carries no Origin and no Referer, or when the one it carries
 * (Origin first) names the same host and port as the Host header; 0
 * otherwise ("Origin: null" included).
 */
int		 http_origin_ok(const struct http_request *rq);
/*
 * Stricter, for forms posted before any session (sign-in, the order
 * look-up): Fetch-Metadata, when the browser sends it, says same-origin
 * (or none: the user's own action), and http_origin_ok(). 1 when both hold.
 */
int		 http_same_origin(const struct http_request *rq);
/* The request's CGI/FastCGI parameter (e.g. "REMOTE_ADDR"), or NULL. */
const char	*http_param(const struct http_request *rq, const char *name);
/* An HTTP header by its name ("If-None-Match" reads HTTP_IF_NONE_MATCH), or NULL. */
const char	*http_header(const struct http_request *rq, const char *name);
void		 http_request_free(struct http_request *rq);

/*
 * A response under construction. status defaults to 200 and content_type to
 * text/html; headers holds extra "Name: value\r\n" lines.
 */
/*
 * A body too large to hold, written after the headers piece by piece (a
 * CSV of every order): next appends the next piece to out and returns 1
 * while more follows, 0 after the last, -1 when it failed (the answer is
 * then cut short; the producer logs why). free releases arg once the
 * answer is written, or not written at all (HEAD). No Content-Length is
 * sent: the web server frames the body.
 */
struct http_stream {
	int		(*next)(void *arg, struct buf *out);
	void		(*free)(void *arg);
	void		 *arg;
};

/*
 * A handler that has nothing to say yet (the feed's wait=) sets until_ms
 * instead of answering: the server then sets the request aside, without a
 * thread, and calls the handler again (rq->resumed = 1, a fresh response)
 * when the watched scope's head moves past seen, when until_ms passes (the
 * CLOCK_MONOTONIC milliseconds of util_now_ms), or when the process stops.
 * A client that goes away meanwhile gets nothing. A handler that is called
 * with rq->resumed, or under a server that cannot hold (CGI), must answer.
 */
struct http_hold {
	int64_t	until_ms;	/* 0: answer now (the default) */
	int64_t	scope;		/* what moves: a store id, or DB_ALL_STORES */
	int64_t	seen;		/* the scope's head the answer would have named */
};

struct http_response {
	int		 status;
	const char	*content_type;	/* static string */
	struct buf	 headers;
	struct buf	 body;
	struct http_stream stream;	/* next != NULL: the body comes from it, not body */
	struct http_hold hold;
};

void	http_response_init(struct http_response *rs);
void	http_response_free(struct http_response *rs);
/* Adds a header; a value with CR or LF is dropped (and would be a bug). */
void	http_add_header(struct http_response *rs, const char *name,
	    const char *fmt, ...) PRINTF_LIKE(3, 4);
/*
 * Sets a cookie (RFC 6265): always Path, HttpOnly and SameSite=Lax; Secure
 * when secure; max_age < 0 means a session cookie, 0 deletes it.
 */
void	http_set_cookie(struct http_response *rs, const char *name,
	    const char *value, const char *path, long max_age, int secure);
/* 3xx to location (already a full path, base URL included). */
void	http_redirect(struct http_response *rs, int status, const char *location);
const char *http_status_text(int status);

/*
 * RFC 7232 §3.2: 1 when an If-None-Match header value names etag (weak
 * comparison, lists and "*" understood). etag is the quoted form, "\"42\"".
 */
int	http_etag_matches(const char *if_none_match, const char *etag);

/* -- Parsers of untrusted bytes, public for the unit tests and fuzzers. -- */

enum http_parse {
	HTTP_PARSE_OK = 0,
	HTTP_PARSE_ENCODING,	/* bad %xx, NUL, or invalid UTF-8 where text is required */
	HTTP_PARSE_TOO_MANY,	/* over HTTP_MAX_FIELDS */
	HTTP_PARSE_BAD_PATH	/* "..", "." segment or NUL in a path */
};

/*
 * Decodes n bytes of %xx (and '+' as space when plus) into a new NUL-free
 * string (*out, caller frees). Returns HTTP_PARSE_ENCODING on a bad escape or
 * an escaped NUL, and then *out is NULL.
 */
enum http_parse	http_pct_decode(const char *in, size_t n, int plus,
		    char **out, size_t *outlen);
/* name=value&... into out (appended). */
enum http_parse	http_parse_urlencoded(const char *s, size_t n, struct kvlist *out);
/* A Cookie header (RFC 6265 §5.4) into out; malformed pairs are skipped. */
enum http_parse	http_parse_cookies(const char *header, struct kvlist *out);
/* A raw URL path into a decoded one that has no "..", "." or empty NUL. */
enum http_parse	http_normalize_path(const char *raw, size_t n, char **out);
/*
 * 1 when the Content-Type value ct names the media type type (lowercase,
 * "application/json"): the same type, case-insensitive (RFC 9110 §8.3.1),
 * then only optional white space and either the end or ';' parameters.
 * "application/jsonx" is not "application/json". 0 for a NULL ct.
 */
int		http_media_type_is(const char *ct, const char *type);
/* 1 when an Accept header asks for JSON before HTML. */
int		http_accepts_json(const char *accept);
/*
 * Parses a JSON body with a depth limit; the whole input must be one value.
 * Returns NULL (and a static reason in *why) when it is not, and when any
 * string or member name, at any depth, holds a NUL (\u0000): json-c would
 * keep it, and every C string reader of the value would see it cut short.
 * The caller puts the returned object.
 */
struct json_object *http_parse_json(const char *s, size_t n, const char **why);

typedef void (*http_handler)(void *arg, struct http_request *rq,
		    struct http_response *rs);
/*
 * Asked after the request line, headers and query are read and before the
 * body is: 1 when this request's route takes uploads (its table says so).
 * Such a body may be up to HTTP_MAX_UPLOAD bytes and may also be
 * multipart/form-data or text/csv; any other request keeps HTTP_MAX_BODY and
 * the two form types of read_body. NULL: no route takes uploads.
 */
typedef int (*http_upload_rule)(void *arg, const struct http_request *rq);

/*
 * One request's input and output, for the server loops (serve.c): fcgi is
 * the libfcgi request, NULL for plain CGI (the environment, stdin and
 * stdout). http_read reads and parses it (base_url is stripped from the
 * path; parse failures set rq->error), asking uploads (may be NULL, with
 * arg) before the body is read. http_write writes the response (no body
 * for HEAD, 204 and 304). Both are safe in any thread, one request each.
 */
struct FCGX_Request;
void	http_read(struct http_request *rq, struct FCGX_Request *fcgi, const char *base_url,
	    http_upload_rule uploads, void *arg);
void	http_write(const struct http_request *rq, struct http_response *rs,
	    struct FCGX_Request *fcgi);
/* Seeds the request ids (a random start, +1 per request); once, before serving. */
void	http_ids_init(void);

#endif
