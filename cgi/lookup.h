/* lookup.h — a lost order link found again: GET/POST /orders/lookup (number + email → the order page). */
#ifndef ORDERSYNC_LOOKUP_H
#define ORDERSYNC_LOOKUP_H

#include <stddef.h>

#include "router.h"

#define LOOKUP_NUMBER_MAX	40		/* characters of the number field */
#define LOOKUP_EMAIL_MAX	254		/* characters of the email field (RFC 5321's path) */
#define LOOKUP_MAX_FAILED	10		/* failed look-ups from one address ... */
#define LOOKUP_WINDOW		(15 * 60)	/* ... in this window: 429 until the oldest leaves it */

/* GET /orders/lookup (the form) and POST /orders/lookup; main.c lists the table. */
extern const struct route lookup_routes[];
extern const size_t lookup_nroutes;

#endif
