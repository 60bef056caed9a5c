/* escalate.c — an order nobody has started: still pending escalate_minutes after it was placed, its store's escalation contacts are told, once. */
#include <stdlib.h>

#include "db_escalate.h"
#include "escalate.h"
#include "log.h"

int64_t
escalate_at(int64_t created_at, int minutes)
{
	if (minutes <= 0)
		return -1;
	return created_at + (int64_t)minutes * 60;
}

enum db_status
escalate_run(struct db *db, struct logger *lg, int64_t now, size_t *np)
{
	int64_t *ids = NULL;
	size_t n = 0, i, count = 0;
	enum db_status rc;
	int done;

	/* A batch at a time; an escalated order leaves the due list. */
	do {
		if ((rc = db_escalate_due(db, now, 100, &ids, &n)) != DB_OK)
			break;
		for (i = 0; i < n && rc == DB_OK; i++) {
			if ((rc = db_escalate_order(db, ids[i], now, &done)) == DB_OK && done) {
				count++;
				log_msg(lg, LOG_INFO, "escalate: order %lld still pending; "
				    "its store's contacts are told", (long long)ids[i]);
			}
		}
		free(ids);
		ids = NULL;
	} while (rc == DB_OK && n == 100);
	if (np != NULL)
		*np = count;
	return rc;
}
