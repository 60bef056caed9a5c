/* hello.c — the benchmark's ceiling B: the least a FastCGI responder can do, ~100 fixed bytes per request. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

/*
 * Built by bench/run.sh with the same compiler and flags as the app, started
 * by the same lighttpd configuration (deploy/lighttpd/ordersync.conf, same
 * max-procs). It reads nothing and writes the same bytes every time, so the
 * rate it reaches is what lighttpd + mod_fastcgi + libfcgi cost per request:
 * the ceiling the app's routes are measured against.
 */

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "{\"hello\":\"ordersync bench\",\"ceiling\":\"B\",\"bytes\":100,"
    "\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n";

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

int
main(void)
{
	FCGX_Request req;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return EXIT_FAILURE;
	while (!stopping && FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(reply, (int)sizeof reply - 1, req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return EXIT_SUCCESS;
}
