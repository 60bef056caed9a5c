/* check_router.c — table-driven tests of cgi/router.h: matching, {params}, 404 versus 405 and Allow. */
#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "unit.h"

/* Never called: the router only hands back the route it found. */
static void
handler(struct app *app, struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	(void)rs;
}

static const struct route routes[] = {
	/*  0 */ { "GET",  "/",				handler, 0 },
	/*  1 */ { "GET",  "/cart",			handler, 0 },
	/*  2 */ { "POST", "/cart/items",		handler, 0 },
	/*  3 */ { "POST", "/cart/items/{product_id}",	handler, 0 },
	/*  4 */ { "GET",  "/orders/{number}",		handler, 0 },
	/*  5 */ { "GET",  "/orders/{number}/status",	handler, 0 },
	/*  6 */ { "GET",  "/admin/login",		handler, 0 },
	/*  7 */ { "POST", "/admin/login",		handler, 0 },
	/*  8 */ { "POST", "/admin/orders/{number}/status", handler, 0 },
	/*  9 */ { "GET",  "/x/{a}/{b}",		handler, 0 },
	/* 10 */ { "GET",  "/p/{a}/one",		handler, 0 },
	/* 11 */ { "GET",  "/p/{b}/two",		handler, 0 },
	/* 12 */ { "GET",  "/dup/{a}",			handler, 0 },
	/* 13 */ { "GET",  "/dup/{b}",			handler, 0 },
	/* 14 */ { "DELETE", "/dup/{c}",		handler, 0 },
};

static const struct {
	const char		*method;
	const char		*path;
	enum route_result	 rc;
	int			 route;		/* index into routes on ROUTE_OK */
	const char		*params;	/* "k=v|k=v"; "" for none */
	const char		*allow;		/* on ROUTE_BAD_METHOD */
} cases[] = {
	/* literals */
	{ "GET",    "/",			ROUTE_OK, 0, "", NULL },
	{ "HEAD",   "/",			ROUTE_OK, 0, "", NULL },
	{ "GET",    "/cart",			ROUTE_OK, 1, "", NULL },
	{ "POST",   "/cart/items",		ROUTE_OK, 2, "", NULL },
	{ "GET",    "/admin/login",		ROUTE_OK, 6, "", NULL },
	{ "POST",   "/admin/login",		ROUTE_OK, 7, "", NULL },
	{ "HEAD",   "/admin/login",		ROUTE_OK, 6, "", NULL },
	{ "GET",    "/carts",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/car",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/Cart",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/nowhere",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "",				ROUTE_NOT_FOUND, -1, "", NULL },
	/* trailing segments (paths arrive normalised; "/cart/" is not "/cart" here) */
	{ "GET",    "/cart/",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/cart/extra",		ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/orders/CMD-1/status/x",	ROUTE_NOT_FOUND, -1, "", NULL },
	/* {params} */
	{ "POST",   "/cart/items/42",		ROUTE_OK, 3, "product_id=42", NULL },
	{ "GET",    "/orders/CMD-20261121-AB12CD", ROUTE_OK, 4, "number=CMD-20261121-AB12CD", NULL },
	{ "HEAD",   "/orders/CMD-1",		ROUTE_OK, 4, "number=CMD-1", NULL },
	{ "GET",    "/orders/CMD-1/status",	ROUTE_OK, 5, "number=CMD-1", NULL },
	{ "GET",    "/x/1/2",			ROUTE_OK, 9, "a=1|b=2", NULL },
	{ "GET",    "/p/9/two",			ROUTE_OK, 11, "b=9", NULL },
	/* no empty param */
	{ "GET",    "/orders/",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/orders",			ROUTE_NOT_FOUND, -1, "", NULL },
	{ "POST",   "/cart/items/",		ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/x//2",			ROUTE_NOT_FOUND, -1, "", NULL },
	/* a partial match leaves no params behind */
	{ "GET",    "/p/9/three",		ROUTE_NOT_FOUND, -1, "", NULL },
	{ "GET",    "/x/1",			ROUTE_NOT_FOUND, -1, "", NULL },
	/* 405 with the Allow list */
	{ "PUT",    "/admin/login",		ROUTE_BAD_METHOD, -1, "", "GET, HEAD, POST" },
	{ "DELETE", "/orders/CMD-1",		ROUTE_BAD_METHOD, -1, "", "GET, HEAD" },
	{ "POST",   "/",			ROUTE_BAD_METHOD, -1, "", "GET, HEAD" },
	{ "GET",    "/cart/items",		ROUTE_BAD_METHOD, -1, "", "POST" },
	{ "HEAD",   "/admin/orders/CMD-1/status", ROUTE_BAD_METHOD, -1, "", "POST" },
	{ "POST",   "/p/9/one",			ROUTE_BAD_METHOD, -1, "", "GET, HEAD" },
	{ "get",    "/",			ROUTE_BAD_METHOD, -1, "", "GET, HEAD" },
	{ "POST",   "/dup/1",			ROUTE_BAD_METHOD, -1, "", "GET, HEAD, DELETE" },
	{ "DELETE", "/dup/1",			ROUTE_OK, 14, "c=1", NULL },
};

/* Serialises params as "k=v|k=v". */
static char *
dump(const struct kvlist *l)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < l->n; i++)
		buf_printf(&b, "%s%s=%s", i ? "|" : "", l->v[i].key, l->v[i].val);
	return buf_detach(&b);
}

START_TEST(test_route_match)
{
	struct kvlist params = { 0 };
	const struct route *found = &routes[0];
	struct buf allow;
	enum route_result rc;
	char *got;

	buf_init(&allow);
	rc = route_match(routes, NELEM(routes), cases[_i].method, cases[_i].path,
	    &params, &found, &allow);
	ck_assert_msg(rc == cases[_i].rc, "%s %s: rc %d, want %d",
	    cases[_i].method, cases[_i].path, rc, cases[_i].rc);
	if (rc == ROUTE_OK)
		ck_assert_msg(found == &routes[cases[_i].route],
		    "%s %s: route %td, want %d", cases[_i].method, cases[_i].path,
		    found - routes, cases[_i].route);
	else
		ck_assert_ptr_null(found);
	got = dump(&params);
	ck_assert_msg(strcmp(got, cases[_i].params) == 0,
	    "%s %s: params \"%s\", want \"%s\"", cases[_i].method, cases[_i].path,
	    got, cases[_i].params);
	free(got);
	ck_assert_str_eq(buf_str(&allow), cases[_i].allow ? cases[_i].allow : "");
	kv_free(&params);
	buf_free(&allow);
}
END_TEST

/* params are appended to what the list already holds, and allow may be NULL. */
START_TEST(test_route_match_append_and_null_allow)
{
	struct kvlist params = { 0 };
	const struct route *found;

	kv_add(&params, "pre", 3, "set", 3);
	ck_assert_int_eq(route_match(routes, NELEM(routes), "GET", "/p/9/three",
	    &params, &found, NULL), ROUTE_NOT_FOUND);
	ck_assert_uint_eq(params.n, 1);
	ck_assert_str_eq(kv_get(&params, "pre"), "set");
	ck_assert_int_eq(route_match(routes, NELEM(routes), "PUT", "/admin/login",
	    &params, &found, NULL), ROUTE_BAD_METHOD);
	ck_assert_int_eq(route_match(routes, NELEM(routes), "GET", "/x/a/b",
	    &params, &found, NULL), ROUTE_OK);
	ck_assert_ptr_eq(found, &routes[9]);
	ck_assert_uint_eq(params.n, 3);
	ck_assert_str_eq(kv_get(&params, "a"), "a");
	ck_assert_str_eq(kv_get(&params, "b"), "b");
	kv_free(&params);
}
END_TEST

/* main.c matches several modules' tables in turn: Allow gathers them all. */
START_TEST(test_route_match_allow_across_tables)
{
	static const struct route get_only[] = { { "GET", "/thing", NULL, 0 } };
	static const struct route post_only[] = { { "POST", "/thing", NULL, 0 } };
	struct kvlist params = { 0 };
	const struct route *found;
	struct buf allow;

	buf_init(&allow);
	ck_assert_int_eq(route_match(get_only, 1, "DELETE", "/thing", &params, &found,
	    &allow), ROUTE_BAD_METHOD);
	ck_assert_int_eq(route_match(post_only, 1, "DELETE", "/thing", &params, &found,
	    &allow), ROUTE_BAD_METHOD);
	ck_assert_str_eq(buf_str(&allow), "GET, HEAD, POST");
	buf_free(&allow);
	kv_free(&params);
}
END_TEST

START_TEST(test_route_match_empty_table)
{
	struct kvlist params = { 0 };
	const struct route *found = &routes[0];
	struct buf allow;

	buf_init(&allow);
	ck_assert_int_eq(route_match(routes, 0, "GET", "/", &params, &found, &allow),
	    ROUTE_NOT_FOUND);
	ck_assert_ptr_null(found);
	ck_assert_str_eq(buf_str(&allow), "");
	buf_free(&allow);
}
END_TEST

static Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("route_match");

	tcase_add_loop_test(tc, test_route_match, 0, (int)NELEM(cases));
	tcase_add_test(tc, test_route_match_append_and_null_allow);
	tcase_add_test(tc, test_route_match_allow_across_tables);
	tcase_add_test(tc, test_route_match_empty_table);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(router_suite)
