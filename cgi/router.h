/* router.h — a table of (method, path pattern with {params}) to handlers. */
#ifndef ORDERSYNC_ROUTER_H
#define ORDERSYNC_ROUTER_H

#include "http.h"

struct app;

typedef void (*route_handler)(struct app *app, struct http_request *rq,
		    struct http_response *rs);

/* What a route says of itself (struct route's flags). */
#define ROUTE_JSON	0x1	/* answers JSON whatever the client's Accept says (/api/ routes) */
#define ROUTE_UPLOAD	0x2	/* takes bodies up to HTTP_MAX_UPLOAD: multipart/form-data, text/csv */
#define ROUTE_SHOP	0x4	/* a customer route: served at "/" for the default store and under "/s/{slug}" for the others */

/*
 * One route. pattern segments are literal or "{name}"; a {name} matches one
 * non-empty segment, stored in rq->params. HEAD is served by GET routes.
 */
struct route {
	const char	*method;
	const char	*pattern;
	route_handler	 handler;
	int		 flags;		/* ROUTE_* */
};

enum route_result {
	ROUTE_OK = 0,
	ROUTE_NOT_FOUND,	/* 404 */
	ROUTE_BAD_METHOD	/* 405; allow lists the methods that would match */
};

/*
 * Finds the route for method and path in a table of n routes. On ROUTE_OK,
 * *found is set and params holds the {name} values (appended; caller frees
 * with kv_free). On ROUTE_BAD_METHOD, allow receives "GET, HEAD, POST".
 */
enum route_result route_match(const struct route *table, size_t n,
		    const char *method, const char *path,
		    struct kvlist *params, const struct route **found,
		    struct buf *allow);

#endif
