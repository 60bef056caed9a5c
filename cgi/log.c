/* log.c — one line per event on stderr, with time, level and request id. */
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_init(struct logger *lg, enum log_level level)
{
	lg->level = level;
	lg->fp = stderr;
	strcpy(lg->reqid, "-");
}

int
log_level_parse(const char *s)
{
	size_t i;

	for (i = 0; i < NELEM(level_names); i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

void
log_msg(struct logger *lg, enum log_level lv, const char *fmt, ...)
{
	char stamp[32], line[2048], out[2304];
	int n;
	struct tm tm;
	time_t now;
	va_list ap;
	size_t i;

	if (lv > lg->level)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One event, one line: a newline in a message would forge another. */
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	/*
	 * One write(2) per line: lines from the threads of this process, and
	 * from the other processes sharing the web server's error log, never
	 * interleave (an O_APPEND file or a pipe takes a write of this size
	 * whole). A line longer than the buffer is cut, not split.
	 */
	n = snprintf(out, sizeof out, "%s ordersync[%ld] %s %s: %s\n", stamp,
	    (long)getpid(), level_names[lv], lg->reqid, line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof out) {
		n = (int)sizeof out - 1;
		out[n - 1] = '\n';
	}
	fflush(lg->fp);
	(void)!write(fileno(lg->fp), out, (size_t)n);
}

void
log_mask_email(const char *email, char *out, size_t outsz)
{
	const char *at = strchr(email, '@');

	if (outsz == 0)
		return;
	if (at == NULL || at == email)
		snprintf(out, outsz, "***");
	else
		snprintf(out, outsz, "%c***%s", email[0], at);
}
