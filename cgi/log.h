/* log.h — one line per event on stderr (the web server's error log). */
#ifndef ORDERSYNC_LOG_H
#define ORDERSYNC_LOG_H

#include <stdio.h>

#include "util.h"

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG
};

/*
 * The logger lives in struct app. reqid is the current request's id ("-"
 * between requests); main sets it per request. Lines look like
 *   2026-11-21T17:03:04Z ordersync[1234] warn 5f2a9c01d3e4b6a7: message
 * Callers never pass passwords, tokens or full email addresses.
 */
struct logger {
	enum log_level	 level;
	FILE		*fp;		/* stderr unless a test says otherwise */
	char		 reqid[17];
};

void	log_init(struct logger *lg, enum log_level level);
void	log_msg(struct logger *lg, enum log_level lv, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Parses "error|warn|info|debug"; -1 when unknown. */
int	log_level_parse(const char *s);
/* Writes a masked form of an email ("j***@example.com") into out. */
void	log_mask_email(const char *email, char *out, size_t outsz);

#endif
