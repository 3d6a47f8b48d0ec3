// SPDX-License-Identifier: GPL-2.0
/*
 * Output paths (-o, --json): a regular file is replaced whole; a stream (this command's
 * stdout, a FIFO, /dev/null) is written through; a link to a file, a folder, a socket or
 * another device is refused, and never replaced by a regular file.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/atomicfile.h"

static char dir[64];

static int fill_hello(FILE *f, void *arg)
{
	(void)arg;
	return fputs("hello\n", f) < 0 ? -EIO : 0;
}

static char *at(const char *name)
{
	static char p[2][128];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/olab-test-out-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void assert_link_to(const char *path, const char *target)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

static void assert_file_is(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f) ? buf : NULL);
	fclose(f);
	assert_string_equal(buf, text);
}

/* Nothing there, or a regular file: written whole. */
static void test_regular(void **state)
{
	(void)state;
	assert_int_equal(atomic_write(at("new"), fill_hello, NULL), 0);
	assert_file_is(at("new"), "hello\n");
	assert_int_equal(atomic_write(at("new"), fill_hello, NULL), 0);
	assert_file_is(at("new"), "hello\n");
}

/* A link to a regular file is not followed, and stays a link to an untouched file. */
static void test_link_to_file(void **state)
{
	char why[512] = "";
	FILE *f = fopen(at("target"), "w");

	(void)state;
	assert_non_null(f);
	fputs("keep\n", f);
	fclose(f);
	assert_int_equal(symlink(at("target"), at("link")), 0);
	assert_int_equal(out_check(at("link"), why, sizeof(why)), -ELOOP);
	assert_non_null(strstr(why, "not followed"));
	assert_int_equal(atomic_write(at("link"), fill_hello, NULL), -ELOOP);
	assert_link_to(at("link"), at("target"));
	assert_file_is(at("target"), "keep\n");
	/* and a link to nothing */
	assert_int_equal(symlink(at("nothing"), at("dangling")), 0);
	assert_int_equal(atomic_write(at("dangling"), fill_hello, NULL), -ELOOP);
	assert_link_to(at("dangling"), at("nothing"));
	assert_int_equal(access(at("nothing"), F_OK), -1);
}

/* A link to this command's stdout (what /dev/stdout is) writes into stdout: here a pipe. */
static void test_own_stdout(void **state)
{
	char buf[64] = "";
	int p[2], saved = dup(STDOUT_FILENO);
	ssize_t n;

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(symlink("/proc/self/fd/1", at("stdout")), 0);
	fflush(stdout);
	assert_true(dup2(p[1], STDOUT_FILENO) >= 0);
	assert_int_equal(out_check(at("stdout"), buf, sizeof(buf)), OUT_STREAM);
	assert_int_equal(atomic_write(at("stdout"), fill_hello, NULL), 0);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_int_equal(n, 6);
	buf[n] = '\0';
	assert_string_equal(buf, "hello\n");
	assert_link_to(at("stdout"), "/proc/self/fd/1");
}

/* A FIFO is written through when read, refused at once when not; it stays a FIFO. */
static void test_fifo(void **state)
{
	char buf[64] = "", why[512] = "";
	struct stat st;
	int rd;
	ssize_t n;

	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_int_equal(atomic_write(at("fifo"), fill_hello, NULL), -ENXIO);
	rd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(out_check(at("fifo"), why, sizeof(why)), OUT_STREAM);
	assert_int_equal(atomic_write(at("fifo"), fill_hello, NULL), 0);
	n = read(rd, buf, sizeof(buf) - 1);
	close(rd);
	assert_int_equal(n, 6);
	assert_int_equal(lstat(at("fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

/* /dev/null through a link: written through, the link stays. */
static void test_dev_null(void **state)
{
	(void)state;
	assert_int_equal(symlink("/dev/null", at("null")), 0);
	assert_int_equal(atomic_write(at("null"), fill_hello, NULL), 0);
	assert_link_to(at("null"), "/dev/null");
}

/* A folder, a socket, another device: refused with the reason, left as they were. */
static void test_refused(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char why[512] = "";
	struct stat st;
	int s;

	(void)state;
	assert_int_equal(mkdir(at("d"), 0700), 0);
	assert_int_equal(out_check(at("d"), why, sizeof(why)), -EISDIR);
	assert_int_equal(atomic_write(at("d"), fill_hello, NULL), -EISDIR);
	assert_int_equal(symlink(at("d"), at("dlink")), 0);
	assert_int_equal(atomic_write(at("dlink"), fill_hello, NULL), -EISDIR);
	assert_link_to(at("dlink"), at("d"));

	assert_int_equal(symlink("/dev/zero", at("zero")), 0);
	assert_int_equal(out_check(at("zero"), why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "is a device"));
	assert_int_equal(atomic_write(at("zero"), fill_hello, NULL), -ENODEV);
	assert_link_to(at("zero"), "/dev/zero");

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at("sock"));
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(atomic_write(at("sock"), fill_hello, NULL), -ENXIO);
	close(s);
	assert_int_equal(lstat(at("sock"), &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
}

/* Someone else's link is refused, as a file and on the way to a folder; one's own is said. */
static void test_links_of_others(void **state)
{
	char why[512] = "", sub[200];

	(void)state;
	assert_int_equal(mkdir(at("real"), 0755), 0);
	assert_int_equal(symlink(at("real"), at("mine")), 0);
	snprintf(sub, sizeof(sub), "%s/x", at("mine"));
	assert_int_equal(out_dir_check(sub, why, sizeof(why)), 1);
	assert_non_null(strstr(why, at("real")));
	assert_int_equal(out_dir_check(at("real"), why, sizeof(why)), 0);
	if (geteuid() != 0)
		skip(); /* only root can give a link away */
	assert_int_equal(symlink(at("real"), at("theirs")), 0);
	assert_int_equal(lchown(at("theirs"), 65534, 65534), 0);
	snprintf(sub, sizeof(sub), "%s/x", at("theirs"));
	assert_int_equal(out_dir_check(sub, why, sizeof(why)), -EACCES);
	assert_int_equal(symlink("/dev/null", at("theirnull")), 0);
	assert_int_equal(lchown(at("theirnull"), 65534, 65534), 0);
	assert_int_equal(atomic_write(at("theirnull"), fill_hello, NULL), -EACCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_to_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dev_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_of_others, setup, teardown),
	};

	return cmocka_run_group_tests_name("outfile", tests, NULL, NULL);
}
