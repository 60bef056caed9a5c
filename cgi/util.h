/* util.h — allocation that never fails, and a growable byte buffer. */
#ifndef ORDERSYNC_UTIL_H
#define ORDERSYNC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Out-of-memory policy (one for the whole program, as Redis does): the x*
 * allocators print a line to stderr and abort(). No caller checks for NULL.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/*
 * Room for one more element in a growing array v of *cap elements of size
 * bytes holding len: when full, doubles *cap (first 16) and reallocates.
 * Returns the array (aborts on OOM, as xrealloc does).
 */
void *xgrow(void *v, size_t *cap, size_t len, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * A growable byte buffer. data is always NUL-terminated (data[len] == 0) once
 * anything was appended; a zeroed struct is a valid empty buffer.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *b);
void	 buf_append(struct buf *b, const void *p, size_t n);
/* Room for n more bytes (and the NUL) after b->len, without changing b->len. */
void	 buf_reserve(struct buf *b, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, int c);
void	 buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void	 buf_vprintf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Empties the buffer but keeps its memory. */
void	 buf_reset(struct buf *b);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void	 buf_free(struct buf *b);
/* Returns the NUL-terminated contents (caller frees) and empties the buffer. */
char	*buf_detach(struct buf *b);
/* Returns data, or "" for a buffer that never held anything. */
const char *buf_str(const struct buf *b);

/*
 * Time zones. A request runs in its store's zone: util_use_zone makes zone
 * (an IANA name; NULL or "" is ignored) the calling thread's zone, and
 * util_localtime / util_mktime convert in it. The C library keeps one zone
 * per process (TZ), so the two take a process-wide lock, switch TZ when the
 * last conversion was in another zone (setenv + tzset, only on a change),
 * convert, and let go. A thread that never chose a zone uses the default
 * (util_zone_default, called once before any thread starts). util_zone is
 * the calling thread's zone (the default when it chose none).
 * localtime(3), localtime_r(3) and mktime(3) are not called anywhere else.
 */
void		 util_zone_default(const char *zone);
void		 util_use_zone(const char *zone);
const char	*util_zone(void);
void		 util_localtime(time_t t, struct tm *out);
time_t		 util_mktime(struct tm *tm);
/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
int64_t		 util_now_ms(void);

/* Reads a whole file; NULL with errno set on failure. Caller frees. */
char	*util_read_file(const char *path, size_t *len);

/* Constant-time string equality for secrets (tokens); 1 when equal. */
int	 util_secret_eq(const char *a, const char *b);

/*
 * n in decimal into out (UTIL_I64_LEN bytes), returned for use inline:
 * util_i64((char[UTIL_I64_LEN]){0}, n) lives until the end of the block.
 */
#define UTIL_I64_LEN 24
char	*util_i64(char *out, int64_t n);
/* util_i64() into a buffer of the enclosing block. */
#define UTIL_I64(n)	util_i64((char[UTIL_I64_LEN]){0}, (n))

#endif
