/* store.c — the store domain: slugs, settings and their limits, the environment's defaults. No I/O. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "store.h"
#include "util.h"
#include "valid.h"

static const char *const fulfilment_names[] = { "pickup", "delivery", "both" };

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->contact_email);
	free(s->phone);
	free(s->address);
	free(s->hours);
	free(s->vat_note);
	free(s->legal);
	free(s->tz);
	free(s->alert_emails);
	free(s->escalate_emails);
	memset(s, 0, sizeof *s);
}

void
store_defaults(struct store *s, const struct config *cfg)
{
	if (!s->own_name) {
		free(s->name);
		s->name = xstrdup(cfg->shop_name);
	}
	if (!s->own_currency)
		memcpy(s->currency, cfg->currency, sizeof s->currency);
	if (!s->own_lang)
		memcpy(s->lang, cfg->lang, sizeof s->lang);
	if (!s->own_tz) {
		free(s->tz);
		s->tz = xstrdup(cfg->tz);
	}
}

int
store_slug_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return n >= 1 && n <= STORE_SLUG_MAX && s[n] == '\0';
}

const char *
store_fulfilment_name(enum store_fulfilment f)
{
	return (size_t)f < NELEM(fulfilment_names) ? fulfilment_names[f] : "pickup";
}

int
store_fulfilment_parse(const char *s, enum store_fulfilment *out)
{
	size_t i;

	for (i = 0; i < NELEM(fulfilment_names); i++)
		if (strcmp(s, fulfilment_names[i]) == 0) {
			*out = (enum store_fulfilment)i;
			return 0;
		}
	return -1;
}

int
store_offers(const struct store *s, enum store_fulfilment f)
{
	return s->fulfilment == STORE_BOTH || s->fulfilment == f;
}

int
store_emails_ok(const char *s)
{
	char one[STORE_EMAIL_MAX + 1];
	const char *p = s, *end;
	size_t n;

	if (strlen(s) > STORE_EMAILS_MAX)
		return 0;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 1;
	for (;;) {
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0 || n > STORE_EMAIL_MAX)
			return 0;
		memcpy(one, p, n);
		one[n] = '\0';
		if (!valid_email(one, STORE_EMAIL_MAX))
			return 0;
		if (*end == '\0')
			return 1;
		p = end + 1;
		while (*p == ' ')
			p++;
	}
}
