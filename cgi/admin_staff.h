/* admin_staff.h — staff accounts (admin_staff.c) and passwords (admin_password.c) in the back office. */
#ifndef ORDERSYNC_ADMIN_STAFF_H
#define ORDERSYNC_ADMIN_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "router.h"

/* /admin/staff…: the list, invitations, changes, resets; main.c lists the table. */
extern const struct route	admin_staff_routes[];
extern const size_t		admin_staff_nroutes;
/* /admin/password and /admin/password/{token}; main.c lists the table. */
extern const struct route	admin_password_routes[];
extern const size_t		admin_password_nroutes;

struct app;
struct http_request;

/*
 * Queues the mail carrying the set-password link of token to email, for
 * store_id (invite: an invitation, else a reset), in the request's
 * language, the link absolute (ORDERSYNC_PUBLIC_URL). Inside the caller's
 * transaction when there is one; marks the process's outbox to drain after
 * the answer. Returns 0; -1 when mail is off or the mail cannot be queued
 * (logged).
 */
int	admin_password_mail(struct app *app, struct http_request *rq, int64_t store_id,
	    const char *email, const char *token, int invite);

#endif
