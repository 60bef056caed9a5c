/* notify_mail.h — an order's mails, made when they are sent: the outbox job's order and store read again, words in the reader's language, a text and an HTML part. */
#ifndef ORDERSYNC_NOTIFY_MAIL_H
#define ORDERSYNC_NOTIFY_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct db_outbox_row;

/* What rendering one job mail came to. */
enum notify_mail_status {
	NOTIFY_MAIL_OK,		/* *msg holds the message */
	NOTIFY_MAIL_RETRY,	/* a passing failure (the database): try again later */
	NOTIFY_MAIL_NEVER	/* it can never be made: the order or its store is gone,
				   the template unknown, the address not one */
};

/*
 * Builds the message of the outbox job mail row (row->template names it,
 * notify.h; row->order_id its order; row->payload its parameters, a JSON
 * object such as {"unwatched": true}), dated now: the order (with its
 * lines) and its store are read from app->db as they are now; a customer's
 * mail is in the order's language, a staff mail in the store's; links are
 * absolute (ORDERSYNC_PUBLIC_URL). The Message-ID is made from the row's id
 * and the database's epoch, so every attempt of one row carries the same
 * one. On NOTIFY_MAIL_OK *msg is a new string the caller frees; otherwise
 * *msg is NULL and why (whysz bytes) says what went wrong, in one line.
 */
enum notify_mail_status notify_mail_build(struct app *app, const struct db_outbox_row *row,
		    int64_t now, char **msg /* OUT */, char *why, size_t whysz);

/*
 * The Message-ID ("ordersync.EPOCH.ROWID@DOMAIN", DOMAIN that of from) of
 * outbox row id into out (outsz bytes).
 */
void	notify_mail_message_id(char *out, size_t outsz, const char *epoch, int64_t id,
	    const char *from);

#endif
