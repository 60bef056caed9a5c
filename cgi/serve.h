/* serve.h — the request loops: FastCGI with a pool of threads and a watcher for held requests, or one plain CGI request. */
#ifndef ORDERSYNC_SERVE_H
#define ORDERSYNC_SERVE_H

#include <stdatomic.h>
#include <stdint.h>

#include "http.h"

/*
 * What the server asks of the app. Every call gets the context of the
 * thread making it (serve_fastcgi's ctx[i]), never another thread's: a
 * context holds its own database connection and caches, so nothing in it
 * is shared.
 */
struct serve_hooks {
	http_handler	 handle;	/* answers one request; may ask to hold it (rs->hold) */
	http_upload_rule uploads;	/* may be NULL */
	/*
	 * After each answer a worker thread has handed to the web server
	 * (FCGX_Finish_r; under CGI, once standard output is closed): the
	 * client no longer waits, so deferred work (the outbox) runs here,
	 * briefly: that thread takes no other request meanwhile. May be NULL.
	 */
	void		(*after)(void *ctx);
	/*
	 * The watcher's questions (feed.h's feed_watch_*): a descriptor that
	 * becomes readable when something may have changed (-1: none, ask
	 * changed every SERVE_TICK_MS instead), whether something may have
	 * changed since the last call, and a scope's head (0, or -1 on
	 * failure: the held requests of that scope wait on).
	 */
	int		(*watch_fd)(void *ctx);
	int		(*watch_changed)(void *ctx);
	int		(*watch_head)(void *ctx, int64_t scope, int64_t *head);
};

/* How often the watcher asks watch_changed when watch_fd gives no descriptor. */
#define SERVE_TICK_MS	25
/*
 * A request is held only while its connection's descriptor is below this:
 * libfcgi closes connections with select(2), which cannot take one at or
 * above FD_SETSIZE (1024), and descriptors are handed out lowest first, so
 * keeping held ones below this leaves the workers' new ones below 1024
 * too. Above it, a request that asked to wait is answered at once (the
 * client polls again). About 880 held requests per process.
 */
#define SERVE_HOLD_FD_MAX	900

/*
 * Serves FastCGI on the listening socket (descriptor 0) until SIGTERM or
 * SIGINT, or until *stop is set: nthreads worker threads (ctx[0] ..
 * ctx[nthreads - 1]) each take a request (FCGX_Accept_r, one at a time
 * under a lock), answer it, and run after. A request whose handler asks to
 * hold it is parked: its connection is set aside, with no thread and no
 * database connection, and the watcher thread (ctx[nthreads]) handles it
 * again (rq->resumed) when its scope's head moves past the one it saw,
 * when its time is up, or when the process stops; a client that goes away
 * meanwhile is dropped. The calling thread only waits for the signals.
 * On SIGTERM: no new request is taken, the ones in hand are finished, the
 * held ones answered (304 when nothing happened), then it returns 0.
 * Returns -1 with errno set when the listening socket fails, or a thread
 * cannot be started.
 */
int	serve_fastcgi(const char *base_url, const struct serve_hooks *h, void **ctx,
	    int nthreads, atomic_int *stop);
/*
 * Serves the one plain CGI request of the environment with ctx (a request
 * asking to be held is handled again at once: CGI cannot hold), then after.
 */
void	serve_cgi(const char *base_url, const struct serve_hooks *h, void *ctx);

#endif
