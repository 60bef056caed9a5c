/* product.c — the product domain: limits, prices as people type them, stock arithmetic, the low-stock rule, the product's JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "product.h"
#include "util.h"

int
product_price_parse(const char *s, int64_t *cents)
{
	int64_t units = 0;
	int frac = 0, nfrac = 0, ndigits = 0;

	if (s == NULL)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, ndigits++) {
		units = units * 10 + (*s - '0');
		if (units > PRODUCT_PRICE_MAX / 100)
			return -1;
	}
	if (ndigits == 0)
		return -1;
	if (*s == ',' || *s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac == 2)
				return -1;	/* "12,999": three decimals, or a thousands mark */
			frac = frac * 10 + (*s - '0');
		}
		if (nfrac == 0)
			return -1;
		if (nfrac == 1)
			frac *= 10;
	}
	if (*s != '\0' || units * 100 + frac > PRODUCT_PRICE_MAX)
		return -1;
	*cents = units * 100 + frac;
	return 0;
}

void
product_price_input(char *out, size_t outsz, int64_t cents, const char *lang)
{
	if (cents < 0)
		cents = 0;
	snprintf(out, outsz, "%lld%s%02lld", (long long)(cents / 100),
	    lang != NULL && strcmp(lang, "fr") == 0 ? "," : ".", (long long)(cents % 100));
}

int
product_delta_parse(const char *s, int64_t *delta)
{
	int64_t v = 0;
	int neg = 0, n = 0;

	if (s == NULL)
		return -1;
	if (*s == '+')
		s++;
	else if (*s == '-') {
		neg = 1;
		s++;
	} else if (strncmp(s, "\xe2\x88\x92", 3) == 0) {	/* U+2212 MINUS SIGN */
		neg = 1;
		s += 3;
	}
	for (; *s >= '0' && *s <= '9'; s++, n++)
		if ((v = v * 10 + (*s - '0')) > PRODUCT_STOCK_MAX)
			return -1;
	if (n == 0 || *s != '\0' || v == 0)
		return -1;
	*delta = neg ? -v : v;
	return 0;
}

int
product_stock_apply(int64_t stock, int64_t delta, int64_t *out)
{
	if (stock < 0 || stock > PRODUCT_STOCK_MAX || delta < -PRODUCT_STOCK_MAX ||
	    delta > PRODUCT_STOCK_MAX || stock + delta < 0 ||
	    stock + delta > PRODUCT_STOCK_MAX)
		return -1;
	*out = stock + delta;
	return 0;
}

int
product_crossed_low(int64_t before, int64_t after, int64_t threshold)
{
	return before > threshold && after <= threshold;
}

int
product_is_low(int64_t stock, int64_t threshold)
{
	return stock <= threshold;
}

void
product_clear(struct product *p)
{
	if (p == NULL)
		return;
	free(p->sku);
	free(p->name);
	free(p->description);
	free(p->store_name);
	memset(p, 0, sizeof *p);
}

void
product_free_all(struct product *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		product_clear(&v[i]);
	free(v);
}

char *
product_media_url(const char *base_url, const struct product_media *m)
{
	if (m->id[0] == '\0')
		return NULL;
	return xasprintf("%s/media/%s", base_url, m->id);
}

size_t
product_initial_len(const char *name)
{
	size_t n = 1;

	if (*name == '\0')
		return 0;
	while (name[n] != '\0' && ((unsigned char)name[n] & 0xc0) == 0x80)
		n++;
	return n;
}

struct json_object *
product_photo_json(const struct product_media *image, const struct product_media *thumb,
    const char *base_url)
{
	struct json_object *j;
	char *big, *small;

	if (image->id[0] == '\0' || thumb->id[0] == '\0')
		return NULL;
	big = product_media_url(base_url, image);
	small = product_media_url(base_url, thumb);
	j = json_object_new_object();
	json_object_object_add(j, "src", json_object_new_string(small));
	if (strcmp(image->id, thumb->id) == 0)
		json_object_object_add(j, "srcset", json_object_new_string_len(small, 0));
	else {
		char *set = xasprintf("%s %dw, %s %dw", small, thumb->width, big, image->width);

		json_object_object_add(j, "srcset", json_object_new_string(set));
		free(set);
	}
	json_object_object_add(j, "width", json_object_new_int(image->width));
	json_object_object_add(j, "height", json_object_new_int(image->height));
	free(big);
	free(small);
	return j;
}

struct json_object *
product_json(const struct product *p, const char *base_url)
{
	struct json_object *j = json_object_new_object();
	char *url = product_media_url(base_url, &p->image);

	json_object_object_add(j, "id", json_object_new_int64(p->id));
	json_object_object_add(j, "sku", json_object_new_string(p->sku ? p->sku : ""));
	json_object_object_add(j, "name", json_object_new_string(p->name ? p->name : ""));
	json_object_object_add(j, "description",
	    json_object_new_string(p->description ? p->description : ""));
	json_object_object_add(j, "price_cents", json_object_new_int64(p->price_cents));
	json_object_object_add(j, "stock", json_object_new_int64(p->stock));
	json_object_object_add(j, "active", json_object_new_boolean(p->active));
	json_object_object_add(j, "low_stock_at", json_object_new_int64(p->low_stock_at));
	json_object_object_add(j, "image", url ? json_object_new_string(url) : NULL);
	free(url);
	return j;
}

char *
product_snapshot(const struct product *p)
{
	struct json_object *j = json_object_new_object(), *s = json_object_new_object();
	char *text;

	json_object_object_add(s, "id", json_object_new_int64(p->id));
	json_object_object_add(s, "sku", json_object_new_string(p->sku ? p->sku : ""));
	json_object_object_add(s, "name", json_object_new_string(p->name ? p->name : ""));
	json_object_object_add(s, "stock", json_object_new_int64(p->stock));
	json_object_object_add(s, "low_stock_at", json_object_new_int64(p->low_stock_at));
	json_object_object_add(j, "product", s);
	text = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return text;
}
