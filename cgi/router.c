/* router.c — a table of (method, path pattern with {params}) to handlers. */
#include <stdlib.h>
#include <string.h>

#include "router.h"

/*
 * Matches path against pattern segment by segment; on success appends the
 * {name} values to params (when not NULL) and returns 1.
 */
static int
match(const char *pattern, const char *path, struct kvlist *params)
{
	const char *p = pattern, *s = path, *pe, *se;
	size_t mark = params ? params->n : 0;

	for (;;) {
		if (*p != '/' || *s != '/')
			break;
		p++;
		s++;
		pe = p + strcspn(p, "/");
		se = s + strcspn(s, "/");
		if (*p == '{' && pe > p + 1 && pe[-1] == '}') {
			if (se == s)
				goto no;
			if (params)
				kv_add(params, p + 1, (size_t)(pe - p - 2), s, (size_t)(se - s));
		} else if (pe - p != se - s || memcmp(p, s, (size_t)(pe - p)) != 0)
			goto no;
		p = pe;
		s = se;
		if (*p == '\0' && *s == '\0')
			return 1;
	}
	if (*p == '\0' && *s == '\0')
		return 1;
no:
	/* Undo the params this attempt added. */
	while (params && params->n > mark) {
		params->n--;
		free(params->v[params->n].key);
		free(params->v[params->n].val);
	}
	return 0;
}

static int
method_ok(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum route_result
route_match(const struct route *table, size_t n, const char *method,
    const char *path, struct kvlist *params, const struct route **found,
    struct buf *allow)
{
	size_t i;
	int any = 0;

	*found = NULL;
	for (i = 0; i < n; i++) {
		if (!method_ok(table[i].method, method))
			continue;
		if (match(table[i].pattern, path, params)) {
			*found = &table[i];
			return ROUTE_OK;
		}
	}
	for (i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, NULL))
			continue;
		if (allow) {
			if (strstr(buf_str(allow), table[i].method) == NULL) {
				/* The list may already hold another table's methods. */
				if (allow->len > 0)
					buf_puts(allow, ", ");
				buf_puts(allow, table[i].method);
				if (strcmp(table[i].method, "GET") == 0)
					buf_puts(allow, ", HEAD");
			}
		}
		any = 1;
	}
	return any ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}
