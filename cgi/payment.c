/* payment.c — the till's rules: methods, statuses and their transitions, the balance, cash change, when payments settle or block an order. No I/O. */
#include <string.h>

#include "order.h"
#include "payment.h"

static const char *const method_names[PAYMENT_NMETHOD] = {
	"cash", "card", "transfer", "other"
};
static const char *const status_names[PAYMENT_NSTATUS] = {
	"pending", "completed", "voided", "refunded"
};

const char *
payment_method_name(int m)
{
	return m >= 0 && m < PAYMENT_NMETHOD ? method_names[m] : NULL;
}

const char *
payment_status_name(int s)
{
	return s >= 0 && s < PAYMENT_NSTATUS ? status_names[s] : NULL;
}

/* The index of name in the n names of table, or -1. */
static int
lookup(const char *const *table, int n, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(name, table[i]) == 0)
			return i;
	return -1;
}

int
payment_method_parse(const char *name)
{
	return lookup(method_names, PAYMENT_NMETHOD, name);
}

int
payment_status_parse(const char *name)
{
	return lookup(status_names, PAYMENT_NSTATUS, name);
}

int
payment_after(int from, enum payment_action action)
{
	switch (action) {
	case PAYMENT_COMPLETE:
		return from == PAYMENT_PENDING ? PAYMENT_COMPLETED : -1;
	case PAYMENT_VOID:
		return from == PAYMENT_PENDING ? PAYMENT_VOIDED : -1;
	case PAYMENT_REFUND:
		return from == PAYMENT_COMPLETED ? PAYMENT_REFUNDED : -1;
	}
	return -1;
}

int64_t
payment_balance(int64_t total_cents, int64_t paid_cents)
{
	return paid_cents >= total_cents ? 0 : total_cents - paid_cents;
}

int64_t
payment_open_balance(int64_t total_cents, int64_t paid_cents, int64_t pending_cents)
{
	int64_t b = payment_balance(total_cents, paid_cents);

	return pending_cents >= b ? 0 : b - pending_cents;
}

enum payment_refusal
payment_check_amount(int order_status, int64_t total_cents, int64_t paid_cents,
    int64_t pending_cents, int64_t amount_cents, int method, int64_t tendered_cents)
{
	if (order_status_final(order_status))
		return PAYMENT_NOT_OPEN;
	if (amount_cents <= 0)
		return PAYMENT_ZERO;
	if (amount_cents > payment_open_balance(total_cents, paid_cents, pending_cents))
		return PAYMENT_OVER;
	if (method == PAYMENT_CASH && tendered_cents != 0 && tendered_cents < amount_cents)
		return PAYMENT_TENDERED_SHORT;
	return PAYMENT_OK;
}

int64_t
payment_change(int64_t amount_cents, int64_t tendered_cents)
{
	return tendered_cents > amount_cents ? tendered_cents - amount_cents : 0;
}

int
payment_settles(int order_status, int64_t total_cents, int64_t paid_cents)
{
	return !order_status_final(order_status) && paid_cents >= total_cents;
}

int
payment_cancellable(int64_t paid_cents)
{
	return paid_cents == 0;
}

const char *
payment_badge(int64_t total_cents, int64_t paid_cents)
{
	if (paid_cents <= 0)
		return total_cents == 0 ? "paid" : "unpaid";
	return paid_cents >= total_cents ? "paid" : "part";
}
