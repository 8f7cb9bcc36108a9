/*
 * km_test.h - the few checks the km_dl tests need.
 *
 * Each CHECK counts a pass or prints the failing line; km_test_done()
 * prints "N passed, M failed" and gives main's exit status.
 */
#ifndef KM_TEST_H
#define KM_TEST_H

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int km_test_passed, km_test_failed;

static int km_test_check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		atomic_fetch_add(&km_test_passed, 1);
	} else {
		atomic_fetch_add(&km_test_failed, 1);
		fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
	}
	return ok;
}

static int km_test_check_str(const char *got, const char *want, const char *what,
                             const char *file, int line)
{
	int ok = got && want ? !strcmp(got, want) : got == want;
	if (!km_test_check(ok, what, file, line))
		fprintf(stderr, "    got:  %s%s%s\n    want: %s%s%s\n", got ? "'" : "",
		        got ? got : "NULL", got ? "'" : "", want ? "'" : "",
		        want ? want : "NULL", want ? "'" : "");
	return ok;
}

#define CHECK(c) km_test_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_STR(got, want) km_test_check_str((got), (want), #got, __FILE__, __LINE__)

static int km_test_done(void)
{
	int failed = atomic_load(&km_test_failed);
	printf("%d passed, %d failed\n", atomic_load(&km_test_passed), failed);
	return failed != 0;
}

#endif /* KM_TEST_H */
