/* unit.h — the one main() every Check suite uses; prints Check's summary line. */
#ifndef ORDERSYNC_UNIT_H
#define ORDERSYNC_UNIT_H

#include <check.h>
#include <stdlib.h>

/*
 * UNIT_MAIN(make_suite) defines main(): runs the suite with CK_NORMAL output
 * (Check prints "NN%: Checks: N, Failures: N, Errors: N") and exits non-zero
 * when anything failed.
 */
#define UNIT_MAIN(make_suite)						\
int main(void);								\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(make_suite());			\
	int nfail;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	nfail = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;		\
}

#endif
