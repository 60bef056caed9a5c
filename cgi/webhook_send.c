/* webhook_send.c — one webhook attempt: the body from the row, the URL checked again and pinned, a signed POST with libcurl, the answer classified. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "db_admin.h"
#include "db_outbox.h"
#include "db_webhooks.h"
#include "webhook.h"

/* Milliseconds on the monotonic clock. */
static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CURLOPT_WRITEFUNCTION: the receiver's answer body is not kept. */
static size_t
discard(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

/*
 * The row's body into b: its payload as it is when it has one (a body
 * queued whole), else {"delivery", "type", "store", "created_at", "event"}
 * with the event read again from its row (null for a ping, or an event no
 * longer kept). An event row never changes, so every attempt sends the
 * same bytes.
 */
static enum db_status
row_body(struct db *db, const struct db_outbox_row *row, const struct db_webhook_send *info,
    struct buf *b)
{
	struct db_admin_event *ev = NULL;
	size_t n = 0;
	enum db_status rc = DB_OK;

	if (row->payload != NULL && row->payload[0] != '\0') {
		buf_puts(b, row->payload);
		return DB_OK;
	}
	if (row->event_id > 0)
		rc = db_admin_feed_read(db, row->store_id, row->event_id - 1, 1, &ev, &n);
	if (rc == DB_OK)
		webhook_body(b, row->id, row->template, info->slug, info->created_at,
		    n == 1 && ev[0].id == row->event_id ? &ev[0] : NULL);
	db_admin_events_free(ev, n);
	return rc;
}

/* The outcome of an HTTP status that came back. */
static enum webhook_outcome
classify(long code, char *why, size_t whysz)
{
	if (code >= 200 && code <= 299)
		return WEBHOOK_SENT;
	snprintf(why, whysz, "the receiver answered %ld", code);
	if (code >= 300 && code <= 399) {
		snprintf(why, whysz, "the receiver answered %ld: redirects are not followed",
		    code);
		return WEBHOOK_REJECTED;
	}
	if (code >= 400 && code <= 499 && code != 408 && code != 429)
		return WEBHOOK_REJECTED;
	return WEBHOOK_RETRY;
}

/* The POST itself, to the checked target t; fills r. */
static void
post(const struct db_outbox_row *row, const struct webhook_target *t, const char *secret,
    const struct buf *body, struct webhook_result *r)
{
	struct curl_slist *hdr = NULL, *pin = NULL;
	char line[WEBHOOK_SIG_MAX + 64], sig[WEBHOOK_SIG_MAX];
	struct buf resolve;
	int64_t start;
	size_t i;
	CURLcode rc;
	CURL *c;

	if ((c = curl_easy_init()) == NULL) {
		r->outcome = WEBHOOK_RETRY;
		snprintf(r->why, sizeof r->why, "libcurl could not start");
		return;
	}
	buf_init(&resolve);
	if (!t->literal) {
		/* The addresses just checked, and no others: no second DNS answer. */
		buf_printf(&resolve, "%s:%ld:", t->host, t->port);
		for (i = 0; i < t->naddrs; i++)
			buf_printf(&resolve, strchr(t->addrs[i], ':') ? "%s[%s]" : "%s%s",
			    i > 0 ? "," : "", t->addrs[i]);
		pin = curl_slist_append(pin, buf_str(&resolve));
		curl_easy_setopt(c, CURLOPT_RESOLVE, pin);
	}
	webhook_sign(secret, (int64_t)time(NULL), body->data ? body->data : "", body->len, sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	snprintf(line, sizeof line, "Ordersync-Signature: %s", sig);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof line, "Ordersync-Event: %s", row->template);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof line, "Ordersync-Delivery: %" PRId64, row->id);
	hdr = curl_slist_append(hdr, line);
	curl_easy_setopt(c, CURLOPT_URL, row->target);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ordersync");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data ? body->data : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_S * 1000);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)WEBHOOK_TIMEOUT_S * 1000);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	start = mono_ms();
	rc = curl_easy_perform(c);
	r->latency_ms = mono_ms() - start;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->http_status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	curl_slist_free_all(pin);
	buf_free(&resolve);
	if (rc == CURLE_OK) {
		r->outcome = classify(r->http_status, r->why, sizeof r->why);
		return;
	}
	r->http_status = 0;	/* a status line without the rest is no answer */
	r->outcome = rc == CURLE_UNSUPPORTED_PROTOCOL ? WEBHOOK_REJECTED : WEBHOOK_RETRY;
	snprintf(r->why, sizeof r->why, "%s%s", curl_easy_strerror(rc),
	    rc == CURLE_OPERATION_TIMEDOUT ? " (no answer within 5 s)" : "");
}

enum db_status
webhook_attempt(struct db *db, const struct config *cfg, const struct db_outbox_row *row,
    struct webhook_result *r)
{
	struct db_webhook_send info;
	struct webhook_target t;
	enum webhook_url u;
	struct buf body;
	enum db_status rc;

	memset(r, 0, sizeof *r);
	r->outcome = WEBHOOK_RETRY;
	r->latency_ms = -1;
	rc = db_webhooks_send_info(db, row->id, &info);
	if (rc == DB_NOTFOUND) {
		r->outcome = WEBHOOK_REJECTED;
		snprintf(r->why, sizeof r->why, "the endpoint was deleted");
		return DB_OK;
	}
	if (rc != DB_OK) {
		snprintf(r->why, sizeof r->why, "database error");
		return rc;
	}
	buf_init(&body);
	if (!info.active) {
		r->outcome = WEBHOOK_REJECTED;
		snprintf(r->why, sizeof r->why, "the endpoint is paused");
	} else if ((u = webhook_url_check(row->target, cfg->webhook_allow_private, &t)) !=
	    WEBHOOK_URL_OK) {
		/* Checked at each attempt: a name may resolve elsewhere since it was saved. */
		r->outcome = u == WEBHOOK_URL_UNRESOLVED ? WEBHOOK_RETRY : WEBHOOK_REJECTED;
		snprintf(r->why, sizeof r->why, "the URL is refused: %s",
		    u == WEBHOOK_URL_PRIVATE ? "it resolves to a loopback, private or "
		    "link-local address (ORDERSYNC_WEBHOOK_ALLOW_PRIVATE is not 1)" :
		    u == WEBHOOK_URL_UNRESOLVED ? "its host has no address" :
		    "not an http(s) URL");
	} else if ((rc = row_body(db, row, &info, &body)) != DB_OK) {
		snprintf(r->why, sizeof r->why, "database error");
	} else {
		post(row, &t, info.secret, &body, r);
		rc = db_outbox_webhook_answer(db, row->id, r->http_status, r->latency_ms);
	}
	if (r->latency_ms < 0 && rc == DB_OK)
		rc = db_outbox_webhook_answer(db, row->id, 0, -1);
	buf_free(&body);
	if (info.secret != NULL)
		memset(info.secret, 0, strlen(info.secret));
	free(info.secret);
	return rc;
}
