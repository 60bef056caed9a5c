/* store.h — the store domain: slugs, settings and their limits, the environment's defaults. No I/O. */
#ifndef ORDERSYNC_STORE_H
#define ORDERSYNC_STORE_H

#include <stddef.h>
#include <stdint.h>

struct config;

#define STORE_DEFAULT_ID	1	/* slug "default", served at "/", never removed */
#define STORE_SLUG_MAX		64
#define STORE_NAME_MAX		100	/* characters */
#define STORE_EMAIL_MAX		254
#define STORE_PHONE_MAX		40
#define STORE_ADDRESS_MAX	500
#define STORE_HOURS_MAX		1000
#define STORE_VAT_MAX		200
#define STORE_LEGAL_MAX		10000
#define STORE_TZ_MAX		64
#define STORE_EMAILS_MAX	1000	/* a comma-separated list of addresses */
#define STORE_ESCALATE_MAX	1440	/* minutes; 0: no escalation */

/* What a store offers its customers (stores.fulfilment). */
enum store_fulfilment {
	STORE_PICKUP = 0,
	STORE_DELIVERY,
	STORE_BOTH
};

/*
 * A store and its settings as they apply: where the store has no own name,
 * currency, language or time zone, the environment's value (struct config)
 * stands in, and own_* says which are the store's. Strings are owned and
 * freed by store_free(); none is NULL once filled.
 */
struct store {
	int64_t			 id;
	char			 slug[STORE_SLUG_MAX + 1];
	char			*name;
	char			*contact_email, *phone, *address, *hours;
	enum store_fulfilment	 fulfilment;
	char			*vat_note, *legal;
	char			 currency[4];
	char			 lang[3];
	char			*tz;
	char			*alert_emails;
	int			 escalate_minutes;
	char			*escalate_emails;
	int			 own_name, own_currency, own_lang, own_tz;
};

void	store_free(struct store *s);
/*
 * Fills what the store left unset from the environment's values: the
 * name, currency, language and time zone whose own_* is 0.
 */
void	store_defaults(struct store *s, const struct config *cfg);

/* 1 when s is a slug: 1..STORE_SLUG_MAX of [a-z0-9-] (DESIGN.md "Data"). */
int	store_slug_ok(const char *s);
/* The fulfilment's name ("pickup", "delivery", "both"). */
const char *store_fulfilment_name(enum store_fulfilment f);
/* Reads a fulfilment's name; -1 when unknown. */
int	store_fulfilment_parse(const char *s, enum store_fulfilment *out /* OUT */);
/* 1 when the store offers f (STORE_PICKUP or STORE_DELIVERY) to its customers. */
int	store_offers(const struct store *s, enum store_fulfilment f);
/*
 * 1 when s is a list of email addresses separated by commas (spaces around
 * them allowed; "" is the empty list), at most STORE_EMAILS_MAX bytes.
 */
int	store_emails_ok(const char *s);
#endif
