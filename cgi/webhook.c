/* webhook.c — webhook rules without I/O but DNS: the URL policy (SSRF), the secret, the signature and the body. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <sodium.h>

#include "feed.h"
#include "webhook.h"

/* 1 when the IPv4 address a (network byte order, as four bytes) is blocked. */
static int
v4_blocked(const unsigned char *a)
{
	return a[0] == 0 ||				/* 0.0.0.0/8: "this network" */
	    a[0] == 10 ||				/* 10/8 private */
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||	/* 100.64/10 shared (CGNAT) */
	    a[0] == 127 ||				/* 127/8 loopback */
	    (a[0] == 169 && a[1] == 254) ||		/* 169.254/16 link-local */
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||	/* 172.16/12 private */
	    (a[0] == 192 && a[1] == 0 && a[2] == 0) ||	/* 192.0.0/24 IETF */
	    (a[0] == 192 && a[1] == 168) ||		/* 192.168/16 private */
	    (a[0] == 198 && (a[1] & 0xfe) == 18) ||	/* 198.18/15 benchmarking */
	    a[0] >= 224;				/* multicast, reserved, broadcast */
}

/* 1 when the IPv6 address a (16 bytes) is blocked, or carries a blocked IPv4 one. */
static int
v6_blocked(const unsigned char *a)
{
	static const unsigned char zero[12], mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff }, nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	if (memcmp(a, zero, 12) == 0)		/* ::, ::1 and IPv4-compatible ::a.b.c.d */
		return (a[12] | a[13] | a[14]) == 0 ? 1 : v4_blocked(a + 12);
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_blocked(a + 12);
	if (a[0] == 0x20 && a[1] == 0x02)	/* 2002::/16 6to4: the IPv4 address follows */
		return v4_blocked(a + 2);
	return (a[0] & 0xfe) == 0xfc ||		/* fc00::/7 unique local */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||	/* fe80::/10 link-local */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||	/* fec0::/10 site-local */
	    a[0] == 0xff;			/* ff00::/8 multicast */
}

int
webhook_addr_blocked(const struct sockaddr *sa)
{
	const struct sockaddr_in *in4;
	const struct sockaddr_in6 *in6;

	if (sa->sa_family == AF_INET) {
		in4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_blocked((const unsigned char *)&in4->sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return v6_blocked(in6->sin6_addr.s6_addr);
	}
	return 1;
}

int
webhook_ip_blocked(const char *ip)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		return v4_blocked(a);
	if (inet_pton(AF_INET6, ip, a) == 1)
		return v6_blocked(a);
	return -1;
}

/* 1 when every byte of s is printable ASCII (no space, no control, no 8-bit). */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* The URL's parts libcurl read into t (host without IPv6 brackets, port); a refusal or OK. */
static enum webhook_url
parse_url(const char *url, struct webhook_target *t)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pass = NULL;
	enum webhook_url rc = WEBHOOK_URL_SYNTAX;
	size_t n;

	if (strlen(url) > WEBHOOK_URL_MAX || !printable(url) || (u = curl_url()) == NULL)
		return WEBHOOK_URL_SYNTAX;
	/* Any scheme parses, so that file:// or gopher:// is named as a wrong scheme. */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		rc = WEBHOOK_URL_SCHEME;
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) != CURLUE_NO_PASSWORD ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
		n -= 2;
	}
	if (n == 0 || n >= sizeof t->host)
		goto out;
	memcpy(t->host, host, n + 1);
	t->port = strtol(port, NULL, 10);
	if (t->port < 1 || t->port > 65535)
		goto out;
	rc = WEBHOOK_URL_OK;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return rc;
}

enum webhook_url
webhook_url_check(const char *url, int allow_private, struct webhook_target *out)
{
	struct webhook_target t;
	struct addrinfo hints, *res = NULL, *ai;
	enum webhook_url rc;
	unsigned char probe[16];
	const void *a;

	memset(&t, 0, sizeof t);
	if ((rc = parse_url(url, &t)) != WEBHOOK_URL_OK)
		return rc;
	t.literal = inet_pton(AF_INET, t.host, probe) == 1 ||
	    inet_pton(AF_INET6, t.host, probe) == 1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(t.host, NULL, &hints, &res) != 0 || res == NULL)
		return WEBHOOK_URL_UNRESOLVED;
	rc = WEBHOOK_URL_OK;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		/* Every address counts: a name with one public and one private address is refused. */
		if (!allow_private && webhook_addr_blocked(ai->ai_addr)) {
			rc = WEBHOOK_URL_PRIVATE;
			break;
		}
		if (t.naddrs == WEBHOOK_ADDRS_MAX)
			continue;
		a = ai->ai_family == AF_INET ?
		    (const void *)&((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr;
		if (inet_ntop(ai->ai_family, a, t.addrs[t.naddrs], sizeof t.addrs[0]) != NULL)
			t.naddrs++;
	}
	freeaddrinfo(res);
	if (rc == WEBHOOK_URL_OK && t.naddrs == 0)
		rc = WEBHOOK_URL_UNRESOLVED;
	if (rc == WEBHOOK_URL_OK && out != NULL)
		*out = t;
	return rc;
}

const char *
webhook_url_error_key(enum webhook_url why)
{
	switch (why) {
	case WEBHOOK_URL_OK:		return NULL;
	case WEBHOOK_URL_SCHEME:	return "notifications.errors.url_scheme";
	case WEBHOOK_URL_UNRESOLVED:	return "notifications.errors.url_unresolved";
	case WEBHOOK_URL_PRIVATE:	return "notifications.errors.url_private";
	default:			return "notifications.errors.url";
	}
}

void
webhook_secret_new(char *out)
{
	unsigned char raw[WEBHOOK_SECRET_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, WEBHOOK_SECRET_LEN + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void
webhook_sign(const char *secret, int64_t t, const char *body, size_t bodylen, char *out)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	int n;

	n = snprintf(ts, sizeof ts, "%" PRId64 ".", t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	    (unsigned long long)bodylen);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, WEBHOOK_SIG_MAX, "t=%" PRId64 ",v1=%s", t, hex);
}

void
webhook_body(struct buf *b, int64_t id, const char *type, const char *slug,
    int64_t created_at, const struct db_admin_event *ev)
{
	buf_printf(b, "{\"delivery\":%" PRId64 ",\"type\":", id);
	feed_json_string(b, type);
	buf_puts(b, ",\"store\":");
	feed_json_string(b, slug);
	buf_printf(b, ",\"created_at\":%" PRId64 ",\"event\":", created_at);
	if (ev != NULL)
		feed_event_text(b, ev);
	else
		buf_puts(b, "null");
	buf_putc(b, '}');
}
