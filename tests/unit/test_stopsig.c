// SPDX-License-Identifier: GPL-2.0
/* lib/stopsig: the stop flag that signals set; the first one is kept; blocking calls return. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/stopsig.h"

static void test_first_signal_kept(void **state)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, 0 };

	(void)state;
	assert_int_equal(stopsig_pending(), 0);
	assert_int_equal(stopsig_catch(sigs), 0);
	assert_int_equal(*stopsig_flag(), 0);
	raise(SIGUSR2);
	assert_int_equal(stopsig_pending(), SIGUSR2);
	raise(SIGUSR1); /* caught, not fatal, and the first one stays */
	assert_int_equal(stopsig_pending(), SIGUSR2);
	assert_true(*stopsig_flag() != 0);
}

/* No SA_RESTART: a blocking read is cut short by the signal, so a loop sees the flag. */
static void test_blocking_call_returns(void **state)
{
	static const int sigs[] = { SIGALRM, 0 };
	/* repeating: a signal that comes before the read starts is not the only one */
	struct itimerval t = { .it_value = { .tv_usec = 20000 },
			       .it_interval = { .tv_usec = 20000 } },
			 off;
	int p[2];
	char c;

	(void)state;
	assert_int_equal(stopsig_catch(sigs), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &t, NULL), 0);
	memset(&off, 0, sizeof(off));
	/* nothing ever comes down the pipe: only the signal ends the read */
	assert_int_equal(read(p[0], &c, 1), -1);
	assert_int_equal(errno, EINTR);
	setitimer(ITIMER_REAL, &off, NULL);
	close(p[0]);
	close(p[1]);
}

/* A server's four: SIGQUIT caught too (it would dump core otherwise) */
static void test_default_set(void **state)
{
	(void)state;
	assert_int_equal(stopsig_catch_default(), 0);
	raise(SIGQUIT);
	raise(SIGHUP);
	assert_true(stopsig_pending() != 0);
}

static void test_bad_signal(void **state)
{
	static const int sigs[] = { SIGKILL, 0 };

	(void)state;
	assert_int_equal(stopsig_catch(sigs), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_signal_kept),
		cmocka_unit_test(test_blocking_call_returns),
		cmocka_unit_test(test_default_set),
		cmocka_unit_test(test_bad_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
