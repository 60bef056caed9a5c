/* order.c — the order domain: statuses and their workflow, numbers, totals, times, the order as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "order.h"
#include "util.h"

static const char *const status_names[ORDER_NSTATUS] = {
	[ORDER_PENDING]		= "pending",
	[ORDER_PROCESSING]	= "processing",
	[ORDER_READY]		= "ready",
	[ORDER_COMPLETED]	= "completed",
	[ORDER_CANCELLED]	= "cancelled",
};

/*
 * The workflow, the one copy of it: allowed[from][to] and the one-click next
 * step. Everything else — the db layer's guarded update, the admin pages'
 * buttons, the browser's in-place row updates (through the texts the page
 * embeds) — asks these tables.
 */
static const unsigned char allowed[ORDER_NSTATUS][ORDER_NSTATUS] = {
	/*		  pend proc ready compl cancel */
	[ORDER_PENDING]	   = { 0, 1, 0, 0, 1 },
	[ORDER_PROCESSING] = { 0, 0, 1, 1, 1 },
	[ORDER_READY]	   = { 0, 0, 0, 1, 1 },
	[ORDER_COMPLETED]  = { 0, 0, 0, 0, 0 },
	[ORDER_CANCELLED]  = { 0, 0, 0, 0, 0 },
};
static const int next_step[ORDER_NSTATUS] = {
	[ORDER_PENDING]		= ORDER_PROCESSING,
	[ORDER_PROCESSING]	= ORDER_READY,
	[ORDER_READY]		= ORDER_COMPLETED,
	[ORDER_COMPLETED]	= -1,
	[ORDER_CANCELLED]	= -1,
};

static int
status_ok(int s)
{
	return s >= 0 && s < ORDER_NSTATUS;
}

const char *
order_status_name(int s)
{
	return status_ok(s) ? status_names[s] : NULL;
}

int
order_status_parse(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ORDER_NSTATUS; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

int
order_transition_ok(int from, int to)
{
	return status_ok(from) && status_ok(to) && allowed[from][to];
}

int
order_next_step(int s)
{
	return status_ok(s) ? next_step[s] : -1;
}

int
order_status_final(int s)
{
	int to;

	if (!status_ok(s))
		return 0;
	for (to = 0; to < ORDER_NSTATUS; to++)
		if (allowed[s][to])
			return 0;
	return 1;
}

int
order_cancellable(int s)
{
	return order_transition_ok(s, ORDER_CANCELLED);
}

static const char number_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void
order_number_new(char *out, time_t now)
{
	struct tm tm;
	unsigned int y, m, d;
	size_t i;

	util_localtime(now, &tm);
	y = (unsigned int)(tm.tm_year + 1900) % 10000;
	m = (unsigned int)(tm.tm_mon + 1) % 100;
	d = (unsigned int)tm.tm_mday % 100;
	snprintf(out, ORDER_NUMBER_LEN + 1, "CMD-%04u%02u%02u-", y, m, d);
	for (i = 13; i < ORDER_NUMBER_LEN; i++)
		out[i] = number_alphabet[randombytes_uniform(sizeof number_alphabet - 1)];
	out[ORDER_NUMBER_LEN] = '\0';
}

int
order_number_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != ORDER_NUMBER_LEN || strncmp(s, "CMD-", 4) != 0 ||
	    s[12] != '-')
		return 0;
	for (i = 4; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (i = 13; i < ORDER_NUMBER_LEN; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

void
order_token_new(char *out, size_t nbytes)
{
	unsigned char rnd[64];

	if (nbytes > sizeof rnd)
		nbytes = sizeof rnd;
	randombytes_buf(rnd, nbytes);
	sodium_bin2hex(out, 2 * nbytes + 1, rnd, nbytes);
	sodium_memzero(rnd, sizeof rnd);
}

void
order_rfc3339(char out[ORDER_TIME_LEN], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0 ||
	    strftime(out, ORDER_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, ORDER_TIME_LEN, "1970-01-01T00:00:00Z");
}

int64_t
order_day_start(time_t now)
{
	struct tm tm;

	util_localtime(now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)util_mktime(&tm);
}

int
order_line_total(int64_t unit_price_cents, int64_t qty, int64_t *out)
{
	if (unit_price_cents < 0 || qty < 0 ||
	    (qty > 0 && unit_price_cents > INT64_MAX / qty))
		return -1;
	*out = unit_price_cents * qty;
	return 0;
}

int
order_total_add(int64_t *total, int64_t unit_price_cents, int64_t qty)
{
	int64_t line;

	if (order_line_total(unit_price_cents, qty, &line) != 0 || *total < 0 ||
	    line > INT64_MAX - *total)
		return -1;
	*total += line;
	return 0;
}

char *
order_seller_name(const char *email)
{
	const char *at = strchr(email, '@');

	return at != NULL && at > email ? xstrndup(email, (size_t)(at - email)) :
	    xstrdup(email);
}

void
order_clear(struct order *o)
{
	size_t i;

	if (o == NULL)
		return;
	free(o->customer_name);
	free(o->email);
	free(o->phone);
	free(o->notes);
	free(o->store_name);
	free(o->address);
	free(o->postcode);
	free(o->city);
	free(o->created_by_name);
	for (i = 0; o->items != NULL && i < o->nitems; i++) {
		free(o->items[i].sku);
		free(o->items[i].name);
	}
	free(o->items);
	memset(o, 0, sizeof *o);
}

void
order_free_all(struct order *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		order_clear(&v[i]);
	free(v);
}

char *
order_url(const char *base_url, const char *number, const char *token)
{
	return xasprintf("%s/orders/%s?t=%s", base_url, number, token);
}

static void
add_string(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val != NULL ? val : ""));
}

static void
add_time(struct json_object *o, const char *key, int64_t t)
{
	char when[ORDER_TIME_LEN];

	order_rfc3339(when, t);
	add_string(o, key, when);
}

struct json_object *
order_json(const struct order *o, const char *base_url)
{
	struct json_object *j = json_object_new_object(), *items, *it, *c;
	int64_t line;
	char *url;
	size_t i;

	add_string(j, "number", o->number);
	add_string(j, "status", order_status_name(o->status));
	items = json_object_new_array();
	for (i = 0; i < o->nitems; i++) {
		it = json_object_new_object();
		add_string(it, "sku", o->items[i].sku);
		add_string(it, "name", o->items[i].name);
		json_object_object_add(it, "unit_price_cents",
		    json_object_new_int64(o->items[i].unit_price_cents));
		json_object_object_add(it, "qty", json_object_new_int64(o->items[i].qty));
		if (order_line_total(o->items[i].unit_price_cents, o->items[i].qty, &line) != 0)
			line = 0;
		json_object_object_add(it, "line_total_cents", json_object_new_int64(line));
		json_object_array_add(items, it);
	}
	json_object_object_add(j, "items", items);
	json_object_object_add(j, "items_count", json_object_new_int64(o->items_count));
	json_object_object_add(j, "total_cents", json_object_new_int64(o->total_cents));
	add_string(j, "currency", o->currency);
	c = json_object_new_object();
	add_string(c, "name", o->customer_name);
	add_string(c, "email", o->email);
	add_string(c, "phone", o->phone);
	json_object_object_add(j, "customer", c);
	add_string(j, "notes", o->notes);
	add_string(j, "source", o->source);
	add_string(j, "fulfilment", o->fulfilment);
	if (strcmp(o->fulfilment, "delivery") == 0) {
		c = json_object_new_object();
		add_string(c, "address", o->address);
		add_string(c, "postcode", o->postcode);
		add_string(c, "city", o->city);
		json_object_object_add(j, "delivery", c);
	} else
		json_object_object_add(j, "delivery", NULL);
	add_string(j, "language", o->language);
	add_time(j, "created_at", o->created_at);
	add_time(j, "updated_at", o->updated_at);
	url = order_url(base_url, o->number, o->access_token);
	add_string(j, "url", url);
	free(url);
	return j;
}

char *
order_snapshot(const struct order *o, int from)
{
	struct json_object *j = json_object_new_object(), *s = json_object_new_object();
	char *text;

	add_string(s, "number", o->number);
	add_string(s, "status", order_status_name(o->status));
	json_object_object_add(s, "total_cents", json_object_new_int64(o->total_cents));
	add_string(s, "currency", o->currency);
	add_string(s, "customer_name", o->customer_name);
	json_object_object_add(s, "items_count", json_object_new_int64(o->items_count));
	add_time(s, "created_at", o->created_at);
	add_string(s, "source", o->source);
	add_string(s, "fulfilment", o->fulfilment);
	json_object_object_add(s, "paid_cents", json_object_new_int64(o->paid_cents));
	if (o->created_by_name != NULL && *o->created_by_name != '\0')
		add_string(s, "created_by_name", o->created_by_name);
	json_object_object_add(j, "order", s);
	if (order_status_name(from) != NULL) {
		add_string(j, "from", order_status_name(from));
		add_string(j, "to", order_status_name(o->status));
	}
	text = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return text;
}
