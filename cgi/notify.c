/* notify.c — who is told of an event beyond the open tab: which mails an order event sends, the webhook event types. */
#include <string.h>

#include "notify.h"
#include "order.h"

unsigned
notify_order_mails(const char *type, int from, int to)
{
	if (strcmp(type, "order_created") == 0)
		return NOTIFY_CUSTOMER_PLACED | NOTIFY_STAFF_NEW;
	if (strcmp(type, "order_updated") == 0 && to == ORDER_READY && from != ORDER_READY)
		return NOTIFY_CUSTOMER_READY;
	if (strcmp(type, "order_cancelled") == 0)
		return NOTIFY_CUSTOMER_CANCELLED;
	return 0;
}

static const struct {
	unsigned	 bit;
	const char	*name;
} templates[] = {
	{ NOTIFY_CUSTOMER_PLACED,	"order_placed" },
	{ NOTIFY_CUSTOMER_READY,	"order_ready" },
	{ NOTIFY_CUSTOMER_CANCELLED,	"order_cancelled" },
	{ NOTIFY_STAFF_NEW,		"staff_new_order" },
	{ NOTIFY_STAFF_UNATTENDED,	"staff_unattended" },
};

const char *
notify_mail_template(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (templates[i].bit == bit)
			return templates[i].name;
	return NULL;
}

unsigned
notify_mail_of_template(const char *template)
{
	size_t i;

	for (i = 0; template != NULL && i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].name, template) == 0)
			return templates[i].bit;
	return 0;
}

int
notify_next_address(const char **pp, char *out, size_t outsz)
{
	const char *p = *pp, *start, *e;
	size_t n;

	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0') {
			*pp = p;
			return 0;
		}
		start = p;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - start);
		while (n > 0 && start[n - 1] == ' ')
			n--;
		p = e;
		if (n > 0 && n < outsz) {
			memcpy(out, start, n);
			out[n] = '\0';
			*pp = p;
			return 1;
		}
	}
}

long long
notify_watch_secs(int poll_ms)
{
	long long w = 2 * (long long)poll_ms / 1000;

	return w < 60 ? 60 : w;
}

const char *const notify_webhook_types[] = {
	"order_created", "order_updated", "order_cancelled", "order_unattended",
	"payment_created", "payment_completed", "payment_refunded", "stock_low", NULL
};

int
notify_webhook_type_ok(const char *type)
{
	size_t i;

	for (i = 0; notify_webhook_types[i] != NULL; i++)
		if (strcmp(notify_webhook_types[i], type) == 0)
			return 1;
	return 0;
}

/* The index of the n-byte name s in notify_webhook_types; -1 when none. */
static int
type_index(const char *s, size_t n)
{
	int i;

	for (i = 0; notify_webhook_types[i] != NULL; i++)
		if (strlen(notify_webhook_types[i]) == n &&
		    memcmp(notify_webhook_types[i], s, n) == 0)
			return i;
	return -1;
}

int
notify_events_parse(const char *list, char *out, size_t outsz)
{
	unsigned want = 0;
	const char *p = list, *e;
	size_t len = 0, n;
	int i, all = 1;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 1 && *p == '*')
			want = ~0u;
		else if ((i = type_index(p, n)) < 0)
			return -1;
		else
			want |= 1u << i;
		all = 0;
		p = e;
	}
	if (all)
		want = ~0u;
	if (outsz == 0)
		return -1;
	out[0] = '\0';
	for (i = 0; notify_webhook_types[i] != NULL; i++) {
		if (!(want & (1u << i)))
			continue;
		n = strlen(notify_webhook_types[i]);
		if (len + (len > 0) + n + 1 > outsz)
			return -1;
		if (len > 0)
			out[len++] = ',';
		memcpy(out + len, notify_webhook_types[i], n + 1);
		len += n;
	}
	return 0;
}

int
notify_events_has(const char *list, const char *type)
{
	size_t n = strlen(type);
	const char *p = list;

	if (n == 0)
		return 0;
	while ((p = strstr(p, type)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}
