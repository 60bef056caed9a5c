/* role.c — who may do what (DESIGN.md "Roles"): the one table of rights. */
#include <string.h>

#include "role.h"

static const char *const names[ROLE_N] = {
	[ROLE_ADMIN] = "admin", [ROLE_STAFF] = "staff", [ROLE_SELLER] = "seller",
};

/*
 * may[role][right] for a one-store user; an every-store admin also has
 * RIGHT_STORES. DESIGN.md's table, row by row.
 */
static const unsigned char may[ROLE_N][RIGHT_N] = {
	/*		 see chg ctr cat stf set sto */
	[ROLE_ADMIN]  = { 1,  1,  1,  1,  1,  1,  0 },
	[ROLE_STAFF]  = { 1,  1,  1,  0,  0,  0,  0 },
	[ROLE_SELLER] = { 1,  0,  1,  0,  0,  0,  0 },
};

int
role_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < ROLE_N; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

const char *
role_name(int r)
{
	return r >= 0 && r < ROLE_N ? names[r] : NULL;
}

int
role_may(int r, int all_stores, enum role_right right)
{
	if (r < 0 || r >= ROLE_N || (int)right < 0 || right >= RIGHT_N)
		return 0;
	if (right == RIGHT_STORES)
		return r == ROLE_ADMIN && all_stores;
	return may[r][right];
}

int
role_may_assign(int r, int64_t store_id, int target, int64_t target_store)
{
	if (!role_may(r, store_id == 0, RIGHT_STAFF) || role_name(target) == NULL)
		return 0;
	if (store_id == 0)
		return 1;
	return target != ROLE_ADMIN && target_store == store_id;
}
