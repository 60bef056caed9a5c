/* serve.c — the request loops: FastCGI with a pool of threads and a watcher for held requests, or one plain CGI request. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "serve.h"

/*
 * The threads of one process:
 * - workers (nthreads) take requests from the listening socket one at a
 *   time (accept_lock: libfcgi's accept is not meant to be entered by two
 *   threads at once), answer them, and hand the ones to hold to the
 *   watcher through the handed list (hand_lock) and a wake-up (eventfd);
 * - the watcher owns every held request: it polls their connections (a
 *   client that leaves closes its side), the database's change watch, and
 *   the wake-up, and answers a held request by calling the handler again;
 * - the calling thread waits for SIGTERM/SIGINT (blocked in every thread,
 *   taken by sigtimedwait), then stops the others.
 * Nothing else is shared: each thread has its own context (hooks).
 */

struct parked {
	FCGX_Request		*fcgi;
	struct http_request	 rq;
	struct http_hold	 hold;
	struct parked		*next;		/* in the handed list */
	int			 fresh;		/* not yet compared with its scope's head */
};

struct worker {
	struct server	*sv;
	void		*ctx;
	pthread_t	 tid;
	atomic_int	 in_accept;	/* inside FCGX_Accept_r: a signal may be needed */
	atomic_int	 done;
};

struct server {
	const char		*base_url;
	const struct serve_hooks *h;
	atomic_int		*stop;
	atomic_int		 workers_done;	/* every worker has left: nothing more is handed */
	atomic_int		 failed;	/* errno of a listening socket that failed */
	pthread_mutex_t		 accept_lock;
	pthread_mutex_t		 hand_lock;
	struct parked		*handed;	/* parked by workers, not yet taken by the watcher */
	int			 wake;		/* eventfd: something was handed, or stop */
};

static void
wake_watcher(struct server *sv)
{
	uint64_t one = 1;

	(void)!write(sv->wake, &one, sizeof one);
}

/* Closes the connection of a request that is finished or dropped. */
static void
release(FCGX_Request *fcgi)
{
	/* A kept-alive connection cannot go back to a worker's accept: close it. */
	if (fcgi->ipcFd >= 0)
		FCGX_Free(fcgi, 1);
	free(fcgi);
}

/* Calls the handler again for a held request, writes its answer, frees it all. */
static void
answer(struct server *sv, void *ctx, struct parked *p)
{
	struct http_response rs;

	http_response_init(&rs);
	p->rq.resumed = 1;
	kv_free(&p->rq.params);		/* the router fills them again */
	sv->h->handle(ctx, &p->rq, &rs);
	http_write(&p->rq, &rs, p->fcgi);
	http_response_free(&rs);
	http_request_free(&p->rq);
	FCGX_Finish_r(p->fcgi);
	release(p->fcgi);
	free(p);
}

/* A held request whose client went away: no answer. */
static void
drop(struct parked *p)
{
	http_request_free(&p->rq);
	FCGX_Free(p->fcgi, 1);
	free(p->fcgi);
	free(p);
}

/*
 * 1 when the request may be held: the process is not stopping, its
 * descriptor is low enough (SERVE_HOLD_FD_MAX), and its input is read to
 * the end — the web server sends nothing more on the connection, so the
 * watcher can take any readiness of it as the client leaving.
 */
static int
can_hold(struct server *sv, FCGX_Request *fcgi)
{
	char scrap[256];

	if (atomic_load(sv->stop) || fcgi->ipcFd < 0 || fcgi->ipcFd >= SERVE_HOLD_FD_MAX)
		return 0;
	while (FCGX_GetStr(scrap, sizeof scrap, fcgi->in) > 0)
		;
	return FCGX_GetError(fcgi->in) == 0;
}

/* One request: answered, or parked (returns 1: the watcher owns fcgi now). */
static int
serve_request(struct server *sv, void *ctx, FCGX_Request *fcgi)
{
	struct http_request rq;
	struct http_response rs;
	struct parked *p;

	http_read(&rq, fcgi, sv->base_url, sv->h->uploads, ctx);
	http_response_init(&rs);
	sv->h->handle(ctx, &rq, &rs);
	if (rs.hold.until_ms > 0) {
		if (can_hold(sv, fcgi)) {
			p = xcalloc(1, sizeof *p);
			p->fcgi = fcgi;
			p->rq = rq;
			p->hold = rs.hold;
			p->fresh = 1;
			http_response_free(&rs);
			pthread_mutex_lock(&sv->hand_lock);
			p->next = sv->handed;
			sv->handed = p;
			pthread_mutex_unlock(&sv->hand_lock);
			wake_watcher(sv);
			return 1;
		}
		http_response_free(&rs);
		http_response_init(&rs);
		rq.resumed = 1;
		sv->h->handle(ctx, &rq, &rs);
	}
	http_write(&rq, &rs, fcgi);
	http_response_free(&rs);
	http_request_free(&rq);
	return 0;
}

/*
 * Waits until the listening socket has a connection (1) or the server
 * stops (0). Another process on the same socket may take the connection
 * first, and then FCGX_Accept_r blocks: the stopping thread interrupts it
 * with SIGUSR1 (in_accept).
 */
static int
await_connection(struct server *sv)
{
	struct pollfd pf;

	while (!atomic_load(sv->stop)) {
		pf.fd = 0;
		pf.events = POLLIN;
		pf.revents = 0;
		/* A stop is seen within the timeout. */
		if (poll(&pf, 1, 250) > 0 && pf.revents != 0)
			return !atomic_load(sv->stop);
	}
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct server *sv = w->sv;
	FCGX_Request *fcgi = NULL;
	int rc;

	while (!atomic_load(sv->stop)) {
		if (fcgi == NULL) {
			fcgi = xcalloc(1, sizeof *fcgi);
			if (FCGX_InitRequest(fcgi, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
				atomic_store(&sv->failed, ENOMEM);
				atomic_store(sv->stop, 1);
				break;
			}
		}
		pthread_mutex_lock(&sv->accept_lock);
		if (await_connection(sv)) {
			atomic_store(&w->in_accept, 1);
			/* FCGX_Accept_r returns -errno (-9999 when errno was 0). */
			rc = FCGX_Accept_r(fcgi);
			atomic_store(&w->in_accept, 0);
		} else
			rc = -EINTR;
		pthread_mutex_unlock(&sv->accept_lock);
		if (rc < 0) {
			if (atomic_load(sv->stop) || rc == -EINTR)
				continue;	/* stopping; or a stray signal: go on */
			/*
			 * Anything else is the listening socket failing: a loop
			 * that went on would spin. The process stops, loudly.
			 */
			atomic_store(&sv->failed, rc > -9999 ? -rc : EIO);
			atomic_store(sv->stop, 1);
			break;
		}
		if (serve_request(sv, w->ctx, fcgi) == 1) {
			fcgi = NULL;	/* held: the watcher answers it */
		} else {
			FCGX_Finish_r(fcgi);
			if (fcgi->ipcFd >= 0)
				FCGX_Free(fcgi, 1);	/* no keep-alive: see release() */
		}
		if (sv->h->after != NULL && !atomic_load(sv->stop))
			sv->h->after(w->ctx);
	}
	if (fcgi != NULL) {
		FCGX_Free(fcgi, 1);
		free(fcgi);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* ---- the watcher ---- */

struct held {
	struct parked	**p;
	size_t		  n, cap;
	struct pollfd	 *pf;
	size_t		  pfcap;
	struct {
		int64_t	scope, head;
		int	ok;
	}		 *heads;	/* this pass's scopes: each read once */
	size_t		  nheads, headcap;
};

/* The scope's head, read at most once per pass; 0, or -1 when it could not be. */
static int
scope_head(struct server *sv, void *ctx, struct held *hd, int64_t scope, int64_t *head)
{
	size_t i;

	for (i = 0; i < hd->nheads; i++)
		if (hd->heads[i].scope == scope) {
			*head = hd->heads[i].head;
			return hd->heads[i].ok ? 0 : -1;
		}
	hd->heads = xgrow(hd->heads, &hd->headcap, hd->nheads, sizeof *hd->heads);
	hd->heads[hd->nheads].scope = scope;
	hd->heads[hd->nheads].ok = sv->h->watch_head(ctx, scope, head) == 0;
	hd->heads[hd->nheads].head = *head;
	return hd->heads[hd->nheads++].ok ? 0 : -1;
}

/*
 * Answers the held requests that are due: all when stopping; else those
 * whose time is up, and — when something changed, or for those just
 * handed (their head may have moved between the worker's read and now) —
 * those whose scope's head is no longer the one they saw.
 */
static void
answer_due(struct server *sv, void *ctx, struct held *hd, int changed, int stopping)
{
	int64_t now = util_now_ms(), head;
	size_t i, keep = 0;
	struct parked *p;

	hd->nheads = 0;
	for (i = 0; i < hd->n; i++) {
		p = hd->p[i];
		if (stopping || p->hold.until_ms <= now ||
		    ((changed || p->fresh) && scope_head(sv, ctx, hd, p->hold.scope, &head) == 0 &&
		    head != p->hold.seen)) {
			answer(sv, ctx, p);
			continue;
		}
		p->fresh = 0;
		hd->p[keep++] = p;
	}
	hd->n = keep;
}

/* Takes what the workers handed over. 1 when there was something. */
static int
take_handed(struct server *sv, struct held *hd)
{
	struct parked *list, *next;
	uint64_t scrap;

	(void)!read(sv->wake, &scrap, sizeof scrap);
	pthread_mutex_lock(&sv->hand_lock);
	list = sv->handed;
	sv->handed = NULL;
	pthread_mutex_unlock(&sv->hand_lock);
	if (list == NULL)
		return 0;
	for (; list != NULL; list = next) {
		next = list->next;
		hd->p = xgrow(hd->p, &hd->cap, hd->n, sizeof *hd->p);
		hd->p[hd->n++] = list;
	}
	return 1;
}

/* Milliseconds the watcher may sleep: to the nearest deadline, at most a tick without a descriptor. */
static int
sleep_ms(const struct held *hd, int fd)
{
	int64_t now = util_now_ms(), until = -1;
	size_t i;

	for (i = 0; i < hd->n; i++)
		if (until < 0 || hd->p[i]->hold.until_ms < until)
			until = hd->p[i]->hold.until_ms;
	if (until < 0)
		return -1;		/* nothing held: sleep until woken */
	until -= now;
	if (until < 0)
		until = 0;
	if (fd < 0 && until > SERVE_TICK_MS)
		until = SERVE_TICK_MS;
	return until > 60000 ? 60000 : (int)until;
}

static void
watch(struct server *sv, void *ctx)
{
	struct held hd;
	int fd, changed = 0, stopping, timeout;
	size_t i, npf;

	memset(&hd, 0, sizeof hd);
	for (;;) {
		take_handed(sv, &hd);
		stopping = atomic_load(sv->stop);
		fd = sv->h->watch_fd(ctx);
		/*
		 * Asked at each pass, not only when fd is readable: a notice
		 * that arrived while the heads were read is already buffered
		 * and would not make fd readable again. Asked with nothing held
		 * too, so PostgreSQL's notices never pile up unread.
		 */
		changed = sv->h->watch_changed(ctx) > 0;
		answer_due(sv, ctx, &hd, changed, stopping);
		if (stopping && atomic_load(&sv->workers_done)) {
			take_handed(sv, &hd);
			answer_due(sv, ctx, &hd, 0, 1);
			break;
		}
		hd.pf = xgrow(hd.pf, &hd.pfcap, hd.n + 2, sizeof *hd.pf);
		npf = 0;
		hd.pf[npf].fd = sv->wake;
		hd.pf[npf++].events = POLLIN;
		if (fd >= 0) {
			hd.pf[npf].fd = fd;
			hd.pf[npf++].events = POLLIN;
		}
		for (i = 0; i < hd.n; i++) {
			hd.pf[npf + i].fd = hd.p[i]->fcgi->ipcFd;
			hd.pf[npf + i].events = POLLIN;
			hd.pf[npf + i].revents = 0;
		}
		timeout = changed ? 0 : sleep_ms(&hd, fd);
		if (stopping && (timeout < 0 || timeout > 50))
			timeout = 50;	/* the workers are leaving: look again soon */
		if (poll(hd.pf, npf + hd.n, timeout) <= 0)
			continue;
		/* Input on a held connection: its client left (EOF) or aborted. */
		for (i = 0; i < hd.n; i++)
			if (hd.pf[npf + i].revents != 0) {
				drop(hd.p[i]);
				hd.p[i] = NULL;
			}
		for (i = 0, npf = 0; i < hd.n; i++)
			if (hd.p[i] != NULL)
				hd.p[npf++] = hd.p[i];
		hd.n = npf;
	}
	free(hd.p);
	free(hd.pf);
	free(hd.heads);
}

struct watcher {
	struct server	*sv;
	void		*ctx;
};

static void *
watcher_main(void *arg)
{
	struct watcher *w = arg;

	watch(w->sv, w->ctx);
	return NULL;
}

/* ---- start and stop ---- */

static void
on_usr1(int sig)
{
	(void)sig;	/* only to interrupt a blocked accept (no SA_RESTART) */
}

/* Stops the workers: those blocked in accept are interrupted until all have left. */
static void
stop_workers(struct worker *w, int n)
{
	int i, left;

	do {
		left = 0;
		for (i = 0; i < n; i++) {
			if (atomic_load(&w[i].done))
				continue;
			left++;
			if (atomic_load(&w[i].in_accept))
				pthread_kill(w[i].tid, SIGUSR1);
		}
		if (left > 0)
			usleep(20000);
	} while (left > 0);
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
}

int
serve_fastcgi(const char *base_url, const struct serve_hooks *h, void **ctx,
    int nthreads, atomic_int *stop)
{
	struct server sv;
	struct worker *w;
	struct watcher wt;
	pthread_t wtid;
	struct sigaction sa;
	struct timespec tick = { 0, 200 * 1000000L };
	sigset_t term, old;
	int i, started = 0, err = 0, sig;

	if (FCGX_Init() != 0) {
		errno = errno ? errno : EBADF;
		return -1;
	}
	memset(&sv, 0, sizeof sv);
	sv.base_url = base_url;
	sv.h = h;
	sv.stop = stop;
	pthread_mutex_init(&sv.accept_lock, NULL);
	pthread_mutex_init(&sv.hand_lock, NULL);
	if ((sv.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return -1;
	http_ids_init();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* Every thread blocks SIGTERM and SIGINT; this one takes them. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	pthread_sigmask(SIG_BLOCK, &term, &old);

	w = xcalloc((size_t)nthreads, sizeof *w);
	wt.sv = &sv;
	wt.ctx = ctx[nthreads];
	if ((err = pthread_create(&wtid, NULL, watcher_main, &wt)) != 0)
		goto out;
	for (i = 0; i < nthreads; i++) {
		w[i].sv = &sv;
		w[i].ctx = ctx[i];
		if ((err = pthread_create(&w[i].tid, NULL, worker_main, &w[i])) != 0)
			break;
		started++;
	}
	while (err == 0 && !atomic_load(stop)) {
		sig = sigtimedwait(&term, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	atomic_store(stop, 1);
	wake_watcher(&sv);
	stop_workers(w, started);
	atomic_store(&sv.workers_done, 1);
	wake_watcher(&sv);
	pthread_join(wtid, NULL);
out:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(w);
	close(sv.wake);
	pthread_mutex_destroy(&sv.accept_lock);
	pthread_mutex_destroy(&sv.hand_lock);
	if (err != 0) {
		errno = err;
		return -1;
	}
	if ((err = atomic_load(&sv.failed)) != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
serve_cgi(const char *base_url, const struct serve_hooks *h, void *ctx)
{
	struct http_request rq;
	struct http_response rs;

	http_ids_init();
	http_read(&rq, NULL, base_url, h->uploads, ctx);
	http_response_init(&rs);
	h->handle(ctx, &rq, &rs);
	if (rs.hold.until_ms > 0) {
		http_response_free(&rs);
		http_response_init(&rs);
		rq.resumed = 1;
		h->handle(ctx, &rq, &rs);
	}
	http_write(&rq, &rs, NULL);
	http_response_free(&rs);
	http_request_free(&rq);
	fflush(stdout);
	if (h->after != NULL) {
		/* CGI: the answer ends when our standard output closes. */
		fclose(stdout);
		h->after(ctx);
	}
}
