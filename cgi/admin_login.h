/* admin_login.h — the back office's door: GET/POST /admin/login, POST /admin/logout. */
#ifndef ORDERSYNC_ADMIN_LOGIN_H
#define ORDERSYNC_ADMIN_LOGIN_H

#include <stddef.h>

#include "router.h"

/* The sign-in routes; main.c lists the table in its route tables. */
extern const struct route	admin_login_routes[];
extern const size_t		admin_login_nroutes;

#endif
