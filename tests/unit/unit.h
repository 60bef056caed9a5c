/* unit.h — the one main() every Check suite uses; prints Check's summary line. */
#ifndef ORDERSYNC_UNIT_H
#define ORDERSYNC_UNIT_H

#include <check.h>
#include <ftw.h>
#include <stdio.h>
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

/* nftw callback of unit_rmtree: removes one file or (emptied) directory. */
static inline int
unit_remove_one(const char *file, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(file);
	return 0;
}

/*
 * Makes a fresh directory "/tmp/ordersync-TAG-XXXXXX" and writes its path
 * into dir (dirsz bytes); fails the running test when it cannot.
 */
static inline void
unit_tmpdir(char *dir, size_t dirsz, const char *tag)
{
	snprintf(dir, dirsz, "/tmp/ordersync-%s-XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Removes a directory made by unit_tmpdir, with everything in it. */
static inline void
unit_rmtree(const char *dir)
{
	nftw(dir, unit_remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
