/* check_serve.c — serve_fastcgi (cgi/serve.h) for real, with no web server: a FastCGI client of the test's own on a Unix socket; held requests woken, timed out, cancelled, stopped, scoped. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "serve.h"
#include "unit.h"
#include "unit_fcgi.h"

/*
 * About 700 lines, one file: the hooks, the server harness and the tests
 * share the test's state (S, T) and read best together; the FastCGI client
 * is in unit_fcgi.h.
 *
 * The server runs in a thread of the test on a listening Unix socket put
 * on descriptor 0, with 2 workers and a watcher. The hooks are the test's:
 * GET /plain answers "ok"; GET /hold?id=N&scope=S&ms=M[&lag=L] asks to be
 * held for M ms on scope S (1 or 2) at the scope's current head (returning
 * L ms after it looked, when given), and when
 * handled again (resumed) answers "resumed id=N head=H" with the head it
 * sees then. The heads are counters the test bumps; the watcher's
 * watch_changed says whether one moved since its last call.
 *
 * Nothing here is a timed pass/fail: deadlines only keep a broken server
 * from hanging the suite, and each one is far from what a working server
 * needs (a held answer is awaited 10 s after its head moved while its own
 * wait is 60 s).
 */

#define NWORKERS	2
#define MAXID		128
#define LONG_WAIT_MS	60000		/* a hold that only a head move or a stop ends */
#define DEADLINE_MS	10000		/* the test gives up (fails) after this */

struct tctx {
	int	 index;			/* 0 .. NWORKERS - 1: a worker; NWORKERS: the watcher */
	int64_t	 last[3];		/* the watcher's heads at its last watch_changed */
};

struct rec {
	int	 calls, resumed;	/* handler calls for this id: first, and again */
	int	 resumed_ctx;		/* the context of the last resumed call */
	int64_t	 until_ms;		/* the hold it asked for */
	int64_t	 resumed_at;		/* util_now_ms() at its resumed call */
};

static struct {
	atomic_llong	 head[3];	/* scopes 1 and 2 */
	atomic_int	 passes;	/* watch_changed calls */
	atomic_int	 afters;	/* after calls (a worker done with a request, held ones too) */
	atomic_int	 bad_ctx;	/* a hook called with another thread's context */
	atomic_int	 use_fd;	/* watch_fd gives efd */
	atomic_int	 gate;		/* set: watch_changed waits until it is cleared */
	atomic_int	 gated;		/* the watcher is waiting at the gate */
	int		 efd;
	pthread_mutex_t	 lock;		/* rec */
	struct rec	 rec[MAXID];
	int		 plain;		/* /plain calls */
} T;

static struct {
	char		 dir[64];
	char		 path[100];	/* fits sun_path */
	int		 saved0;
	struct tctx	 c[NWORKERS + 1];
	void		*ctx[NWORKERS + 1];
	atomic_int	 stop;
	pthread_t	 tid;
	int		 running;
	int		 rc, err;
} S;

/* ---- the hooks ---- */

static int
query_int(const struct http_request *rq, const char *name)
{
	const char *v = kv_get(&rq->query, name);

	return v != NULL ? atoi(v) : 0;
}

static void
handle(void *arg, struct http_request *rq, struct http_response *rs)
{
	struct tctx *c = arg;
	int id, scope, ms, lag;
	int64_t head;

	rs->content_type = "text/plain";
	if (strcmp(rq->path, "/hold") != 0) {
		if (c->index >= NWORKERS)
			atomic_fetch_add(&T.bad_ctx, 1);
		pthread_mutex_lock(&T.lock);
		T.plain++;
		pthread_mutex_unlock(&T.lock);
		buf_puts(&rs->body, "ok");
		return;
	}
	id = query_int(rq, "id");
	scope = query_int(rq, "scope");
	ms = query_int(rq, "ms");
	lag = query_int(rq, "lag");
	if (id <= 0 || id >= MAXID || scope < 1 || scope > 2) {
		rs->status = 400;
		return;
	}
	head = atomic_load(&T.head[scope]);
	pthread_mutex_lock(&T.lock);
	if (!rq->resumed) {
		if (c->index >= NWORKERS)
			atomic_fetch_add(&T.bad_ctx, 1);
		rs->hold.until_ms = util_now_ms() + ms;
		rs->hold.scope = scope;
		rs->hold.seen = head;
		T.rec[id].until_ms = rs->hold.until_ms;
		T.rec[id].calls++;	/* last: the test bumps heads after seeing this */
		pthread_mutex_unlock(&T.lock);
		if (lag > 0)
			usleep((useconds_t)lag * 1000);	/* the hand-over comes later */
		return;
	} else {
		T.rec[id].resumed++;
		T.rec[id].resumed_ctx = c->index;
		T.rec[id].resumed_at = util_now_ms();
		buf_printf(&rs->body, "resumed id=%d head=%" PRId64, id, head);
	}
	pthread_mutex_unlock(&T.lock);
}

static int
watch_fd(void *arg)
{
	struct tctx *c = arg;

	if (c->index != NWORKERS)
		atomic_fetch_add(&T.bad_ctx, 1);
	return atomic_load(&T.use_fd) ? T.efd : -1;
}

static int
watch_changed(void *arg)
{
	struct tctx *c = arg;
	uint64_t scrap;
	int64_t h;
	int s, changed = 0;

	if (c->index != NWORKERS)
		atomic_fetch_add(&T.bad_ctx, 1);
	while (atomic_load(&T.gate)) {
		atomic_store(&T.gated, 1);
		usleep(1000);
	}
	atomic_store(&T.gated, 0);
	(void)!read(T.efd, &scrap, sizeof scrap);
	for (s = 1; s <= 2; s++)
		if ((h = atomic_load(&T.head[s])) != c->last[s]) {
			c->last[s] = h;
			changed = 1;
		}
	atomic_fetch_add(&T.passes, 1);
	return changed;
}

static int
watch_head(void *arg, int64_t scope, int64_t *head)
{
	struct tctx *c = arg;

	if (c->index != NWORKERS)
		atomic_fetch_add(&T.bad_ctx, 1);
	if (scope < 1 || scope > 2)
		return -1;
	*head = atomic_load(&T.head[scope]);
	return 0;
}

static void
after(void *arg)
{
	struct tctx *c = arg;

	if (c->index >= NWORKERS)
		atomic_fetch_add(&T.bad_ctx, 1);
	atomic_fetch_add(&T.afters, 1);
}

static const struct serve_hooks hooks = {
	handle, NULL, after, watch_fd, watch_changed, watch_head,
};

/* ---- the server, in a thread of the test ---- */

static void *
serve_main(void *arg)
{
	(void)arg;
	S.rc = serve_fastcgi("", &hooks, S.ctx, NWORKERS, &S.stop);
	S.err = errno;
	return NULL;
}

/* Starts the server on a fresh socket; use_fd: the watcher is woken through efd, else ticks. */
static void
server_start(int use_fd)
{
	struct sockaddr_un sa;
	int s, i;

	memset(&T, 0, sizeof T);
	pthread_mutex_init(&T.lock, NULL);
	T.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_ge(T.efd, 0);
	atomic_store(&T.use_fd, use_fd);

	memset(&S, 0, sizeof S);
	unit_tmpdir(S.dir, sizeof S.dir, "serve");
	snprintf(S.path, sizeof S.path, "%s/app.sock", S.dir);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", S.path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(s, 256), 0);
	S.saved0 = dup(0);
	ck_assert_int_ge(S.saved0, 0);
	ck_assert_int_eq(dup2(s, 0), 0);
	close(s);
	for (i = 0; i <= NWORKERS; i++) {
		S.c[i].index = i;
		S.ctx[i] = &S.c[i];
	}
	atomic_store(&S.stop, 0);
	ck_assert_int_eq(pthread_create(&S.tid, NULL, serve_main, NULL), 0);
	S.running = 1;
}

/* Sets *stop and waits (at most DEADLINE_MS) for serve_fastcgi to return; asserts it returned 0. */
static void
server_stop(void)
{
	struct timespec ts;
	int rc;

	if (!S.running)
		return;
	atomic_store(&S.stop, 1);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DEADLINE_MS / 1000;
	rc = pthread_timedjoin_np(S.tid, NULL, &ts);
	ck_assert_msg(rc == 0, "serve_fastcgi did not return after *stop was set");
	S.running = 0;
	ck_assert_msg(S.rc == 0, "serve_fastcgi returned %d (%s)", S.rc, strerror(S.err));
}

static void
teardown(void)
{
	atomic_store(&T.gate, 0);
	server_stop();
	dup2(S.saved0, 0);
	close(S.saved0);
	close(T.efd);
	unit_rmtree(S.dir);
	ck_assert_int_eq(atomic_load(&T.bad_ctx), 0);
}

/* Moves scope's head by one and, in descriptor mode, makes efd readable. */
static int64_t
bump(int scope)
{
	uint64_t one = 1;
	int64_t h = atomic_fetch_add(&T.head[scope], 1) + 1;

	ck_assert_int_eq(write(T.efd, &one, sizeof one), (ssize_t)sizeof one);
	return h;
}

static struct rec
rec_of(int id)
{
	struct rec r;

	pthread_mutex_lock(&T.lock);
	r = T.rec[id];
	pthread_mutex_unlock(&T.lock);
	return r;
}

static int
plain_calls(void)
{
	int n;

	pthread_mutex_lock(&T.lock);
	n = T.plain;
	pthread_mutex_unlock(&T.lock);
	return n;
}

/* Waits (at most DEADLINE_MS) until the handler has been called first for ids lo..hi. */
static void
await_held(int lo, int hi)
{
	int64_t end = util_now_ms() + DEADLINE_MS;
	int id;

	for (id = lo; id <= hi; id++)
		while (rec_of(id).calls == 0) {
			ck_assert_msg(util_now_ms() < end, "request %d never reached the handler", id);
			usleep(1000);
		}
}

/*
 * Waits until the workers have called after n times in all: a held
 * request is handed to the watcher before its worker calls after.
 */
static void
await_afters(int n)
{
	int64_t end = util_now_ms() + DEADLINE_MS;

	while (atomic_load(&T.afters) < n) {
		ck_assert_msg(util_now_ms() < end, "after called %d times, not %d",
		    atomic_load(&T.afters), n);
		usleep(1000);
	}
}

/*
 * Waits until the watcher has made two more passes (waking it through
 * efd, which changes nothing, in case it sleeps on the descriptor): it has
 * taken what was handed before this call, and the poll between the two
 * passes began after this call, so it saw whatever the test did before it
 * (a closed connection).
 */
static void
await_passes(void)
{
	int64_t end = util_now_ms() + DEADLINE_MS;
	int want = atomic_load(&T.passes) + 2;
	uint64_t one = 1;

	while (atomic_load(&T.passes) < want) {
		ck_assert_msg(util_now_ms() < end, "the watcher made no pass");
		(void)!write(T.efd, &one, sizeof one);
		usleep(1000);
	}
}

/* One whole request: asserts it completed with a 200 and returns its body (static). */
static const char *
fc_get(const char *uri)
{
	static char body[256];
	struct reply r;

	fc_send(&r, S.path, uri);
	ck_assert_msg(fc_pump(&r, 1, DEADLINE_MS) == 1, "%s: no answer", uri);
	ck_assert_msg(r.ended, "%s: the server closed without END_REQUEST", uri);
	ck_assert_int_eq(fc_status(&r), 200);
	snprintf(body, sizeof body, "%s", fc_body(&r));
	fc_free(&r);
	return body;
}

/* Sends a hold request for id on scope, waiting ms. */
static void
send_hold(struct reply *r, int id, int scope, int ms)
{
	char uri[128];

	snprintf(uri, sizeof uri, "/hold?id=%d&scope=%d&ms=%d", id, scope, ms);
	fc_send(r, S.path, uri);
}

/* Asserts r is complete with "resumed id=ID head=HEAD". */
static void
assert_resumed(struct reply *r, int id, int64_t head)
{
	char want[128];

	snprintf(want, sizeof want, "resumed id=%d head=%" PRId64, id, head);
	ck_assert_msg(r->ended, "id %d: no complete answer", id);
	ck_assert_int_eq(fc_status(r), 200);
	ck_assert_str_eq(fc_body(r), want);
}

/* 1 when r's connection has something to read now (an answer, or the server closing). */
static int
readable_now(const struct reply *r)
{
	struct pollfd pf = { r->fd, POLLIN, 0 };

	return poll(&pf, 1, 0) > 0;
}

/* ---- the tests ---- */

START_TEST(test_plain)
{
	server_start(0);
	ck_assert_str_eq(fc_get("/plain"), "ok");
	ck_assert_str_eq(fc_get("/plain?x=1"), "ok");
	ck_assert_int_eq(plain_calls(), 2);
}
END_TEST

/* Woken when its head moves, long before its own wait; by the tick (_i 0) or the descriptor (_i 1). */
START_TEST(test_hold_woken)
{
	struct reply r;
	struct rec rc;
	int64_t head;

	server_start(_i);
	atomic_store(&T.head[1], 7);
	send_hold(&r, 1, 1, LONG_WAIT_MS);
	await_held(1, 1);
	ck_assert(!readable_now(&r));
	head = bump(1);
	ck_assert_int_eq(fc_pump(&r, 1, DEADLINE_MS), 1);
	assert_resumed(&r, 1, head);
	rc = rec_of(1);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_int_eq(rc.resumed, 1);
	ck_assert_int_eq(rc.resumed_ctx, NWORKERS);	/* the watcher's context */
	ck_assert_msg(rc.resumed_at < rc.until_ms, "answered at its timeout, not by the head");
	fc_free(&r);
	ck_assert_str_eq(fc_get("/plain"), "ok");
}
END_TEST

/* Nothing happens: answered once its time is up, never before. */
START_TEST(test_hold_times_out)
{
	struct reply r;
	struct rec rc;

	server_start(_i);
	atomic_store(&T.head[1], 3);
	send_hold(&r, 1, 1, 300);
	ck_assert_int_eq(fc_pump(&r, 1, DEADLINE_MS), 1);
	assert_resumed(&r, 1, 3);
	rc = rec_of(1);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_int_eq(rc.resumed, 1);
	ck_assert_msg(rc.resumed_at >= rc.until_ms, "answered %" PRId64 " ms before its time",
	    rc.until_ms - rc.resumed_at);
	fc_free(&r);
}
END_TEST

/* 50 held at once take no thread: plain requests are answered meanwhile; one move answers all 50. */
START_TEST(test_many_held)
{
	enum { N = 50 };
	struct reply r[N];
	int64_t head;
	int i;

	server_start(0);
	for (i = 0; i < N; i++)
		send_hold(&r[i], i + 1, 1, LONG_WAIT_MS);
	await_held(1, N);
	for (i = 0; i < 20; i++)
		ck_assert_str_eq(fc_get("/plain"), "ok");
	ck_assert_int_eq(plain_calls(), 20);
	for (i = 0; i < N; i++)
		ck_assert_msg(!readable_now(&r[i]), "id %d answered with nothing moved", i + 1);
	head = bump(1);
	ck_assert_int_eq(fc_pump(r, N, DEADLINE_MS), N);
	for (i = 0; i < N; i++) {
		assert_resumed(&r[i], i + 1, head);
		ck_assert_int_eq(rec_of(i + 1).resumed, 1);
		fc_free(&r[i]);
	}
}
END_TEST

/*
 * A client that goes away is dropped: no answer, the handler never called
 * again for it (not when its head moves, not at the stop), and the server
 * goes on. One closes its connection, one only shuts its sending side (so
 * the test sees the server close without an answer); a third stays.
 */
START_TEST(test_cancel)
{
	struct reply gone, half, later, keep;
	struct rec rc;
	int64_t head;

	server_start(0);
	/* Held throughout, on scope 2: with nothing held, a ticking watcher sleeps. */
	send_hold(&keep, 4, 2, LONG_WAIT_MS);
	send_hold(&gone, 1, 1, LONG_WAIT_MS);
	send_hold(&half, 2, 1, LONG_WAIT_MS);
	await_held(1, 2);
	await_held(4, 4);
	await_afters(3);	/* all handed to the watcher ... */
	await_passes();		/* ... and taken by it */
	close(gone.fd);
	gone.fd = -1;
	ck_assert_int_eq(shutdown(half.fd, SHUT_WR), 0);
	ck_assert_int_eq(fc_pump(&half, 1, DEADLINE_MS), 1);
	ck_assert_msg(half.eof && !half.ended && half.raw.len == 0,
	    "a client that left got %zu bytes", half.raw.len);
	await_passes();		/* the watcher has seen the closed one too */

	head = bump(1);
	ck_assert_str_eq(fc_get("/plain"), "ok");
	/* The next held request on the same scope is woken: the move was seen. */
	send_hold(&later, 3, 1, LONG_WAIT_MS);
	await_held(3, 3);
	head = bump(1);
	ck_assert_int_eq(fc_pump(&later, 1, DEADLINE_MS), 1);
	assert_resumed(&later, 3, head);
	fc_free(&later);

	ck_assert(!readable_now(&keep));
	atomic_store(&S.stop, 1);
	ck_assert_int_eq(fc_pump(&keep, 1, DEADLINE_MS), 1);
	assert_resumed(&keep, 4, 0);
	fc_free(&keep);
	server_stop();
	rc = rec_of(1);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_msg(rc.resumed == 0, "the closed client's request was handled again");
	rc = rec_of(2);
	ck_assert_int_eq(rc.calls, 1);
	ck_assert_msg(rc.resumed == 0, "the half-closed client's request was handled again");
	fc_free(&gone);
	fc_free(&half);
}
END_TEST

/* *stop answers every held request (with nothing moved) and serve_fastcgi returns 0. */
START_TEST(test_stop_answers_held)
{
	enum { N = 5 };
	struct reply r[N];
	struct timespec ts;
	int i;

	server_start(_i);
	atomic_store(&T.head[2], 11);
	for (i = 0; i < N; i++)
		send_hold(&r[i], i + 1, 2, LONG_WAIT_MS);
	await_held(1, N);
	atomic_store(&S.stop, 1);
	ck_assert_int_eq(fc_pump(r, N, DEADLINE_MS), N);
	for (i = 0; i < N; i++) {
		assert_resumed(&r[i], i + 1, 11);
		ck_assert_msg(rec_of(i + 1).resumed_at < rec_of(i + 1).until_ms,
		    "id %d waited for its time, not the stop", i + 1);
		fc_free(&r[i]);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DEADLINE_MS / 1000;
	ck_assert_msg(pthread_timedjoin_np(S.tid, NULL, &ts) == 0, "serve_fastcgi did not return");
	S.running = 0;
	ck_assert_int_eq(S.rc, 0);
}
END_TEST

/* A request held for scope 1 is not answered when only scope 2's head moves. */
START_TEST(test_scopes)
{
	struct reply a, b;
	int64_t hb, ha;

	server_start(_i);
	send_hold(&a, 1, 1, LONG_WAIT_MS);
	send_hold(&b, 2, 2, LONG_WAIT_MS);
	await_held(1, 2);
	await_afters(2);
	await_passes();		/* the watcher holds both */
	hb = bump(2);
	ck_assert_int_eq(fc_pump(&b, 1, DEADLINE_MS), 1);
	assert_resumed(&b, 2, hb);
	/* The pass that answered b looked at a too; two more, to be sure. */
	await_passes();
	ck_assert_msg(!readable_now(&a), "scope 1's request answered when scope 2 moved");
	ck_assert_int_eq(rec_of(1).resumed, 0);
	ha = bump(1);
	ck_assert_int_eq(fc_pump(&a, 1, DEADLINE_MS), 1);
	assert_resumed(&a, 1, ha);
	fc_free(&a);
	fc_free(&b);
}
END_TEST

/*
 * The head moves between the handler's look and the watcher taking the
 * request (the handler returns 20 ms after its look; the test moves the
 * head meanwhile, and the watcher, woken through the descriptor, has seen
 * the change before the request is handed): the watcher compares a
 * request it has just taken with its scope's head at once, so it is
 * answered without another move.
 */
START_TEST(test_move_before_taken)
{
	enum { N = 10 };
	struct reply r[N];
	char uri[128];
	int64_t head = 0;
	int i;

	server_start(1);
	for (i = 0; i < N; i++) {
		snprintf(uri, sizeof uri, "/hold?id=%d&scope=1&ms=%d&lag=20", i + 1, LONG_WAIT_MS);
		fc_send(&r[i], S.path, uri);
		await_held(i + 1, i + 1);
		head = bump(1);
		ck_assert_int_eq(fc_pump(&r[i], 1, DEADLINE_MS), 1);
		assert_resumed(&r[i], i + 1, head);
		fc_free(&r[i]);
	}
}
END_TEST

/*
 * Many requests handed to the watcher between two of its passes (it is
 * held at watch_changed meanwhile): all held at once, then all answered
 * by one move.
 */
START_TEST(test_burst_of_held)
{
	enum { N = 100 };
	struct reply r[N];
	int64_t end, head;
	uint64_t one = 1;
	int i;

	server_start(1);
	ck_assert_str_eq(fc_get("/plain"), "ok");
	atomic_store(&T.gate, 1);
	ck_assert_int_eq(write(T.efd, &one, sizeof one), (ssize_t)sizeof one);
	end = util_now_ms() + DEADLINE_MS;
	while (!atomic_load(&T.gated)) {
		ck_assert_msg(util_now_ms() < end, "the watcher never reached the gate");
		usleep(1000);
	}
	for (i = 0; i < N; i++)
		send_hold(&r[i], i + 1, 1, LONG_WAIT_MS);
	await_held(1, N);
	await_afters(N + 1);	/* all handed */
	atomic_store(&T.gate, 0);
	await_passes();		/* all taken */
	for (i = 0; i < N; i++)
		ck_assert_msg(!readable_now(&r[i]), "id %d answered with nothing moved", i + 1);
	head = bump(1);
	ck_assert_int_eq(fc_pump(r, N, DEADLINE_MS), N);
	for (i = 0; i < N; i++) {
		assert_resumed(&r[i], i + 1, head);
		fc_free(&r[i]);
	}
}
END_TEST

static Suite *
serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("fastcgi");

	/* Under ThreadSanitizer everything is several times slower. */
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_plain);
	tcase_add_loop_test(tc, test_hold_woken, 0, 2);
	tcase_add_loop_test(tc, test_hold_times_out, 0, 2);
	tcase_add_test(tc, test_many_held);
	tcase_add_test(tc, test_cancel);
	tcase_add_loop_test(tc, test_stop_answers_held, 0, 2);
	tcase_add_loop_test(tc, test_scopes, 0, 2);
	tcase_add_test(tc, test_move_before_taken);
	tcase_add_test(tc, test_burst_of_held);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(serve_suite)
