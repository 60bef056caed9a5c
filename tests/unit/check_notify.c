/* check_notify.c — unit tests of cgi/notify.h (which mails an event sends, templates, webhook event lists, address lists), cgi/escalate.h's rule and notify_mail_message_id. */
#include <stdio.h>
#include <string.h>

#include "escalate.h"
#include "notify.h"
#include "notify_mail.h"
#include "order.h"
#include "unit.h"
#include "util.h"


/* notify_order_mails: event type, from, to → the mails. */
static const struct {
	const char	*type;
	int		 from, to;
	unsigned	 want;
} mails[] = {
	{ "order_created", -1, ORDER_PENDING, NOTIFY_CUSTOMER_PLACED | NOTIFY_STAFF_NEW },
	/* a counter order may be created already further on: still the placed mails */
	{ "order_created", -1, ORDER_COMPLETED, NOTIFY_CUSTOMER_PLACED | NOTIFY_STAFF_NEW },
	{ "order_updated", ORDER_PENDING, ORDER_PROCESSING, 0 },
	{ "order_updated", ORDER_PROCESSING, ORDER_READY, NOTIFY_CUSTOMER_READY },
	{ "order_updated", ORDER_PENDING, ORDER_READY, NOTIFY_CUSTOMER_READY },
	/* ready again (a change that did not move it): no second mail */
	{ "order_updated", ORDER_READY, ORDER_READY, 0 },
	{ "order_updated", ORDER_READY, ORDER_COMPLETED, 0 },
	{ "order_cancelled", ORDER_PENDING, ORDER_CANCELLED, NOTIFY_CUSTOMER_CANCELLED },
	{ "order_cancelled", ORDER_READY, ORDER_CANCELLED, NOTIFY_CUSTOMER_CANCELLED },
	{ "payment_created", -1, ORDER_PENDING, 0 },
	{ "payment_completed", -1, ORDER_READY, 0 },
	{ "payment_refunded", -1, ORDER_CANCELLED, 0 },
	{ "stock_low", -1, -1, 0 },
	{ "alert_test", -1, -1, 0 },
	{ "", -1, ORDER_READY, 0 },
	{ "order_created_not", -1, ORDER_PENDING, 0 },
	{ "ORDER_CREATED", -1, ORDER_PENDING, 0 },
};

START_TEST(test_order_mails)
{
	ck_assert_msg(notify_order_mails(mails[_i].type, mails[_i].from, mails[_i].to) ==
	    mails[_i].want, "%s %d -> %d: %u, want %u", mails[_i].type, mails[_i].from,
	    mails[_i].to, notify_order_mails(mails[_i].type, mails[_i].from, mails[_i].to),
	    mails[_i].want);
}
END_TEST

START_TEST(test_templates)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} t[] = {
		{ NOTIFY_CUSTOMER_PLACED, "order_placed" },
		{ NOTIFY_CUSTOMER_READY, "order_ready" },
		{ NOTIFY_CUSTOMER_CANCELLED, "order_cancelled" },
		{ NOTIFY_STAFF_NEW, "staff_new_order" },
		{ NOTIFY_STAFF_UNATTENDED, "staff_unattended" },
	};
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		ck_assert_str_eq(notify_mail_template(t[i].bit), t[i].name);
		ck_assert_uint_eq(notify_mail_of_template(t[i].name), t[i].bit);
		/* the outbox column holds at most 40 characters */
		ck_assert_uint_le(strlen(t[i].name), 40);
	}
	ck_assert_ptr_null(notify_mail_template(0));
	ck_assert_ptr_null(notify_mail_template(NOTIFY_CUSTOMER_PLACED | NOTIFY_STAFF_NEW));
	ck_assert_ptr_null(notify_mail_template(1u << 20));
	ck_assert_uint_eq(notify_mail_of_template(NULL), 0);
	ck_assert_uint_eq(notify_mail_of_template(""), 0);
	ck_assert_uint_eq(notify_mail_of_template("order_placed "), 0);
	ck_assert_uint_eq(notify_mail_of_template("ORDER_PLACED"), 0);
	ck_assert_uint_eq(notify_mail_of_template("order_unattended"), 0);
}
END_TEST

/* notify_events_parse: a list → its normal form, or NULL for a refusal. */
static const struct {
	const char	*in;
	size_t		 outsz;
	const char	*want;
} events[] = {
	{ "order_created", 200, "order_created" },
	{ " order_created , stock_low ", 200, "order_created,stock_low" },
	/* the normal form follows notify_webhook_types, each once */
	{ "stock_low,order_created,stock_low", 200, "order_created,stock_low" },
	{ "order_unattended,order_created", 200, "order_created,order_unattended" },
	{ ",,order_cancelled,,", 200, "order_cancelled" },
	{ "*", 200, "order_created,order_updated,order_cancelled,order_unattended,"
	    "payment_created,payment_completed,payment_refunded,stock_low" },
	{ "", 200, "order_created,order_updated,order_cancelled,order_unattended,"
	    "payment_created,payment_completed,payment_refunded,stock_low" },
	{ " , ", 200, "order_created,order_updated,order_cancelled,order_unattended,"
	    "payment_created,payment_completed,payment_refunded,stock_low" },
	{ "order_created,*", 200, "order_created,order_updated,order_cancelled,"
	    "order_unattended,payment_created,payment_completed,payment_refunded,stock_low" },
	{ "order_create", 200, NULL },
	{ "order_created_x", 200, NULL },
	{ "Order_Created", 200, NULL },
	{ "order_created stock_low", 200, NULL },
	{ "alert_test", 200, NULL },
	{ "**", 200, NULL },
	{ "order_created", 0, NULL },
	/* out too small: "order_created" needs 14 bytes */
	{ "order_created", 13, NULL },
	{ "order_created", 14, "order_created" },
	{ "order_created,stock_low", 23, NULL },
	{ "order_created,stock_low", 24, "order_created,stock_low" },
};

START_TEST(test_events_parse)
{
	char out[256];
	int rc;

	memset(out, 'x', sizeof out);
	rc = notify_events_parse(events[_i].in, out, events[_i].outsz);
	if (events[_i].want == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" (%zu) accepted as \"%s\"", events[_i].in,
		    events[_i].outsz, rc == 0 ? out : "");
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\" refused", events[_i].in);
	ck_assert_str_eq(out, events[_i].want);
	/* the normal form is a fixed point */
	{
		char again[256];

		ck_assert_int_eq(notify_events_parse(out, again, sizeof again), 0);
		ck_assert_str_eq(again, out);
	}
}
END_TEST

/* notify_events_has: a normal list, a type → 1 or 0. */
static const struct {
	const char	*list, *type;
	int		 want;
} has[] = {
	{ "order_created,stock_low", "order_created", 1 },
	{ "order_created,stock_low", "stock_low", 1 },
	{ "order_created,stock_low", "order_updated", 0 },
	/* a prefix or a suffix of a name is not the name */
	{ "order_created,stock_low", "order_create", 0 },
	{ "order_created,stock_low", "stock", 0 },
	{ "order_created,stock_low", "low", 0 },
	{ "order_created,stock_low", "created", 0 },
	{ "order_created,stock_low", "order_created,stock_low", 1 },
	{ "order_created", "", 0 },
	{ "", "order_created", 0 },
	{ "payment_created", "created", 0 },
	{ "xorder_created,order_created", "order_created", 1 },
	{ "order_createdx", "order_created", 0 },
	{ "order_unattended", "order_unattended", 1 },
};

START_TEST(test_events_has)
{
	ck_assert_msg(notify_events_has(has[_i].list, has[_i].type) == has[_i].want,
	    "\"%s\" has \"%s\": want %d", has[_i].list, has[_i].type, has[_i].want);
}
END_TEST

START_TEST(test_webhook_types)
{
	size_t i;

	for (i = 0; notify_webhook_types[i] != NULL; i++)
		ck_assert(notify_webhook_type_ok(notify_webhook_types[i]));
	ck_assert_uint_eq(i, 8);
	ck_assert(notify_webhook_type_ok("order_unattended"));
	ck_assert(!notify_webhook_type_ok("alert_test"));
	ck_assert(!notify_webhook_type_ok(""));
	ck_assert(!notify_webhook_type_ok("order_created "));
}
END_TEST

START_TEST(test_next_address)
{
	static const struct {
		const char	*list;
		size_t		 outsz;
		const char	*want[4];
	} t[] = {
		{ "a@x.example", 64, { "a@x.example" } },
		{ " a@x.example , b@y.example,", 64, { "a@x.example", "b@y.example" } },
		{ ",, ,", 64, { NULL } },
		{ "", 64, { NULL } },
		/* one too long for out is skipped, the next still comes */
		{ "toolong@example.com,ok@x.io", 12, { "ok@x.io" } },
		{ "a@b.c,d@e.f,g@h.i", 64, { "a@b.c", "d@e.f", "g@h.i" } },
	};
	char out[64];
	const char *p;
	size_t i, k;

	for (i = 0; i < NELEM(t); i++) {
		p = t[i].list;
		for (k = 0; t[i].want[k] != NULL; k++) {
			ck_assert_msg(notify_next_address(&p, out, t[i].outsz) == 1,
			    "list %zu: address %zu missing", i, k);
			ck_assert_str_eq(out, t[i].want[k]);
		}
		ck_assert_msg(notify_next_address(&p, out, t[i].outsz) == 0,
		    "list %zu: more than expected (\"%s\")", i, out);
		ck_assert_int_eq(notify_next_address(&p, out, t[i].outsz), 0);
	}
}
END_TEST

START_TEST(test_watch_secs)
{
	ck_assert_int_eq(notify_watch_secs(500), 60);
	ck_assert_int_eq(notify_watch_secs(5000), 60);
	ck_assert_int_eq(notify_watch_secs(30000), 60);
	ck_assert_int_eq(notify_watch_secs(31000), 62);
	ck_assert_int_eq(notify_watch_secs(600000), 1200);
}
END_TEST

START_TEST(test_escalate_at)
{
	ck_assert_int_eq(escalate_at(1000, 0), -1);
	ck_assert_int_eq(escalate_at(1000, -5), -1);
	ck_assert_int_eq(escalate_at(1000, 1), 1060);
	ck_assert_int_eq(escalate_at(1000, 1440), 1000 + 86400);
}
END_TEST

START_TEST(test_message_id)
{
	char id[160];

	notify_mail_message_id(id, sizeof id, "0123abcd", 42, "shop@example.test");
	ck_assert_str_eq(id, "ordersync.0123abcd.42@example.test");
	/* the same row, the same id: a retry is the same message */
	{
		char again[160];

		notify_mail_message_id(again, sizeof again, "0123abcd", 42, "shop@example.test");
		ck_assert_str_eq(again, id);
	}
	notify_mail_message_id(id, sizeof id, "0123abcd", 43, "shop@example.test");
	ck_assert_str_eq(id, "ordersync.0123abcd.43@example.test");
	notify_mail_message_id(id, sizeof id, "", 1, "nodomain");
	ck_assert_str_eq(id, "ordersync.0.1@localhost");
	notify_mail_message_id(id, sizeof id, NULL, 1, NULL);
	ck_assert_str_eq(id, "ordersync.0.1@localhost");
}
END_TEST

static Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_add_loop_test(tc, test_order_mails, 0, (int)NELEM(mails));
	tcase_add_test(tc, test_templates);
	tcase_add_loop_test(tc, test_events_parse, 0, (int)NELEM(events));
	tcase_add_loop_test(tc, test_events_has, 0, (int)NELEM(has));
	tcase_add_test(tc, test_webhook_types);
	tcase_add_test(tc, test_next_address);
	tcase_add_test(tc, test_watch_secs);
	tcase_add_test(tc, test_escalate_at);
	tcase_add_test(tc, test_message_id);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(notify_suite)
