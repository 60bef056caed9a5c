/* check_util.c — util.h's time zones under threads: each thread converts in its own zone while others convert in theirs. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "util.h"

/*
 * 2026-01-01 00:00:00 UTC: 01:00 on the 1st in Paris, 09:00 on the 1st in
 * Tokyo, 19:00 on 31 December in New York; and 2026-07-01 12:00:00 UTC,
 * in summer time where there is one (14:00, 21:00, 08:00).
 */
#define T_WINTER	((time_t)1767225600)
#define T_SUMMER	((time_t)1782907200)
#define ROUNDS		1000

struct zone_run {
	const char	*zone;		/* NULL: the thread never chooses one (the default, UTC) */
	int		 winter_hour, winter_mday, summer_hour;
	pthread_barrier_t *start;
	int		 bad;
	char		 first_bad[160];
};

static void
note_bad(struct zone_run *r, const char *what, long got, long want)
{
	if (r->bad++ == 0)
		snprintf(r->first_bad, sizeof r->first_bad, "%s: %s gave %ld, not %ld",
		    r->zone ? r->zone : "(default)", what, got, want);
}

static void *
zone_main(void *arg)
{
	struct zone_run *r = arg;
	struct tm tm, back;
	time_t t;
	int i;

	if (r->zone != NULL)
		util_use_zone(r->zone);
	if (strcmp(util_zone(), r->zone ? r->zone : "UTC") != 0)
		note_bad(r, "util_zone", 0, 1);
	pthread_barrier_wait(r->start);
	for (i = 0; i < ROUNDS; i++) {
		util_localtime(T_WINTER, &tm);
		if (tm.tm_hour != r->winter_hour)
			note_bad(r, "winter hour", tm.tm_hour, r->winter_hour);
		if (tm.tm_mday != r->winter_mday)
			note_bad(r, "winter day", tm.tm_mday, r->winter_mday);
		back = tm;
		back.tm_isdst = -1;
		if ((t = util_mktime(&back)) != T_WINTER)
			note_bad(r, "winter mktime", (long)t, (long)T_WINTER);
		util_localtime(T_SUMMER, &tm);
		if (tm.tm_hour != r->summer_hour)
			note_bad(r, "summer hour", tm.tm_hour, r->summer_hour);
		back = tm;
		back.tm_isdst = -1;
		if ((t = util_mktime(&back)) != T_SUMMER)
			note_bad(r, "summer mktime", (long)t, (long)T_SUMMER);
	}
	return NULL;
}

START_TEST(test_zones_under_threads)
{
	struct zone_run run[] = {
		{ "Europe/Paris", 1, 1, 14, NULL, 0, "" },
		{ "Asia/Tokyo", 9, 1, 21, NULL, 0, "" },
		{ "America/New_York", 19, 31, 8, NULL, 0, "" },
		{ NULL, 0, 1, 12, NULL, 0, "" },
	};
	enum { N = sizeof run / sizeof run[0] };
	pthread_t tid[N];
	pthread_barrier_t start;
	size_t i;

	util_zone_default("UTC");	/* before any thread, as main.c does */
	pthread_barrier_init(&start, NULL, N);
	for (i = 0; i < N; i++) {
		run[i].start = &start;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, zone_main, &run[i]), 0);
	}
	for (i = 0; i < N; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < N; i++)
		ck_assert_msg(run[i].bad == 0, "%d wrong conversions; first: %s",
		    run[i].bad, run[i].first_bad);
	pthread_barrier_destroy(&start);
}
END_TEST

/* A thread's choice is its own: the calling thread's zone is still the default. */
START_TEST(test_zone_is_per_thread)
{
	struct zone_run run = { "Asia/Tokyo", 9, 1, 21, NULL, 0, "" };
	pthread_barrier_t start;
	pthread_t tid;
	struct tm tm;

	util_zone_default("UTC");
	pthread_barrier_init(&start, NULL, 1);
	run.start = &start;
	ck_assert_int_eq(pthread_create(&tid, NULL, zone_main, &run), 0);
	pthread_join(tid, NULL);
	ck_assert_msg(run.bad == 0, "%s", run.first_bad);
	pthread_barrier_destroy(&start);
	ck_assert_str_eq(util_zone(), "UTC");
	util_localtime(T_WINTER, &tm);
	ck_assert_int_eq(tm.tm_hour, 0);
	util_use_zone("");		/* ignored */
	util_use_zone(NULL);		/* ignored */
	ck_assert_str_eq(util_zone(), "UTC");
	util_use_zone("Europe/Paris");
	util_localtime(T_WINTER, &tm);
	ck_assert_int_eq(tm.tm_hour, 1);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("zones");

	tcase_set_timeout(tc, 120);	/* ThreadSanitizer is slow */
	tcase_add_test(tc, test_zones_under_threads);
	tcase_add_test(tc, test_zone_is_per_thread);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(util_suite)
