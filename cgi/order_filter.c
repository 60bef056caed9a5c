/* order_filter.c — what the order list and its CSV export are asked for: ?status=, ?q=, ?from=&to=, as a db filter and as links. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "order.h"
#include "order_filter.h"
#include "valid.h"

int
order_filter_day(const char *day, int add_days, int64_t *out)
{
	struct tm tm;
	int y, m, d, used = 0;
	time_t t;

	if (day == NULL || strlen(day) != ORDER_FILTER_DAY_LEN ||
	    sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
	    used != ORDER_FILTER_DAY_LEN || day[4] != '-' || day[7] != '-' ||
	    y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if (util_mktime(&tm) == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1;	/* 2026-02-30 rolls over: not a date */
	tm.tm_mday = d + add_days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = util_mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* Copies ?name= into day ("" when absent or empty); -1 when it is not a date. */
static int
read_day(const struct kvlist *query, const char *name, char *day, int add, int64_t *t)
{
	const char *v = kv_get(query, name);

	day[0] = '\0';
	if (v == NULL || *v == '\0')
		return 0;
	if (order_filter_day(v, add, t) != 0)
		return -1;
	memcpy(day, v, ORDER_FILTER_DAY_LEN + 1);
	return 0;
}

const char *
order_filter_read(const struct kvlist *query, struct order_filter *f)
{
	const char *q = kv_get(query, "q"), *st = kv_get(query, "status");
	int64_t from = 0, to = 0;

	memset(f, 0, sizeof *f);
	f->status = -1;
	if (st != NULL && *st != '\0' && (f->status = order_status_parse(st)) < 0)
		return "admin.bad_filter";
	if (q != NULL && strlen(q) <= ORDER_FILTER_Q_MAX && valid_utf8(q, 0, NULL)) {
		snprintf(f->q, sizeof f->q, "%s", q);
		search_parse(f->q, &f->sq);
	} else if (q != NULL && *q != '\0') {
		f->sq.kind = SEARCH_NOTHING;	/* too long or not text: nothing has it */
	}
	if (read_day(query, "from", f->from_day, 0, &from) != 0 ||
	    read_day(query, "to", f->to_day, 1, &to) != 0)
		return "admin.bad_date";
	if (f->from_day[0] != '\0' && f->to_day[0] != '\0' && from >= to)
		return "admin.bad_range";
	if (f->from_day[0] != '\0' || f->to_day[0] != '\0') {
		f->from = f->from_day[0] != '\0' ? from : INT64_MIN;
		f->to = f->to_day[0] != '\0' ? to : INT64_MAX;
	}
	return NULL;
}

void
order_filter_free(struct order_filter *f)
{
	search_query_free(&f->sq);
}

int
order_filter_narrowed(const struct order_filter *f)
{
	return f->sq.kind != SEARCH_ALL || f->to != 0;
}

/* Appends s percent-encoded as a query value (RFC 3986 unreserved kept). */
static void
put_encoded(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_putc(b, *p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

char
order_filter_put(struct buf *b, const struct order_filter *f, char sep)
{
	const char *name = order_status_name(f->status);

	if (name != NULL) {
		buf_printf(b, "%cstatus=%s", sep, name);
		sep = '&';
	}
	if (f->q[0] != '\0') {
		buf_printf(b, "%cq=", sep);
		put_encoded(b, f->q);
		sep = '&';
	}
	if (f->from_day[0] != '\0') {
		buf_printf(b, "%cfrom=%s", sep, f->from_day);
		sep = '&';
	}
	if (f->to_day[0] != '\0') {
		buf_printf(b, "%cto=%s", sep, f->to_day);
		sep = '&';
	}
	return sep;
}
