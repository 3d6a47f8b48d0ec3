/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_METRICS_H
#define OLAB_AKV_METRICS_H

/*
 * The AF_XDP key-value server's counters, readable from outside the process: while it serves,
 * 'afxdp-kv serve' rewrites a small state file once a second (whole, by rename), which
 * 'afxdp-kv stats' prints as text, JSON or Prometheus metrics. The file is keyed by the
 * network namespace and the device, as the kvcache's pins are:
 * /run/offloadlab/afxdp-kv-<netns>-<ifindex>.stats.
 */
#include <stdbool.h>

#include "afxdp_kv/afxdp_kv_serve.h"

struct akv_pub;

/*
 * Before serving on o->dev: remove the state a killed server left there (said on stderr);
 * refuse (-EBUSY, printed) while another server is alive on the device. textfile (or NULL): a
 * folder for node_exporter's textfile collector, written with the state. 0 or -errno.
 */
int akv_pub_open(const struct akv_opts *o, const char *textfile, struct akv_pub **out);
/* Publish s's counters now; errors are said once, serving goes on. */
void akv_pub_tick(struct akv_pub *p, struct akv_server *s);
/* Serving ended: remove the state file (the textfile says up 0). NULL-safe. */
void akv_pub_close(struct akv_pub *p);

enum akv_format { AKV_FMT_TEXT, AKV_FMT_JSON, AKV_FMT_PROM };
/* 'afxdp-kv stats': the counters of the server on dev; an exit status. */
int akv_stats_cmd(const char *dev, enum akv_format fmt, const char *textfile);
/* 'afxdp-kv cleanup': remove what a killed server on dev left; an exit status. */
int akv_cleanup_cmd(const char *dev);

#endif
