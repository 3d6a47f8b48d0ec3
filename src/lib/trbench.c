// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <string.h>

#include "lib/bpfutil.h"
#include "lib/pkt.h"
#include "lib/stats.h"
#include "lib/trbench.h"

void trb_set_frame(struct trb *t, size_t len)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 2 }, smac[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct pkt_addrs a = { .src_ip = htonl(0xc6120001),
			       .dst_ip = htonl(0xc6120002),
			       .src_port = htons(40000),
			       .dst_port = htons(9) };
	uint8_t payload[1600];

	if (len < 64)
		len = 64;
	if (len > 1500)
		len = 1500;
	memcpy(a.dst_mac, dmac, 6);
	memcpy(a.src_mac, smac, 6);
	memset(payload, 0x5a, sizeof(payload));
	t->len = pkt_build_udp4(t->pkt, sizeof(t->pkt), &a, payload, len - 42);
}

void trb_init(struct trb *t, bool quick, unsigned int samples)
{
	memset(t, 0, sizeof(*t));
	trb_set_frame(t, 64);
	t->samples = quick ? 5 : 15;
	if (samples)
		t->samples = samples / 100 < 5 ? 5 : (int)(samples / 100);
	if (t->samples > TRB_MAX_SAMPLES)
		t->samples = TRB_MAX_SAMPLES;
	t->target_ns = quick ? 2000000 : 10000000;
}

int trb_measure(const struct trb *t, int prog_fd, struct trb_run *out)
{
	struct bpfu_tr_opts o = { .target_ns = t->target_ns, .samples = t->samples };

	memset(out, 0, sizeof(*out));
	return bpfu_test_run_per_iter(prog_fd, t->pkt, t->len, &o, out->v, &out->n, &out->linear);
}

void trb_native(const struct trb *t, uint64_t (*batch)(void *arg, uint64_t calls), void *arg,
		struct trb_run *out)
{
	uint64_t calls = 1000, ns;
	int i;

	memset(out, 0, sizeof(*out));
	out->linear = true;
	ns = batch(arg, calls);
	calls = t->target_ns / (ns / calls ? ns / calls : 1);
	if (calls < 1000)
		calls = 1000;
	for (i = -1; i < t->samples; i++) {
		uint64_t a = batch(arg, calls), b = batch(arg, 2 * calls);

		if (i < 0)
			continue;
		/* kept either way: a non-linear pair flags the metric, it does not empty it */
		if (!stats_linear((double)a, (double)b, 0.25))
			out->linear = false;
		out->v[out->n++] = (double)a / (double)calls;
	}
}

double trb_median(const struct trb_run *r)
{
	double v[TRB_MAX_SAMPLES];
	int i, j;

	if (r->n <= 0)
		return 0;
	memcpy(v, r->v, sizeof(double) * (size_t)r->n);
	for (i = 1; i < r->n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return r->n % 2 ? v[r->n / 2] : (v[r->n / 2 - 1] + v[r->n / 2]) / 2;
}

void trb_metric(struct metric *m, const struct trb_run *r, double sub, double div, bool linear,
		int wanted)
{
	struct stats_samples s;
	int i;

	stats_samples_init(&s);
	for (i = 0; i < r->n; i++)
		stats_samples_add(&s, (r->v[i] - sub) / (div > 0 ? div : 1));
	metric_set_samples(m, &s, (size_t)wanted);
	stats_samples_free(&s);
	if (!linear || !r->linear)
		m->flags |= METRIC_NONLINEAR;
}
