/* util.c — allocation that never fails, and a growable byte buffer. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util.h"

static void
oom(size_t n)
{
	fprintf(stderr, "ordersync: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Makes room for n more bytes plus the terminating NUL. */
static void
grow(struct buf *b, size_t n)
{
	size_t need, cap;

	if (n > (size_t)-1 / 2 - b->len)
		oom(n);
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_reserve(struct buf *b, size_t n)
{
	grow(b, n);
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_append(b, &ch, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room;
	int n;

	/* One pass when the text fits in the room there is (most calls); two otherwise. */
	grow(b, 63);
	room = b->cap - b->len;
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

char *
buf_detach(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");

	buf_init(b);
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *
util_read_file(const char *path, size_t *len)
{
	struct buf b;
	FILE *f;
	char chunk[8192];
	size_t n;
	int err;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	if (ferror(f)) {
		err = errno;
		fclose(f);
		buf_free(&b);
		errno = err ? err : EIO;
		return NULL;
	}
	fclose(f);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

int
util_secret_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

char *
util_i64(char *out, int64_t n)
{
	snprintf(out, UTIL_I64_LEN, "%" PRId64, n);
	return out;
}

void *
xgrow(void *v, size_t *cap, size_t len, size_t size)
{
	if (len < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(v, *cap * size);
}

/*
 * The zones: the default and each thread's own choice are read under no
 * lock (the default is written once before the threads start, a thread's
 * choice only by itself); TZ, tzset() and the conversions are under
 * zone_lock, with applied_zone naming the zone TZ holds.
 */
#define ZONE_MAX	128
static char default_zone[ZONE_MAX];
static _Thread_local char thread_zone[ZONE_MAX];
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static char applied_zone[ZONE_MAX];

void
util_zone_default(const char *zone)
{
	if (zone != NULL && strlen(zone) < ZONE_MAX)
		snprintf(default_zone, sizeof default_zone, "%s", zone);
}

void
util_use_zone(const char *zone)
{
	if (zone != NULL && *zone != '\0' && strlen(zone) < ZONE_MAX)
		snprintf(thread_zone, sizeof thread_zone, "%s", zone);
}

const char *
util_zone(void)
{
	return thread_zone[0] != '\0' ? thread_zone : default_zone;
}

/* With zone_lock held: TZ names the calling thread's zone. */
static void
apply_zone(void)
{
	const char *want = util_zone();

	if (*want == '\0' || strcmp(applied_zone, want) == 0)
		return;
	if (setenv("TZ", want, 1) == 0) {
		tzset();
		snprintf(applied_zone, sizeof applied_zone, "%s", want);
	}
}

void
util_localtime(time_t t, struct tm *out)
{
	pthread_mutex_lock(&zone_lock);
	apply_zone();
	localtime_r(&t, out);
	pthread_mutex_unlock(&zone_lock);
}

time_t
util_mktime(struct tm *tm)
{
	time_t t;

	pthread_mutex_lock(&zone_lock);
	apply_zone();
	t = mktime(tm);
	pthread_mutex_unlock(&zone_lock);
	return t;
}

int64_t
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
