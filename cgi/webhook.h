/* webhook.h — webhook deliveries: the URL policy (SSRF), the body, the signature, and one attempt over HTTP(S) with libcurl. */
#ifndef ORDERSYNC_WEBHOOK_H
#define ORDERSYNC_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "util.h"

struct config;
struct db_admin_event;
struct db_outbox_row;
struct sockaddr;

#define WEBHOOK_URL_MAX		2048	/* bytes of an endpoint's URL */
#define WEBHOOK_TIMEOUT_S	5	/* one attempt, connect to last byte */
#define WEBHOOK_SECRET_BYTES	32	/* random bytes of a secret (64 hex digits) */
#define WEBHOOK_SECRET_LEN	(2 * WEBHOOK_SECRET_BYTES)
#define WEBHOOK_ADDRS_MAX	8	/* resolved addresses pinned for a connection */
#define WEBHOOK_SIG_MAX		96	/* "t=<unix>,v1=<64 hex>" and its NUL */

/* What webhook_url_check() thought of a URL. */
enum webhook_url {
	WEBHOOK_URL_OK = 0,
	WEBHOOK_URL_SYNTAX,	/* not a URL, too long, a user name or password in it */
	WEBHOOK_URL_SCHEME,	/* not http or https */
	WEBHOOK_URL_UNRESOLVED,	/* the host has no address */
	WEBHOOK_URL_PRIVATE	/* an address is loopback, private, link-local… */
};

/*
 * Where a checked URL goes: its host as libcurl reads it and the port, and
 * the addresses found for it, so the connection uses exactly those
 * (CURLOPT_RESOLVE: no second look-up an attacker's DNS could answer
 * differently). literal: the host is an IP address itself.
 */
struct webhook_target {
	char	host[256];
	long	port;
	int	literal;
	char	addrs[WEBHOOK_ADDRS_MAX][48];	/* numeric, IPv6 without brackets */
	size_t	naddrs;
};

/*
 * 1 when an address must not be reached unless private addresses are
 * allowed: unspecified (0.0.0.0/8, ::), loopback (127/8, ::1), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
 * fe80::/10), shared CGNAT (100.64/10), IETF protocol assignments
 * (192.0.0/24), benchmarking (198.18/15), multicast (224/4, ff00::/8),
 * reserved and broadcast (240/4), site-local (fec0::/10), and any IPv6
 * address that carries an IPv4 one (IPv4-mapped ::ffff:0:0/96,
 * IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) when that
 * IPv4 address is one of these. sa is AF_INET or AF_INET6; any other
 * family is refused (1).
 */
int	webhook_addr_blocked(const struct sockaddr *sa);
/* webhook_addr_blocked() of a numeric address ("10.0.0.1", "::ffff:127.0.0.1"); -1 when ip is not one. */
int	webhook_ip_blocked(const char *ip);

/*
 * Checks url for an endpoint: http or https only (read with libcurl's
 * URL parser), no user name or password, at most WEBHOOK_URL_MAX bytes;
 * then resolves its host (getaddrinfo) and refuses it when ANY address it
 * has is blocked (webhook_addr_blocked), unless allow_private. Fills *t
 * (may be NULL) on success. Returns WEBHOOK_URL_OK or why not.
 */
enum webhook_url webhook_url_check(const char *url, int allow_private,
		    struct webhook_target *t /* OUT */);
/* The locale key of a refusal's message ("notifications.errors.url_private"). */
const char	*webhook_url_error_key(enum webhook_url why);

/*
 * A new endpoint secret into out (WEBHOOK_SECRET_LEN + 1 bytes): 32 random
 * bytes (libsodium) as lowercase hex. The HMAC key is this text itself.
 */
void	webhook_secret_new(char *out);
/*
 * The Ordersync-Signature value for body sent at time t, keyed with
 * secret's text: "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">", into out
 * (WEBHOOK_SIG_MAX bytes). sodium_init() must have run.
 */
void	webhook_sign(const char *secret, int64_t t, const char *body, size_t bodylen,
	    char *out /* OUT */);

/*
 * The body of a delivery, appended to b: {"delivery": id, "type": type,
 * "store": slug, "created_at": created_at, "event": the feed's text of ev
 * (feed_event_text), or null when ev is NULL}. The same bytes for the same
 * row at every attempt.
 */
void	webhook_body(struct buf *b, int64_t id, const char *type, const char *slug,
	    int64_t created_at, const struct db_admin_event *ev);

/* How one attempt ended, for the outbox. */
enum webhook_outcome {
	WEBHOOK_SENT,		/* a 2xx answer */
	WEBHOOK_RETRY,		/* 408, 429, 5xx, a timeout, no connection */
	WEBHOOK_REJECTED	/* any other 4xx, a 3xx (redirects are not followed),
				   a URL now refused, a paused or deleted endpoint */
};

/* What one attempt saw. */
struct webhook_result {
	enum webhook_outcome	outcome;
	long			http_status;	/* 0 when no answer came */
	int64_t			latency_ms;	/* -1 when nothing was sent */
	char			why[256];	/* a one-line reason when not WEBHOOK_SENT */
};

/*
 * One attempt at the claimed webhook row: reads what the body needs (the
 * endpoint's secret, the store's slug, the event) from db, checks the URL
 * again (cfg's ORDERSYNC_WEBHOOK_ALLOW_PRIVATE) and pins its addresses,
 * then POSTs the body signed at this moment with libcurl: no proxy, no
 * redirects followed, http and https only, WEBHOOK_TIMEOUT_S in all.
 * Fills *r. Returns DB_OK, or the database error that kept it from trying
 * (r then says retry).
 */
enum db_status webhook_attempt(struct db *db, const struct config *cfg,
		    const struct db_outbox_row *row, struct webhook_result *r /* OUT */);

#endif
