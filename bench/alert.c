/* alert.c — make bench's feed client: order-to-alert latency, held long-polls and idle tabs, timed on CLOCK_MONOTONIC. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

/*
 * About 800 lines, one program: its five modes are short, and they share
 * the transfers, the feed's cursor and ETag, and the report (the first
 * half of the file).
 *
 * Usage: alert [options] MODE BASE      (BASE: http://127.0.0.1:PORT)
 *
 *   lp     ordersync long-poll: a feed request with wait=W is held at the
 *          head; after a random 50-150 ms an order is POSTed to /api/orders;
 *          the sample is the time from the POST's answer (the order has
 *          committed) to the held request's answer. The next held request
 *          starts at the new cursor before the next order. -n samples after
 *          -w warm-up ones.
 *   poll   ordersync interval polling, as static/js/poller.js's loop does
 *          it: a feed request (no wait=), then the next one -i ms after its
 *          answer. Each order is POSTed at a uniformly random point of a poll
 *          cycle (a random 0..interval ms after the previous alert); the
 *          sample is the time from the POST's answer to the answer of the
 *          first poll that carries the order's event. -n orders, no warm-up.
 *   nchan  Nchan long-poll: GET BASE/sub (a longpoll subscriber; the next
 *          request names the last message by If-Modified-Since and
 *          If-None-Match, as Nchan's own client does), then POST BASE/pub;
 *          the sample is the time from the publish answer to the
 *          subscriber's answer.
 *   hold   -n long-polls (wait=W) held on the feed for -s seconds, each
 *          issued again as soon as it is answered (as -n open tabs would).
 *   idle   two idle admin tabs for -s seconds on the same server: one
 *          long-polls (wait=W, the next request at once), one polls every
 *          -i ms; counts the requests each sent.
 *
 * Options: -c COOKIE (the Cookie header's value: the admin session), -n N,
 * -w WARM, -W WAIT (seconds, default 25), -i MS (default 5000), -s SECS,
 * -o FILE (lp/poll/nchan: every sample in µs, one a line).
 *
 * Prints one line per measurement to stdout (ALERT, HOLD or IDLE, then
 * key=value pairs) for bench/run.sh. Times are taken when libcurl reports a
 * transfer complete (curl_multi_info_read right after curl_multi_perform),
 * so the samples include the client (curl) on both sides, as the peer's
 * figure in issue 17 does. Exit status 1 when the measurement could not be
 * made (a server that never holds a request, a transfer that never ends);
 * bad answers are counted, not fatal.
 */

#define MAXURL 1024
#define TIMEOUT_NS (40LL * 1000000000)

struct buf {
	char *p;	/* NUL-terminated, or NULL while empty */
	size_t n;	/* bytes in p */
};

/* One HTTP exchange: its easy handle, what came back, when it ended. */
struct xfer {
	CURL *h;		/* NULL when idle */
	struct curl_slist *hdrs;
	struct buf body;
	char etag[160];		/* the answer's ETag, quotes included (RFC 7232 §2.3) */
	char lastmod[64];	/* the answer's Last-Modified (Nchan's message time) */
	long status;		/* HTTP status, 0 before the answer */
	CURLcode rc;
	int64_t t_start;	/* CLOCK_MONOTONIC ns when added */
	int64_t t_done;		/* … when libcurl reported it complete */
	int done;
};

/* Where a feed client stands (DESIGN.md "The change feed"). */
struct feed {
	char epoch[80];
	long long cursor;
	char etag[160];
	int wait_max;	/* the answer's "wait_max", -1 when it had none */
};

static CURLM *multi;
static volatile sig_atomic_t stopping;	/* hold: SIGTERM or SIGINT ends the run early */
static const char *base;
static const char *cookie = "";
static int wait_s = 25;
static long interval_ms = 5000;
static unsigned order_seq;
static int server_wait_max = -1;	/* the last "wait_max" the feed sent */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("alert: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	char *q;

	q = realloc(b->p, b->n + size * n + 1);
	if (!q)
		die("out of memory");
	memcpy(q + b->n, p, size * n);
	b->n += size * n;
	q[b->n] = '\0';
	b->p = q;
	return size * n;
}

/* Copies the value of header NAME from LINE into OUT (trimmed), if LINE is that header. */
static void grab_header(const char *line, size_t len, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name), e;

	if (len <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return;
	line += k + 1;
	len -= k + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	for (e = len; e && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' '); e--)
		;
	if (e >= cap)
		e = cap - 1;
	memcpy(out, line, e);
	out[e] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	grab_header(p, size * n, "ETag", x->etag, sizeof x->etag);
	grab_header(p, size * n, "Last-Modified", x->lastmod, sizeof x->lastmod);
	return size * n;
}

static void xfer_clear(struct xfer *x)
{
	if (x->h) {
		curl_multi_remove_handle(multi, x->h);
		curl_easy_cleanup(x->h);
	}
	curl_slist_free_all(x->hdrs);
	free(x->body.p);
	memset(x, 0, sizeof *x);
}

/*
 * Starts X: a GET of URL, or a POST of BODY when BODY is not NULL, with the
 * headers of the NULL-terminated list (plus the admin cookie when COOKIE is
 * set). X is cleared first.
 */
static void xfer_start(struct xfer *x, const char *url, const char *body, int with_cookie, ...)
{
	va_list ap;
	const char *h;
	char line[512];

	xfer_clear(x);
	x->h = curl_easy_init();
	if (!x->h)
		die("curl_easy_init failed");
	va_start(ap, with_cookie);
	while ((h = va_arg(ap, const char *)) != NULL)
		x->hdrs = curl_slist_append(x->hdrs, h);
	va_end(ap);
	if (with_cookie && *cookie) {
		snprintf(line, sizeof line, "Cookie: %s", cookie);
		x->hdrs = curl_slist_append(x->hdrs, line);
	}
	/* No "Expect: 100-continue" round trip on a POST. */
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	curl_easy_setopt(x->h, CURLOPT_URL, url);
	curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->h, CURLOPT_WRITEDATA, &x->body);
	curl_easy_setopt(x->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
	if (body) {
		curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(x->h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	x->t_start = now_ns();
	if (curl_multi_add_handle(multi, x->h) != CURLM_OK)
		die("curl_multi_add_handle failed");
}

/*
 * Runs the transfers for up to TIMEOUT_MS (at least one pass): every one
 * that completes gets its status, result and completion time, and leaves
 * the multi handle (its connection stays in the cache for the next).
 */
static void pump(int timeout_ms)
{
	int running, left;
	CURLMsg *m;
	struct xfer *x;
	int64_t t;

	if (curl_multi_perform(multi, &running) != CURLM_OK)
		die("curl_multi_perform failed");
	t = now_ns();
	while ((m = curl_multi_info_read(multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		x->t_done = t;
		x->rc = m->data.result;
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
		x->done = 1;
		curl_multi_remove_handle(multi, x->h);
	}
	if (timeout_ms > 0 && curl_multi_poll(multi, NULL, 0, timeout_ms, NULL) != CURLM_OK)
		die("curl_multi_poll failed");
}

/* Pumps until X is done or DEADLINE (ns) passes; 1 when done. */
static int run_until_done(struct xfer *x, int64_t deadline)
{
	while (!x->done) {
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return 0;
		pump(left > 20000000 ? 20 : (int)(left / 1000000) + 1);
	}
	return 1;
}

/* ---- the ordersync feed ---- */

static void feed_url(char *out, const struct feed *f, int wait)
{
	if (wait >= 0)
		snprintf(out, MAXURL, "%s/admin/api/since?cursor=%lld&epoch=%s&wait=%d", base, f->cursor, f->epoch, wait);
	else
		snprintf(out, MAXURL, "%s/admin/api/since?cursor=%lld&epoch=%s", base, f->cursor, f->epoch);
}

/*
 * Reads a feed answer into F: on a 200 the epoch, cursor (a reset's too) and
 * ETag move; a 304 changes nothing. Returns the number of order_created
 * events in it, or -1 when it is neither a 304 nor a 200 feed answer.
 */
static int feed_apply(struct feed *f, const struct xfer *x)
{
	struct json_object *o, *v, *events, *e, *t;
	int n = 0;
	size_t i;

	if (x->rc != CURLE_OK)
		return -1;
	if (x->status == 304)
		return 0;
	if (x->status != 200 || !x->body.p)
		return -1;
	o = json_tokener_parse(x->body.p);
	if (!o || !json_object_object_get_ex(o, "cursor", &v)) {
		json_object_put(o);
		return -1;
	}
	f->cursor = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "epoch", &v))
		snprintf(f->epoch, sizeof f->epoch, "%s", json_object_get_string(v));
	f->wait_max = json_object_object_get_ex(o, "wait_max", &v) ? json_object_get_int(v) : -1;
	if (f->wait_max >= 0)
		server_wait_max = f->wait_max;
	if (json_object_object_get_ex(o, "events", &events) && json_object_is_type(events, json_type_array)) {
		for (i = 0; i < json_object_array_length(events); i++) {
			e = json_object_array_get_idx(events, i);
			if (json_object_object_get_ex(e, "type", &t) &&
			    strcmp(json_object_get_string(t), "order_created") == 0)
				n++;
		}
	}
	snprintf(f->etag, sizeof f->etag, "%s", x->etag);
	json_object_put(o);
	return n;
}

/* The head of the feed, as the admin page starts: one request without a cursor. */
static void feed_head(struct feed *f)
{
	struct xfer x = {0};
	char url[MAXURL];

	snprintf(url, sizeof url, "%s/admin/api/since", base);
	xfer_start(&x, url, NULL, 1, "Accept: application/json", (char *)NULL);
	if (!run_until_done(&x, now_ns() + TIMEOUT_NS) || feed_apply(f, &x) < 0 || !*f->epoch)
		die("no feed head from %s (status %ld, curl %d)", url, x.status, (int)x.rc);
	xfer_clear(&x);
}

/* Starts the feed request of a tab at F: long-poll when WAIT >= 0, naming the head it holds. */
static void feed_start(struct xfer *x, const struct feed *f, int wait)
{
	char url[MAXURL], inm[200];

	feed_url(url, f, wait);
	snprintf(inm, sizeof inm, "If-None-Match: %s", f->etag);
	xfer_start(x, url, NULL, 1, "Accept: application/json", *f->etag ? inm : (char *)NULL, (char *)NULL);
}

/* POSTs one order to /api/orders, as bench/lua/order.lua does (a new Idempotency-Key). */
static void order_start(struct xfer *x)
{
	static const char body[] =
	    "{\"customer\":{\"name\":\"Bench Alert\",\"email\":\"alert@example.com\","
	    "\"phone\":\"+33 1 23 45 67 89\"},\"items\":[{\"sku\":\"COF-ESP-250\",\"qty\":1}],"
	    "\"notes\":\"\"}";
	char url[MAXURL], key[128];

	snprintf(url, sizeof url, "%s/api/orders", base);
	snprintf(key, sizeof key, "Idempotency-Key: alert-%ld-%lld-%u", (long)getpid(),
	    (long long)time(NULL), ++order_seq);
	xfer_start(x, url, body, 0, "Content-Type: application/json", "Accept: application/json",
	    key, (char *)NULL);
}

/* ---- the report ---- */

struct hist {
	long codes[600];	/* answers by HTTP status; [0]: transport errors */
};

static void hist_add(struct hist *h, const struct xfer *x)
{
	long s = x->rc == CURLE_OK ? x->status : 0;

	h->codes[s >= 0 && s < 600 ? s : 0]++;
}

static void hist_print(const struct hist *h)
{
	const char *sep = "";
	int i;

	for (i = 0; i < 600; i++)
		if (h->codes[i]) {
			printf("%s%d:%ld", sep, i, h->codes[i]);
			sep = ",";
		}
	if (!*sep)
		printf("none");
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least P % of the samples at or below it. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	size_t k = (size_t)((p / 100.0) * (double)n + 0.999999);

	if (n == 0)
		return 0;
	if (k < 1)
		k = 1;
	return v[k - 1];
}

/*
 * V: the samples from the order's (publication's) answer; W: the same from
 * the moment its request was sent (the write included). Both sorted here.
 */
static void report_samples(const char *kind, int64_t *v, int64_t *w, size_t n, long errors, long early,
    const struct hist *sub, const struct hist *pub, const char *file)
{
	int64_t sum = 0;
	size_t i;
	FILE *f;

	if (file) {
		f = fopen(file, "w");
		if (!f)
			die("cannot write %s", file);
		for (i = 0; i < n; i++)
			fprintf(f, "%" PRId64 "\n", v[i]);
		fclose(f);
	}
	qsort(v, n, sizeof *v, cmp_i64);
	qsort(w, n, sizeof *w, cmp_i64);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf("ALERT kind=%s n=%zu p50_us=%" PRId64 " p99_us=%" PRId64 " mean_us=%" PRId64
	    " min_us=%" PRId64 " max_us=%" PRId64 " p50_send_us=%" PRId64 " p99_send_us=%" PRId64
	    " errors=%ld early=%ld wait_max=%d sub_codes=",
	    kind, n, pct(v, n, 50), pct(v, n, 99), n ? sum / (int64_t)n : 0,
	    n ? v[0] : 0, n ? v[n - 1] : 0, pct(w, n, 50), pct(w, n, 99), errors, early, server_wait_max);
	hist_print(sub);
	printf(" pub_codes=");
	hist_print(pub);
	printf("\n");
}

/* ---- the modes ---- */

/* A random settling time, 50-150 ms: the held request reaches the server, and the order falls at any phase of the server's watch. */
static int64_t settle_ns(void)
{
	return (50 + rand() % 101) * 1000000LL;
}

/*
 * lp and nchan: one held request, then one publication, N + WARM times.
 * For ordersync the held request must end with the order's event; for
 * Nchan the publisher must answer 201 (a subscriber was waiting: 202 means
 * none was) and the subscriber 200 with the message.
 */
static int mode_latency(int nchan, int n, int warm, const char *file)
{
	struct xfer sub = {0}, pub = {0};
	struct feed f = {0};
	struct hist hs = {{0}}, hp = {{0}};
	char url[MAXURL], ims[96], inm[200], msg[64];
	int64_t *v, *w, deadline;
	size_t k = 0;
	long errors = 0, early = 0, idle_early = 0;
	int i = 0, ok;

	v = calloc((size_t)n + 1, sizeof *v);
	w = calloc((size_t)n + 1, sizeof *w);
	if (!v || !w)
		die("out of memory");
	if (!nchan)
		feed_head(&f);
	while (i < n + warm) {
		if (nchan) {
			snprintf(url, sizeof url, "%s/sub", base);
			snprintf(ims, sizeof ims, "If-Modified-Since: %s", sub.lastmod);
			snprintf(inm, sizeof inm, "If-None-Match: %s", sub.etag);
			if (*sub.lastmod)
				xfer_start(&sub, url, NULL, 0, ims, inm, (char *)NULL);
			else
				xfer_start(&sub, url, NULL, 0, (char *)NULL);
		} else {
			feed_start(&sub, &f, wait_s);
		}
		deadline = now_ns() + settle_ns();
		while (!sub.done && now_ns() < deadline)
			pump(5);
		if (sub.done) {
			/* Answered before anything was published: catching up (an
			 * event not yet seen) or a server that does not hold. */
			early++;
			ok = nchan ? sub.rc == CURLE_OK && sub.status == 200 : feed_apply(&f, &sub) > 0;
			if (!ok && ++idle_early >= 5) {
				printf("ALERT kind=%s failed=not-held\n", nchan ? "nchan" : "lp");
				fflush(stdout);
				die("%s: 5 requests in a row were answered at once with nothing new: the server does not hold them",
				    nchan ? "nchan" : "lp");
			}
			continue;
		}
		idle_early = 0;
		if (nchan) {
			snprintf(url, sizeof url, "%s/pub", base);
			snprintf(msg, sizeof msg, "message %d", i);
			xfer_start(&pub, url, msg, 0, "Content-Type: text/plain", (char *)NULL);
		} else {
			order_start(&pub);
		}
		deadline = now_ns() + TIMEOUT_NS;
		if (!run_until_done(&pub, deadline) || !run_until_done(&sub, deadline)) {
			printf("ALERT kind=%s failed=timeout\n", nchan ? "nchan" : "lp");
			fflush(stdout);
			die("%s: no answer within %lld s", nchan ? "nchan" : "lp", TIMEOUT_NS / 1000000000);
		}
		hist_add(&hs, &sub);
		hist_add(&hp, &pub);
		if (nchan)
			ok = pub.rc == CURLE_OK && pub.status == 201 && sub.rc == CURLE_OK &&
			    sub.status == 200 && sub.body.p && strcmp(sub.body.p, msg) == 0;
		else
			ok = pub.rc == CURLE_OK && pub.status == 201 && feed_apply(&f, &sub) > 0;
		if (!ok)
			errors++;
		else if (i >= warm) {
			w[k] = (sub.t_done - pub.t_start) / 1000;
			v[k++] = (sub.t_done - pub.t_done) / 1000;
		}
		i++;
	}
	report_samples(nchan ? "nchan" : "lp", v, w, k, errors, early, &hs, &hp, file);
	xfer_clear(&sub);
	xfer_clear(&pub);
	free(v);
	free(w);
	return 0;
}

/*
 * poll: the interval loop of static/js/poller.js (the next poll INTERVAL
 * after the previous answer) with N orders, each posted a uniformly random
 * 0..INTERVAL after the previous order's alert.
 */
static int mode_poll(int n, const char *file)
{
	struct xfer poll = {0}, pub = {0};
	struct feed f = {0};
	struct hist hs = {{0}}, hp = {{0}};
	int64_t *v, *w, next_poll, next_order, alert_t = 0, t, wake;
	size_t k = 0;
	long errors = 0;
	int pending = 0, polling = 0, posting = 0, got;

	v = calloc((size_t)n + 1, sizeof *v);
	w = calloc((size_t)n + 1, sizeof *w);
	if (!v || !w)
		die("out of memory");
	feed_head(&f);
	next_poll = now_ns();
	next_order = next_poll + (int64_t)(rand() % (interval_ms + 1)) * 1000000;
	while ((int)k < n) {
		t = now_ns();
		if (!polling && t >= next_poll) {
			feed_start(&poll, &f, -1);
			polling = 1;
		}
		if (!pending && t >= next_order) {
			order_start(&pub);
			pending = posting = 1;
			alert_t = 0;
		}
		wake = polling ? t + 20000000 : next_poll;
		if (!pending && next_order < wake)
			wake = next_order;
		if (posting && t + 5000000 < wake)
			wake = t + 5000000;
		pump(wake > t ? (int)((wake - t) / 1000000) + 1 : 0);
		if (polling && poll.done) {
			polling = 0;
			hist_add(&hs, &poll);
			got = feed_apply(&f, &poll);
			if (got < 0)
				errors++;
			next_poll = poll.t_done + interval_ms * 1000000LL;
			if (pending && got > 0 && !alert_t)
				alert_t = poll.t_done;
		}
		if (posting && pub.done) {
			posting = 0;
			hist_add(&hp, &pub);
			if (pub.rc != CURLE_OK || pub.status != 201) {
				errors++;
				pending = 0;
				next_order = now_ns() + (int64_t)(rand() % (interval_ms + 1)) * 1000000;
			}
		}
		if (pending && !posting && alert_t) {
			w[k] = (alert_t - pub.t_start) / 1000;
			v[k++] = (alert_t - pub.t_done) / 1000;
			pending = 0;
			next_order = alert_t + (int64_t)(rand() % (interval_ms + 1)) * 1000000;
		}
		if (pending && now_ns() - pub.t_start > TIMEOUT_NS) {
			printf("ALERT kind=poll failed=timeout\n");
			fflush(stdout);
			die("poll: order %zu never reached the polling client", k + 1);
		}
	}
	report_samples("poll", v, w, k, errors, 0, &hs, &hp, file);
	xfer_clear(&poll);
	xfer_clear(&pub);
	free(v);
	free(w);
	return 0;
}

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* 1 when X came back within a second with nothing new: a request the server did not hold. */
static int not_held(const struct xfer *x, int got)
{
	return got <= 0 && x->t_done - x->t_start < 1000000000;
}

/*
 * hold: N tabs long-polling the feed for SECS seconds (or until SIGTERM),
 * each asking again at once. Stops with status 1 when more than N answers
 * came back at once with nothing new: the server does not hold them, and
 * going on would be a load test, not held requests.
 */
static int mode_hold(int n, int secs)
{
	struct xfer *x;
	struct feed f = {0};
	struct hist h = {{0}};
	long answered = 0, bad = 0, quick = 0;
	int got;
	int64_t end;
	int i;

	x = calloc((size_t)n, sizeof *x);
	if (!x)
		die("out of memory");
	feed_head(&f);
	for (i = 0; i < n; i++)
		feed_start(&x[i], &f, wait_s);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	end = now_ns() + (int64_t)secs * 1000000000;
	while (now_ns() < end && !stopping) {
		pump(50);
		for (i = 0; i < n; i++) {
			if (!x[i].done)
				continue;
			answered++;
			hist_add(&h, &x[i]);
			got = feed_apply(&f, &x[i]);
			if (got < 0)
				bad++;
			if (not_held(&x[i], got) && ++quick > n) {
				printf("HOLD n=%d failed=not-held answered=%ld\n", n, answered);
				die("hold: the server answers wait=%d at once: it does not hold requests", wait_s);
			}
			feed_start(&x[i], &f, wait_s);
		}
	}
	printf("HOLD n=%d secs=%d wait_max=%d answered=%ld bad=%ld not_held=%ld codes=", n, secs,
	    server_wait_max, answered, bad, quick);
	hist_print(&h);
	printf("\n");
	for (i = 0; i < n; i++)
		xfer_clear(&x[i]);
	free(x);
	return 0;
}

/* One idle tab: what it sent and when. */
struct tab {
	struct xfer x;
	struct feed f;
	struct hist h;
	int wait;		/* wait= sent, or -1: interval polling */
	int busy;
	long sent;
	int64_t first, last, next;
};

/* idle: a long-polling tab and a polling tab side by side for SECS seconds. */
static int mode_idle(int secs)
{
	struct tab tab[2] = {{.wait = wait_s}, {.wait = -1}};
	int64_t end, t0;
	int i, got, quick = 0;

	feed_head(&tab[0].f);
	tab[1].f = tab[0].f;
	t0 = now_ns();
	end = t0 + (int64_t)secs * 1000000000;
	tab[0].next = tab[1].next = t0;
	while (now_ns() < end) {
		for (i = 0; i < 2; i++) {
			struct tab *b = &tab[i];
			if (!b->busy && now_ns() >= b->next) {
				feed_start(&b->x, &b->f, b->wait);
				b->busy = 1;
				b->last = b->x.t_start;
				if (!b->sent++)
					b->first = b->last;
			}
		}
		pump(20);
		for (i = 0; i < 2; i++) {
			struct tab *b = &tab[i];
			if (!b->busy || !b->x.done)
				continue;
			b->busy = 0;
			hist_add(&b->h, &b->x);
			got = feed_apply(&b->f, &b->x);
			if (b->wait >= 0 && not_held(&b->x, got) && ++quick >= 5) {
				printf("IDLE mode=longpoll failed=not-held requests=%ld\n", b->sent);
				die("idle: the server answers wait=%d at once: it does not hold requests", wait_s);
			}
			b->next = b->x.t_done + (b->wait >= 0 ? 0 : interval_ms * 1000000LL);
		}
	}
	for (i = 0; i < 2; i++) {
		struct tab *b = &tab[i];
		double span = (double)(b->last - b->first) / 1e9;
		/* The steady rate: requests begun after the first, over the time
		 * they span (a 60 s window cut at an arbitrary point of a 25 s
		 * cycle would round it); and the plain count in the window. */
		printf("IDLE mode=%s secs=%d wait_max=%d requests=%ld per_min=%.2f window_per_min=%.2f codes=",
		    b->wait >= 0 ? "longpoll" : "poll", secs, server_wait_max, b->sent,
		    b->sent > 1 && span > 0 ? (double)(b->sent - 1) * 60.0 / span : 0.0,
		    (double)b->sent * 60.0 / secs);
		hist_print(&b->h);
		printf("\n");
		xfer_clear(&b->x);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: alert [-c COOKIE] [-n N] [-w WARM] [-W WAIT] [-i MS] [-s SECS] [-o FILE]"
	    " lp|poll|nchan|hold|idle BASE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode, *file = NULL;
	int c, n = 200, warm = 3, secs = 60, rc;

	while ((c = getopt(argc, argv, "c:n:w:W:i:s:o:")) != -1) {
		switch (c) {
		case 'c': cookie = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'W': wait_s = atoi(optarg); break;
		case 'i': interval_ms = atol(optarg); break;
		case 's': secs = atoi(optarg); break;
		case 'o': file = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2 || n < 1 || warm < 0 || secs < 1 || interval_ms < 1 || wait_s < 0)
		usage();
	mode = argv[optind];
	base = argv[optind + 1];
	srand((unsigned)(now_ns() ^ getpid()));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("curl_global_init failed");
	multi = curl_multi_init();
	if (!multi)
		die("curl_multi_init failed");
	/* -n held requests need -n connections: none may wait for another's. */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)n + 16);
	if (strcmp(mode, "lp") == 0)
		rc = mode_latency(0, n, warm, file);
	else if (strcmp(mode, "nchan") == 0)
		rc = mode_latency(1, n, warm, file);
	else if (strcmp(mode, "poll") == 0)
		rc = mode_poll(n, file);
	else if (strcmp(mode, "hold") == 0)
		rc = mode_hold(n, secs);
	else if (strcmp(mode, "idle") == 0)
		rc = mode_idle(secs);
	else
		usage();
	fflush(stdout);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return rc;
}
