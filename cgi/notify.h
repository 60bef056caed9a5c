/* notify.h — who is told of an event beyond the open tab: which mails an order event sends, the webhook event types. */
#ifndef ORDERSYNC_NOTIFY_H
#define ORDERSYNC_NOTIFY_H

#include <stddef.h>

/*
 * The mails an event sends, as bits. Each is an outbox job named by its
 * template (notify_mail_template), rendered when it is sent.
 */
enum notify_mail {
	NOTIFY_CUSTOMER_PLACED	 = 1 << 0,	/* to the customer: your order is placed */
	NOTIFY_CUSTOMER_READY	 = 1 << 1,	/* … it is ready (for pickup / out for delivery) */
	NOTIFY_CUSTOMER_CANCELLED = 1 << 2,	/* … it is cancelled */
	NOTIFY_STAFF_NEW	 = 1 << 3,	/* to the store's alert emails: a new order */
	NOTIFY_STAFF_UNATTENDED	 = 1 << 4	/* to the escalation contacts: still pending */
};

/*
 * The mails of an order event of type (an order_events type) that moved
 * the order from status from (enum order_status; -1 when it did not move)
 * to status to: order_created → placed + staff; order_updated into ready →
 * ready; order_cancelled → cancelled; nothing else. Whether a customer
 * mail can go (an email given) and staff mail (alert emails set) is the
 * caller's to check, with mail on.
 */
unsigned	 notify_order_mails(const char *type, int from, int to);
/* The outbox template of one NOTIFY_* bit ("order_placed", …); NULL for none. */
const char	*notify_mail_template(unsigned bit);
/* The bit of a template name; 0 when it is none of ours. */
unsigned	 notify_mail_of_template(const char *template);

/*
 * The next address of a comma-separated list (spaces around them allowed)
 * from *p into out (outsz bytes), *p moved past it. Returns 1 with one,
 * 0 at the end of the list; an entry too long for out is skipped.
 */
int		 notify_next_address(const char **p, char *out, size_t outsz);

/*
 * How far back a poll of the feed means someone is watching: two poll
 * intervals (DESIGN.md "Nobody watching"), but never less than 60 s, for
 * a session's polls are recorded at most every AUTH_POLL_WRITE_SECS (30 s).
 */
long long	 notify_watch_secs(int poll_ms);

/*
 * The event types a webhook endpoint may ask for: the feed's order and
 * payment types, stock_low, and order_unattended (the escalation). NULL
 * terminated.
 */
extern const char *const notify_webhook_types[];
/* 1 when type is one of notify_webhook_types. */
int	 notify_webhook_type_ok(const char *type);
/*
 * Normalises a comma-separated list of event types (spaces around names
 * allowed, "*" or an empty list meaning all of them) into out: known
 * names only, each once, in notify_webhook_types order, comma-separated.
 * Returns 0, or -1 when a name is unknown or out (outsz bytes) is too small.
 */
int	 notify_events_parse(const char *list, char *out, size_t outsz);
/* 1 when the normalised list (notify_events_parse) holds type. */
int	 notify_events_has(const char *list, const char *type);

#endif
