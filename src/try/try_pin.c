// SPDX-License-Identifier: GPL-2.0
/*
 * --pin DIR: the maps of the user's object pinned in a bpffs folder as DIR/<map name> (a dot
 * made '_', as libbpf does) while they exist (each
 * phase with the offload loads the object anew, so each has its own maps), for the user's
 * tools to read or fill. A name already there is refused (someone else's object, or a run's
 * that is still on), and only a pin that still holds the map we pinned is removed: at the
 * phase's end, after a failure, on a signal (here, the handler below; the agent's at its
 * end), and after a killed agent by the next one (the side's record).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>

#include "try/try_pin.h"

/*
 * The pins that exist now, for the signal handler: a SIGTERM or SIGINT to try ends the process
 * (the testbed's handler removes the namespaces, and their programs with them), and a pin,
 * which outlives every process, would stay. unlink() is async-signal-safe.
 */
static char sig_path[TRY_PINS_MAX][TRY_PIN_PATH_MAX];
static volatile sig_atomic_t sig_n, handler_on;
static const int pin_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction pin_before[4];

static void on_signal(int sig)
{
	size_t i;
	int k;

	for (k = 0; k < sig_n; k++)
		unlink(sig_path[k]);
	sig_n = 0;
	/*
	 * then whatever handled it before, as it was: the testbed's (which ends the process), the
	 * agent's (which ends its loop), or the default; ours goes until the next pin
	 */
	for (i = 0; i < 4; i++)
		sigaction(pin_sigs[i], &pin_before[i], NULL);
	handler_on = 0;
	raise(sig);
}

/* The first n of p's pins are the ones that exist now. */
static void sig_track(const struct try_pins *p, int n)
{
	struct sigaction sa;
	size_t i;
	int k;

	sig_n = 0;
	for (k = 0; k < n; k++)
		memcpy(sig_path[k], p->path[k], TRY_PIN_PATH_MAX);
	sig_n = n;
	if (handler_on || !n)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(pin_sigs[i], &sa, &pin_before[i]);
	handler_on = 1;
}

int try_pin_dir_check(const char *dir, char *why, size_t whylen)
{
	struct statfs fs;
	struct stat st;
	int err = stat(dir, &st) ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;

	if (err) {
		snprintf(why, whylen,
			 "--pin %s: %s (give a folder on bpffs, e.g. one made with mkdir "
			 "/sys/fs/bpf/mine)",
			 dir, err == -ENOTDIR ? "not a folder" : strerror(-err));
		return err;
	}
	if (statfs(dir, &fs) || fs.f_type != BPF_FS_MAGIC) {
		snprintf(why, whylen,
			 "--pin %s: not on bpffs, where BPF objects are pinned (a folder under "
			 "/sys/fs/bpf, or wherever 'mount -t bpf' put one)",
			 dir);
		return -EXDEV;
	}
	return 0;
}

json_t *try_pins_json(const struct try_pins *p)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < p->n; i++)
		json_array_append_new(
			a, json_pack("{s:s, s:I}", "path", p->path[i], "id", (json_int_t)p->id[i]));
	return a;
}

/* The id of the map pinned at path, 0 when there is none (or it is not a map). */
static uint32_t pinned_id(const char *path)
{
	struct bpf_map_info mi;
	__u32 ml = sizeof(mi);
	int fd = bpf_obj_get(path);
	uint32_t id = 0;

	if (fd < 0)
		return 0;
	memset(&mi, 0, sizeof(mi));
	if (!bpf_obj_get_info_by_fd(fd, &mi, &ml))
		id = mi.id;
	close(fd);
	return id;
}

int try_pins_make(struct try_pins *p, struct bpf_object *obj, const char *dir,
		  int (*rec)(void *arg, json_t *pins), void *arg, char *why, size_t whylen)
{
	struct bpf_map_info mi;
	struct bpf_map *m;
	__u32 ml;
	int err, i;

	memset(p, 0, sizeof(*p));
	bpf_object__for_each_map (m, obj) {
		const char *name = bpf_map__name(m);
		char *c;
		int n;

		if (p->n >= TRY_PINS_MAX) {
			snprintf(why, whylen, "--pin: the object has over %d maps", TRY_PINS_MAX);
			return -E2BIG;
		}
		n = snprintf(p->path[p->n], TRY_PIN_PATH_MAX, "%s/%s", dir, name);
		if (n < 0 || n >= TRY_PIN_PATH_MAX || strchr(name, '/') || !name[0]) {
			snprintf(why, whylen, "--pin: %s/%s is not a path offloadlab can pin at",
				 dir, name);
			return -ENAMETOOLONG;
		}
		/* bpffs refuses a dot in a name (libbpf pins ".rodata" maps as "_rodata" too) */
		for (c = p->path[p->n] + strlen(dir) + 1; *c; c++)
			if (*c == '.')
				*c = '_';
		memset(&mi, 0, sizeof(mi));
		ml = sizeof(mi);
		if (bpf_obj_get_info_by_fd(bpf_map__fd(m), &mi, &ml)) {
			err = -errno;
			snprintf(why, whylen, "--pin: read map %s: %s", name, strerror(-err));
			return err;
		}
		p->id[p->n++] = mi.id;
	}
	/* named (the agent's state file) before they exist */
	err = rec ? rec(arg, try_pins_json(p)) : 0;
	if (err) {
		snprintf(why, whylen, "--pin: cannot record the pins: %s", strerror(-err));
		p->n = 0;
		return err;
	}
	i = 0;
	bpf_object__for_each_map (m, obj) {
		if (i >= p->n)
			break;
		/* bpffs refuses a name that exists (EEXIST): never reused, never replaced */
		if (bpf_obj_pin(bpf_map__fd(m), p->path[i])) {
			err = -errno;
			snprintf(why, whylen,
				 err == -EEXIST ? "--pin: %s exists already: offloadlab neither "
						  "reuses nor replaces a pin (remove it, or pin "
						  "elsewhere)%s"
						: "--pin: pin a map at %s: %s",
				 p->path[i], err == -EEXIST ? "" : strerror(-err));
			p->n = i; /* the ones made */
			try_pins_remove(p);
			return err;
		}
		sig_track(p, ++i);
	}
	return 0;
}

int try_pins_remove(struct try_pins *p)
{
	int i, n = 0;

	sig_n = 0;
	for (i = 0; i < p->n; i++)
		if (p->id[i] && pinned_id(p->path[i]) == p->id[i] && !unlink(p->path[i]))
			n++;
	p->n = 0;
	return n;
}

void try_pins_remove_json(json_t *pins, void (*say)(const char *text))
{
	char buf[TRY_PIN_PATH_MAX + 80];
	json_t *v;
	size_t i;

	json_array_foreach(pins, i, v)
	{
		const char *path = json_string_value(json_object_get(v, "path"));
		json_int_t id = json_integer_value(json_object_get(v, "id"));

		if (!path || id <= 0 || id > UINT32_MAX || pinned_id(path) != (uint32_t)id ||
		    unlink(path))
			continue;
		snprintf(buf, sizeof(buf), "try: removed the pin %s (map id %lld)", path,
			 (long long)id);
		if (say)
			say(buf);
	}
}
