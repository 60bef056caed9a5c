/* check_deploy_quirks.c — the request as each web server hands it over (CGI environments seen on Apache, nginx, lighttpd), through serve_cgi() and serve_fastcgi(). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "http.h"
#include "serve.h"
#include "unit.h"

/*
 * Each row is one request as a server really sends it, in CGI form (the
 * environment plus stdin): the split between SCRIPT_NAME and PATH_INFO,
 * CONTENT_LENGTH present, empty, absent or wrong, HTTPS and REQUEST_SCHEME.
 * serve_cgi() runs (stdin is a file, not a socket) and the
 * handler records what the app would see.
 */
static const struct quirk {
	const char	*what;
	const char	*base;		/* ORDERSYNC_BASE_URL */
	const char	*env[8];	/* NAME=value; REQUEST_METHOD=POST is added */
	const char	*body;		/* on stdin; NULL: nothing */
	size_t		 body_len;	/* 0: strlen(body) */
	const char	*path;		/* app-relative path the handler sees */
	int		 error;		/* rq->error */
	const char	*form;		/* "k=v|k=v" when error == 0 */
	int		 https;
} quirks[] = {
	{ "Apache mod_cgi, .htaccess under /shop: chunked body, no CONTENT_LENGTH", "/shop",
	  { "REQUEST_URI=/shop/cart/items", "SCRIPT_NAME=/shop/ordersync.cgi",
	    "PATH_INFO=/cart/items", "HTTP_TRANSFER_ENCODING=chunked",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "product_id=3&qty=2", 0, "/cart/items", 0, "product_id=3|qty=2", 0 },
	{ "Apache mod_cgi: chunked body over 64 KiB", "",
	  { "REQUEST_URI=/cart/items", "HTTP_TRANSFER_ENCODING=chunked",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  NULL, 70000, "/cart/items", 413, NULL, 0 },
	{ "CGI without CONTENT_LENGTH nor Transfer-Encoding: no body, stdin not read", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 0, "", 0 },
	{ "CGI with an empty CONTENT_LENGTH: no body", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 0, "", 0 },
	{ "CGI with CONTENT_LENGTH", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=3",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 0, "a=1", 0 },
	{ "CONTENT_LENGTH larger than the body: 400, not a hang", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=10",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 400, NULL, 0 },
	{ "CONTENT_LENGTH with junk: 400", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=3x",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 400, NULL, 0 },
	{ "CONTENT_LENGTH over 64 KiB: 413 before reading", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=70000",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL },
	  "a=1", 0, "/cart/items", 413, NULL, 0 },
	{ "nginx: SCRIPT_NAME empty, PATH_INFO=$uri, REQUEST_URI with a query", "/shop",
	  { "REQUEST_URI=/shop/orders/CMD-1?t=abc", "SCRIPT_NAME=",
	    "PATH_INFO=/shop/orders/CMD-1", "QUERY_STRING=t=abc", "HTTPS=on",
	    "REQUEST_SCHEME=https", NULL },
	  NULL, 0, "/orders/CMD-1", 0, "", 1 },
	{ "lighttpd under /shop/: SCRIPT_NAME=/shop, PATH_INFO=/", "/shop",
	  { "REQUEST_URI=/shop/", "SCRIPT_NAME=/shop", "PATH_INFO=/", NULL },
	  NULL, 0, "/", 0, "", 0 },
	{ "the bare prefix, no slash", "/shop",
	  { "REQUEST_URI=/shop", NULL }, NULL, 0, "/", 0, "", 0 },
	{ "a path that only starts like the prefix is not under it", "/shop",
	  { "REQUEST_URI=/shopping/x", NULL }, NULL, 0, "/shopping/x", 0, "", 0 },
	{ "no REQUEST_URI: SCRIPT_NAME + PATH_INFO", "/shop",
	  { "SCRIPT_NAME=/shop", "PATH_INFO=/cart", NULL }, NULL, 0, "/cart", 0, "", 0 },
	{ "REQUEST_URI is decoded after the prefix is matched", "/shop",
	  { "REQUEST_URI=/shop/caf%C3%A9", NULL }, NULL, 0, "/caf\xc3\xa9", 0, "", 0 },
	{ "lighttpd re-encodes a stray % in QUERY_STRING: REQUEST_URI still says 400", "",
	  { "REQUEST_URI=/?q=%zz", "QUERY_STRING=q=%25zz", NULL },
	  NULL, 0, "/", 400, NULL, 0 },
	{ "... a bad escape in a field the route does not use", "",
	  { "REQUEST_URI=/cart?x=%G1&y=1", "QUERY_STRING=x=%25G1&y=1", NULL },
	  NULL, 0, "/cart", 400, NULL, 0 },
	{ "... a % cut short at the end", "",
	  { "REQUEST_URI=/cart?x=%4", "QUERY_STRING=x=%254", NULL },
	  NULL, 0, "/cart", 400, NULL, 0 },
	{ "... a NUL escape in the raw query", "",
	  { "REQUEST_URI=/cart?x=%00", "QUERY_STRING=x=", NULL },
	  NULL, 0, "/cart", 400, NULL, 0 },
	{ "lighttpd decodes unreserved escapes in QUERY_STRING: a good query is fine", "",
	  { "REQUEST_URI=/cart?a=%41&b=%2B+c", "QUERY_STRING=a=A&b=%2B+c", NULL },
	  NULL, 0, "/cart", 0, "", 0 },
	{ "a look-alike media type is not JSON: 415", "",
	  { "REQUEST_URI=/api/orders", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=application/jsonx", NULL },
	  "{\"a\":1}", 0, "/api/orders", 415, NULL, 0 },
	{ "... nor application/json-seq", "",
	  { "REQUEST_URI=/api/orders", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=application/json-seq", NULL },
	  "{\"a\":1}", 0, "/api/orders", 415, NULL, 0 },
	{ "... nor a form type with a tail", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=3",
	    "CONTENT_TYPE=application/x-www-form-urlencodedx", NULL },
	  "a=1", 0, "/cart/items", 415, NULL, 0 },
	{ "JSON type in capitals, with parameters after white space", "",
	  { "REQUEST_URI=/api/orders", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=Application/JSON ; charset=utf-8", NULL },
	  "{\"a\":1}", 0, "/api/orders", 0, "", 0 },
	{ "form type with a charset parameter", "",
	  { "REQUEST_URI=/cart/items", "CONTENT_LENGTH=3",
	    "CONTENT_TYPE=application/x-www-form-urlencoded;charset=UTF-8", NULL },
	  "a=1", 0, "/cart/items", 0, "a=1", 0 },
	{ "Apache mod_ssl: HTTPS=on", "",
	  { "REQUEST_URI=/", "HTTPS=on", NULL }, NULL, 0, "/", 0, "", 1 },
	{ "REQUEST_SCHEME=https alone", "",
	  { "REQUEST_URI=/", "REQUEST_SCHEME=https", NULL }, NULL, 0, "/", 0, "", 1 },
	{ "HTTPS=off (IIS style) is plain HTTP", "",
	  { "REQUEST_URI=/", "HTTPS=off", "REQUEST_SCHEME=http", NULL },
	  NULL, 0, "/", 0, "", 0 },
};

/* What the handler saw, copied out of the request before it is freed. */
static struct {
	int	 called;
	char	*path;
	int	 error;
	char	*form;
	int	 https;
} seen;

static void
record(void *arg, struct http_request *rq, struct http_response *rs)
{
	struct buf b;
	size_t i;

	(void)arg;
	seen.called = 1;
	seen.path = xstrdup(rq->path);
	seen.error = rq->error;
	seen.https = rq->https;
	buf_init(&b);
	for (i = 0; i < rq->form.n; i++)
		buf_printf(&b, "%s%s=%s", i ? "|" : "", rq->form.v[i].key, rq->form.v[i].val);
	seen.form = b.data ? buf_detach(&b) : xstrdup("");
	buf_free(&b);
	rs->status = 204;
}

/* A temporary file holding n bytes of s (or of 'a' when s is NULL), at offset 0. */
static int
temp_input(const char *s, size_t n)
{
	char name[] = "/tmp/ordersync-quirk.XXXXXX";
	char chunk[4096];
	size_t k;
	int fd = mkstemp(name);

	ck_assert_int_ge(fd, 0);
	unlink(name);
	memset(chunk, 'a', sizeof chunk);
	while (n > 0) {
		k = s ? n : (n < sizeof chunk ? n : sizeof chunk);
		ck_assert_int_eq(write(fd, s ? s : chunk, k), (ssize_t)k);
		if (s)
			s += k;
		n -= k;
	}
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* The watcher's hooks of a server with nothing to watch. */
static int
no_fd(void *ctx)
{
	(void)ctx;
	return -1;
}

static int
no_change(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
no_head(void *ctx, int64_t scope, int64_t *head)
{
	(void)ctx;
	(void)scope;
	*head = 0;
	return 0;
}

START_TEST(test_quirk)
{
	const struct quirk *q = &quirks[_i];
	const struct serve_hooks quirk_hooks = { record, NULL, NULL, no_fd, no_change, no_head };
	size_t n, i;
	int in, out;

	/* Check forks each test: the environment and fds are this test's own. */
	ck_assert_int_eq(clearenv(), 0);
	ck_assert_int_eq(putenv((char *)"REQUEST_METHOD=POST"), 0);
	ck_assert_int_eq(putenv((char *)"GATEWAY_INTERFACE=CGI/1.1"), 0);
	for (i = 0; q->env[i] != NULL; i++)
		ck_assert_int_eq(putenv((char *)q->env[i]), 0);

	n = q->body_len ? q->body_len : (q->body ? strlen(q->body) : 0);
	in = temp_input(q->body, n);
	ck_assert_int_eq(dup2(in, STDIN_FILENO), STDIN_FILENO);
	close(in);
	fflush(stdout);
	out = temp_input("", 0);
	ck_assert_int_eq(dup2(out, STDOUT_FILENO), STDOUT_FILENO);
	close(out);

	serve_cgi(q->base, &quirk_hooks, NULL);
	ck_assert_msg(seen.called, "%s: handler not called", q->what);
	ck_assert_msg(strcmp(seen.path, q->path) == 0, "%s: path %s, want %s",
	    q->what, seen.path, q->path);
	ck_assert_msg(seen.error == q->error, "%s: error %d, want %d",
	    q->what, seen.error, q->error);
	if (q->error == 0)
		ck_assert_msg(strcmp(seen.form, q->form) == 0, "%s: form '%s', want '%s'",
		    q->what, seen.form, q->form);
	ck_assert_msg(seen.https == q->https, "%s: https %d, want %d",
	    q->what, seen.https, q->https);
	free(seen.path);
	free(seen.form);
}
END_TEST

/* ---- the FastCGI accept loop: loud when accept fails, quiet on SIGTERM ---- */

static atomic_int child_stop;

static void
never_called(void *arg, struct http_request *rq, struct http_response *rs)
{
	(void)arg;
	(void)rq;
	(void)rs;
	_exit(99);
}

/*
 * Child: puts fd on stdin (FCGI_LISTENSOCK_FILENO), says so on ready, runs
 * serve_fastcgi with two workers as main.c does (it takes SIGTERM itself)
 * and exits with 0 when it returned 0, else 100 + the errno it left (capped).
 */
static void
serve_child(int fd, int ready)
{
	const struct serve_hooks hooks = { never_called, NULL, NULL, no_fd, no_change, no_head };
	void *ctx[3] = { NULL, NULL, NULL };
	sigset_t term;
	int rc;

	if (dup2(fd, STDIN_FILENO) != STDIN_FILENO)
		_exit(98);
	/*
	 * SIGTERM blocked before "ready", as serve_fastcgi will block it: one
	 * sent in between must wait for sigtimedwait, not run the handler
	 * Check's runner left in this fork.
	 */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (write(ready, "r", 1) != 1)
		_exit(97);
	errno = 0;
	rc = serve_fastcgi("", &hooks, ctx, 2, &child_stop);
	_exit(rc == 0 ? 0 : 100 + (errno > 0 && errno < 100 ? errno : 0));
}

/* Forks serve_child on fd; returns its pid once it is about to serve. */
static pid_t
start_child(int fd)
{
	int p[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		serve_child(fd, p[1]);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

/* Waits up to 5 s for pid, sending sig every 100 ms when sig != 0; its status. */
static int
wait_child(pid_t pid, int sig)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	int status, i;

	for (i = 0; i < 50; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		if (sig)
			kill(pid, sig);
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_abort_msg("serve_fastcgi did not return within 5 s");
	return status;
}

/*
 * A listening socket on which accept() fails (a stream socket never put to
 * listen: accept says EINVAL) must end serve_fastcgi with -1 and the reason in
 * errno, not 0 as if asked to stop.
 */
START_TEST(test_accept_failure_is_an_error)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), status;
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	pid = start_child(fd);
	close(fd);
	status = wait_child(pid, 0);
	ck_assert_msg(WIFEXITED(status), "serve_fastcgi's child died of signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_msg(WEXITSTATUS(status) != 0, "serve_fastcgi returned 0 after a failed accept");
	ck_assert_int_eq(WEXITSTATUS(status), 100 + EINVAL);
}
END_TEST

/* SIGTERM while waiting in accept: serve_fastcgi returns 0. */
START_TEST(test_sigterm_is_a_clean_stop)
{
	struct sockaddr_un sun;
	char dir[64];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), status;
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	unit_tmpdir(dir, sizeof dir, "accept");
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/s", dir);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	pid = start_child(fd);
	close(fd);
	status = wait_child(pid, SIGTERM);
	unit_rmtree(dir);
	ck_assert_msg(WIFEXITED(status), "serve_fastcgi's child died of signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static Suite *
quirks_suite(void)
{
	Suite *s = suite_create("deploy_quirks");
	TCase *tc = tcase_create("cgi");

	tcase_add_loop_test(tc, test_quirk, 0, (int)NELEM(quirks));
	suite_add_tcase(s, tc);

	tc = tcase_create("fastcgi_accept");
	tcase_add_test(tc, test_accept_failure_is_an_error);
	tcase_add_test(tc, test_sigterm_is_a_clean_stop);
	tcase_set_timeout(tc, 15);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(quirks_suite)
