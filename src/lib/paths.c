// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/paths.h"

/* A file that marks each layout, relative to the binary's folder. */
static const struct layout {
	const char *bpf, *doc, *mark;
} layouts[] = {
	/* the build tree: build/offloadlab, build/bpf/..., docs/ beside build/ */
	{ "bpf/lib", "../docs", "bpf/lib/xdp_pass.bpf.o" },
	/* installed: PREFIX/bin/offloadlab */
	{ "../lib/offloadlab", "../share/doc/offloadlab", "../lib/offloadlab/xdp_pass.bpf.o" },
};

/* In the build tree each object stays where the build made it. */
static const struct {
	const char *name, *build;
} objects[] = {
	{ "xdp_pass.bpf.o", "bpf/lib/xdp_pass.bpf.o" },
	{ "jit.bpf.o", "bpf/exp/jit/jit.bpf.o" },
};

static int exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= len - 1)
		return -ENOENT;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

/* The layout this binary sits in, and its folder; NULL when neither. */
static const struct layout *find_layout(char *dir, size_t len)
{
	char p[PATH_MAX + 64];
	size_t i;

	if (exe_dir(dir, len))
		return NULL;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, layouts[i].mark);
		if (!access(p, R_OK))
			return &layouts[i];
	}
	return NULL;
}

/* "a/b/../c" -> "a/c" where the link resolves, for messages a user copies. */
static void tidy(char *buf, size_t len)
{
	char real[PATH_MAX];

	if (realpath(buf, real) && strlen(real) < len)
		snprintf(buf, len, "%s", real);
}

int olab_dir(enum olab_dir_kind kind, char *buf, size_t len)
{
	char dir[PATH_MAX];
	const struct layout *l = find_layout(dir, sizeof(dir));
	int n;

	if (!l)
		return -ENOENT;
	n = snprintf(buf, len, "%s/%s", dir, kind == OLAB_DIR_BPF ? l->bpf : l->doc);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	tidy(buf, len);
	return access(buf, R_OK) ? -ENOENT : 0;
}

int olab_file(enum olab_dir_kind kind, const char *name, char *buf, size_t len)
{
	char dir[PATH_MAX];
	const struct layout *l = find_layout(dir, sizeof(dir));
	size_t i;
	int n;

	if (!l || strchr(name, '/'))
		return -ENOENT;
	n = snprintf(buf, len, "%s/%s/%s", dir, kind == OLAB_DIR_BPF ? l->bpf : l->doc, name);
	if (kind == OLAB_DIR_BPF && l == &layouts[0])
		for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
			if (!strcmp(name, objects[i].name))
				n = snprintf(buf, len, "%s/%s", dir, objects[i].build);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	tidy(buf, len);
	return access(buf, R_OK) ? -ENOENT : 0;
}

const char *olab_obj_arg(const char *arg, char *buf, size_t len)
{
	if (!access(arg, F_OK) || strchr(arg, '/'))
		return arg;
	return olab_file(OLAB_DIR_BPF, arg, buf, len) ? arg : buf;
}
