/* admin_staff.h — staff accounts (admin_staff.c) and passwords (admin_password.c) in the back office. */
#ifndef ORDERSYNC_ADMIN_STAFF_H
#define ORDERSYNC_ADMIN_STAFF_H

#include <stddef.h>

#include "router.h"

/* /admin/staff…: the list, invitations, changes, resets; main.c lists the table. */
extern const struct route	admin_staff_routes[];
extern const size_t		admin_staff_nroutes;
/* /admin/password and /admin/password/{token}; main.c lists the table. */
extern const struct route	admin_password_routes[];
extern const size_t		admin_password_nroutes;

#endif
