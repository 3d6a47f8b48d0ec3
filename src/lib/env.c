// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/libbpf.h>

#include "lib/env.h"
#include "lib/stats.h"

#ifndef OLAB_VERSION
#define OLAB_VERSION "dev"
#endif
#ifndef OLAB_GIT
#define OLAB_GIT "unknown"
#endif
#ifndef OLAB_CLANG
#define OLAB_CLANG "unknown"
#endif
#ifndef OLAB_BPFTOOL
#define OLAB_BPFTOOL "unknown"
#endif

int env_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		err = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return err;
}

static void set_file(json_t *o, const char *key, const char *path)
{
	char buf[256];

	if (env_read_line(path, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "unknown");
	json_object_set_new(o, key, json_string(buf));
}

static void cpu_model(json_t *o)
{
	char line[512], model[256] = "unknown";
	bool hv = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':');

			if (!c)
				continue;
			if (!strncmp(line, "model name", 10) && !strcmp(model, "unknown"))
				snprintf(model, sizeof(model), "%.*s", (int)strcspn(c + 2, "\n"),
					 c + 2);
			if (!strncmp(line, "flags", 5) && strstr(c, " hypervisor"))
				hv = true;
		}
		fclose(f);
	}
	json_object_set_new(o, "cpu_model", json_string(model));
	json_object_set_new(o, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(o, "virtualised", json_string(hv ? "yes (hypervisor flag)" : "no"));
}

/* Kernel config bits that change BPF performance, from /proc/config.gz or /boot. */
static void kernel_config(json_t *o, const char *release)
{
	static const char *const keys[] = {
		"CONFIG_BPF_JIT_ALWAYS_ON", "CONFIG_DEBUG_INFO_BTF",	   "CONFIG_PREEMPT_DYNAMIC",
		"CONFIG_PREEMPT",	    "CONFIG_PREEMPT_VOLUNTARY",	   "CONFIG_PREEMPT_NONE",
		"CONFIG_RETPOLINE",	    "CONFIG_MITIGATION_RETPOLINE", "CONFIG_HZ"
	};
	json_t *cfg = json_object();
	char path[300], line[512];
	gzFile gz;
	size_t i;

	gz = gzopen("/proc/config.gz", "r");
	if (!gz) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		gz = gzopen(path, "r"); /* zlib reads plain files too */
	}
	if (!gz) {
		json_object_set_new(o, "kernel_config", json_string("unknown (no config found)"));
		json_decref(cfg);
		return;
	}
	while (gzgets(gz, line, sizeof(line))) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i]);

			if (!strncmp(line, keys[i], kl) && line[kl] == '=') {
				line[strcspn(line, "\n")] = '\0';
				json_object_set_new(cfg, keys[i], json_string(line + kl + 1));
			}
		}
	}
	gzclose(gz);
	json_object_set_new(o, "kernel_config", cfg);
}

static void mitigations(json_t *o)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	json_t *m = json_object();
	struct dirent *de;
	DIR *d = opendir(dir);
	char path[512], buf[256];

	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (!env_read_line(path, buf, sizeof(buf)))
				json_object_set_new(m, de->d_name, json_string(buf));
		}
		closedir(d);
	}
	json_object_set_new(o, "mitigations", m);
}

bool env_has_pmu(void)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.disabled = 1;
	attr.exclude_kernel = 0;
	fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double env_clock_read_ns(void)
{
	struct stats_samples s;
	struct stats_summary sum;
	int i, j;

	stats_samples_init(&s);
	for (i = 0; i < 31; i++) {
		double t0 = now_ns(), t1;

		for (j = 0; j < 1000; j++)
			now_ns();
		t1 = now_ns();
		stats_samples_add(&s, (t1 - t0) / 1001.0);
	}
	stats_samples_summary(&s, &sum);
	stats_samples_free(&s);
	return sum.p50;
}

json_t *env_capture(void)
{
	json_t *o = json_object(), *tools = json_object();
	struct utsname u;
	char buf[64];

	if (uname(&u) == 0) {
		json_object_set_new(o, "kernel", json_string(u.release));
		json_object_set_new(o, "kernel_version", json_string(u.version));
		json_object_set_new(o, "arch", json_string(u.machine));
		json_object_set_new(o, "hostname", json_string(u.nodename));
		kernel_config(o, u.release);
	}
	cpu_model(o);
	set_file(o, "clocksource",
		 "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	set_file(o, "bpf_jit_enable", "/proc/sys/net/core/bpf_jit_enable");
	set_file(o, "bpf_jit_harden", "/proc/sys/net/core/bpf_jit_harden");
	set_file(o, "bpf_stats_enabled", "/proc/sys/kernel/bpf_stats_enabled");
	set_file(o, "unprivileged_bpf_disabled", "/proc/sys/kernel/unprivileged_bpf_disabled");
	set_file(o, "governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	set_file(o, "smt_active", "/sys/devices/system/cpu/smt/active");
	set_file(o, "intel_no_turbo", "/sys/devices/system/cpu/intel_pstate/no_turbo");
	mitigations(o);
	json_object_set_new(o, "pmu", json_string(env_has_pmu() ? "available" : "not available"));
	json_object_set_new(
		o, "btf", json_string(access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? "yes" : "no"));
	snprintf(buf, sizeof(buf), "%.1f", env_clock_read_ns());
	json_object_set_new(o, "clock_read_ns", json_string(buf));
	json_object_set_new(tools, "offloadlab", json_string(OLAB_VERSION));
	json_object_set_new(tools, "git_commit", json_string(OLAB_GIT));
	json_object_set_new(tools, "clang", json_string(OLAB_CLANG));
	json_object_set_new(tools, "bpftool", json_string(OLAB_BPFTOOL));
	snprintf(buf, sizeof(buf), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	json_object_set_new(tools, "libbpf", json_string(buf));
	json_object_set_new(o, "tools", tools);
	return o;
}

static void print_obj(json_t *o, const char *prefix, FILE *f)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
	{
		if (json_is_object(v)) {
			char p[128];

			snprintf(p, sizeof(p), "%s%s.", prefix, key);
			print_obj(v, p, f);
		} else if (json_is_string(v)) {
			fprintf(f, "  %s%-28s %s\n", prefix, key, json_string_value(v));
		} else if (json_is_integer(v)) {
			fprintf(f, "  %s%-28s %lld\n", prefix, key,
				(long long)json_integer_value(v));
		} else if (json_is_real(v)) {
			fprintf(f, "  %s%-28s %.4g\n", prefix, key, json_real_value(v));
		} else if (json_is_boolean(v)) {
			fprintf(f, "  %s%-28s %s\n", prefix, key, json_is_true(v) ? "yes" : "no");
		}
	}
}

void env_print(json_t *env, FILE *f)
{
	print_obj(env, "", f);
}
