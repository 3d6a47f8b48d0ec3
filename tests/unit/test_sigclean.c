// SPDX-License-Identifier: GPL-2.0
/* A signal that ends the process removes the temporary files and folders it registered. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/sigclean.h"

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fclose(f);
}

static void test_signal_removes_what_is_registered(void **state)
{
	static const char *const kids[] = { "a", "b" };
	char dir[] = "/tmp/olab-test-sigclean-XXXXXX", file[300], sub[300], kid[400], kept[300];
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/tmpfile", dir);
	snprintf(sub, sizeof(sub), "%s/plotdir", dir);
	snprintf(kept, sizeof(kept), "%s/done", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		touch(file);
		mkdir(sub, 0700);
		snprintf(kid, sizeof(kid), "%s/a", sub);
		touch(kid);
		snprintf(kid, sizeof(kid), "%s/b", sub);
		touch(kid);
		touch(kept);
		sigclean_add(file);
		sigclean_add_dir(sub, kids, 2);
		sigclean_add(kept);
		sigclean_del(kept); /* finished with: stays */
		raise(SIGTERM);
		_exit(0); /* not reached: the default action follows the cleanup */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(access(file, F_OK), -1);
	assert_int_equal(access(sub, F_OK), -1);
	assert_int_equal(access(kept, F_OK), 0);
	unlink(kept);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_removes_what_is_registered),
	};

	return cmocka_run_group_tests_name("sigclean", tests, NULL, NULL);
}
