/* orders.c — order numbers, random tokens, times, and the order as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db_shop.h"
#include "orders.h"
#include "util.h"

static const char number_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void
orders_new_number(char *out, time_t now)
{
	struct tm tm;
	unsigned int y, m, d;
	size_t i;

	localtime_r(&now, &tm);
	y = (unsigned int)(tm.tm_year + 1900) % 10000;
	m = (unsigned int)(tm.tm_mon + 1) % 100;
	d = (unsigned int)tm.tm_mday % 100;
	snprintf(out, ORDERS_NUMBER_LEN + 1, "CMD-%04u%02u%02u-", y, m, d);
	for (i = 13; i < ORDERS_NUMBER_LEN; i++)
		out[i] = number_alphabet[randombytes_uniform(sizeof number_alphabet - 1)];
	out[ORDERS_NUMBER_LEN] = '\0';
}

int
orders_number_valid(const char *s)
{
	size_t i;

	if (strlen(s) != ORDERS_NUMBER_LEN || strncmp(s, "CMD-", 4) != 0 || s[12] != '-')
		return 0;
	for (i = 4; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (i = 13; i < ORDERS_NUMBER_LEN; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

void
orders_random_hex(char *out, size_t nbytes)
{
	unsigned char rnd[64];

	if (nbytes > sizeof rnd)
		nbytes = sizeof rnd;
	randombytes_buf(rnd, nbytes);
	sodium_bin2hex(out, 2 * nbytes + 1, rnd, nbytes);
	sodium_memzero(rnd, sizeof rnd);
}

void
orders_rfc3339(char *out, size_t outsz, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
orders_url(const char *base_url, const char *number, const char *token)
{
	return xasprintf("%s/orders/%s?t=%s", base_url, number, token);
}

struct json_object *
orders_json(const struct shop_order *o, const char *base_url)
{
	struct json_object *j = json_object_new_object(), *items, *it, *c;
	char when[32], *url;
	size_t i;

	json_object_object_add(j, "number", json_object_new_string(o->number));
	json_object_object_add(j, "status", json_object_new_string(o->status));
	items = json_object_new_array();
	for (i = 0; i < o->nitems; i++) {
		it = json_object_new_object();
		json_object_object_add(it, "sku", json_object_new_string(o->items[i].sku));
		json_object_object_add(it, "name", json_object_new_string(o->items[i].name));
		json_object_object_add(it, "unit_price_cents",
		    json_object_new_int64(o->items[i].unit_price_cents));
		json_object_object_add(it, "qty", json_object_new_int(o->items[i].qty));
		json_object_object_add(it, "line_total_cents",
		    json_object_new_int64(o->items[i].unit_price_cents * o->items[i].qty));
		json_object_array_add(items, it);
	}
	json_object_object_add(j, "items", items);
	json_object_object_add(j, "items_count", json_object_new_int(o->items_count));
	json_object_object_add(j, "total_cents", json_object_new_int64(o->total_cents));
	json_object_object_add(j, "currency", json_object_new_string(o->currency));
	c = json_object_new_object();
	json_object_object_add(c, "name", json_object_new_string(o->customer_name));
	json_object_object_add(c, "email", json_object_new_string(o->email));
	json_object_object_add(c, "phone", json_object_new_string(o->phone));
	json_object_object_add(j, "customer", c);
	json_object_object_add(j, "notes", json_object_new_string(o->notes));
	orders_rfc3339(when, sizeof when, (time_t)o->created_at);
	json_object_object_add(j, "created_at", json_object_new_string(when));
	orders_rfc3339(when, sizeof when, (time_t)o->updated_at);
	json_object_object_add(j, "updated_at", json_object_new_string(when));
	url = orders_url(base_url, o->number, o->access_token);
	json_object_object_add(j, "url", json_object_new_string(url));
	free(url);
	return j;
}
