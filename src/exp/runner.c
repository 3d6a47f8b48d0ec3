// SPDX-License-Identifier: GPL-2.0
/*
 * The common runner: what every experiment repeated before it had one. It opens, configures
 * and loads the experiment's skeleton, creates the veth testbed, runs it, and removes both
 * whatever happened; it writes the error string when the experiment did not, and gives the
 * calling thread its CPU set back (experiments pin it).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/remote.h"
#include "exp/exp.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/log.h"
#include "testbed/testbed.h"

static int skel_up(const struct experiment *e, struct exp_ctx *x)
{
	int err;

	x->skel = e->skel->open();
	if (!x->skel) {
		err = -errno;
		snprintf(x->r->error, sizeof(x->r->error), "open the %s BPF object: %s",
			 e->skel->name, strerror(-err));
		return err ? err : -EINVAL;
	}
	err = e->prepare ? e->prepare(x) : 0;
	if (!err)
		err = e->skel->load(x->skel);
	if (err)
		snprintf(x->r->error, sizeof(x->r->error),
			 "load the %s BPF programs: %s (run with -v for the verifier log)",
			 e->skel->name, strerror(-err));
	return err;
}

/*
 * Every id an experiment emits must be among those it declares, or its plots and claims may
 * silently miss it (a renamed metric reads "not recorded"): said on stderr and in the notes.
 */
static void check_declared(const struct experiment *e, struct result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (exp_emits(e, r->m[i]->id))
			continue;
		log_warn("%s: undeclared metric id '%s' (add it to the experiment's metrics[] in "
			 "src/exp/)",
			 e->name, r->m[i]->id);
		result_note(r, "undeclared metric id %s: a defect of offloadlab, not of the run",
			    r->m[i]->id);
	}
}

static int exp_run_with(const struct experiment *e, const struct run_opts *o, struct remote *rm,
			struct result *r)
{
	struct exp_ctx x = { .e = e, .o = o, .r = r, .remote = rm };
	struct tb tb;
	cpu_set_t cpus;
	int err = 0, have_cpus;

	r->view = e->view;
	have_cpus = !pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	if (e->priv_size) {
		x.priv = calloc(1, e->priv_size);
		err = x.priv ? 0 : -ENOMEM;
	}
	if (!err && e->skel)
		err = skel_up(e, &x);
	else if (!err && e->prepare)
		err = e->prepare(&x);
	if (!err && rm) {
		const struct remote_opts *ro = remote_opts_of(rm);

		/* two hosts: the generator's end is the real device here, the server's there */
		err = tb_attach_host(&tb, TB_GEN, ro->dev, ro->remote_addr, ro->remote_dev);
		if (err)
			snprintf(r->error, sizeof(r->error), "use %s here: %s", ro->dev,
				 strerror(-err));
		else
			x.tb = &tb;
		if (!err)
			remote_peer_mac(rm, tb.dut.mac);
	} else if (!err && e->testbed) {
		memset(&tb, 0, sizeof(tb));
		err = tb_create(&tb);
		if (err)
			snprintf(r->error, sizeof(r->error), "create the veth testbed: %s",
				 strerror(-err));
		else
			x.tb = &tb;
	}
	if (!err && rm) {
		/* two hosts: the generator's device here is a real one; its NAPI setting goes back */
		char thr = dev_threaded_get(remote_opts_of(rm)->dev);

		err = e->run(&x);
		if (thr && dev_threaded_get(remote_opts_of(rm)->dev) != thr &&
		    !dev_threaded_set(remote_opts_of(rm)->dev, thr))
			log_warn("could not put %s's threaded NAPI back to %c",
				 remote_opts_of(rm)->dev, thr);
	} else if (!err) {
		err = e->run(&x);
	}
	side_end(&x);
	check_declared(e, r);
	if (x.tb)
		tb_destroy(x.tb);
	if (x.skel)
		e->skel->destroy(x.skel);
	free(x.priv);
	if (err && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", strerror(err < 0 ? -err : err));
	if (have_cpus && CPU_COUNT(&cpus))
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	return err;
}

int exp_run(const struct experiment *e, const struct run_opts *o, struct result *r)
{
	return exp_run_with(e, o, NULL, r);
}

/* A runtime experiment on the server's host: the agent runs it there and sends its result. */
static int exp_run_there(const struct experiment *e, const struct run_opts *o, struct remote *rm,
			 struct result *r)
{
	char why[300] = "";
	json_t *a = remote_call(rm,
				json_pack("{s:s, s:s, s:b, s:i}", "op", "run", "name", e->name,
					  "quick", o->quick, "samples", (int)o->samples),
				why, sizeof(why));
	int err;

	r->view = e->view;
	if (!a) {
		snprintf(r->error, sizeof(r->error), "the agent on %s: %s",
			 remote_opts_of(rm)->host, why);
		return -EIO;
	}
	err = result_from_json(json_object_get(a, "result"), r);
	json_decref(a);
	if (err && !r->error[0]) /* else it says which number it refused */
		snprintf(r->error, sizeof(r->error), "the agent sent no result");
	else if (!err)
		result_note(r,
			    "measured on the server's host (%s) by its agent: its CPU, kernel "
			    "and JIT (environment_remote)",
			    remote_opts_of(rm)->host);
	check_declared(e, r);
	return err ? err : r->error[0] ? -EIO : 0;
}

int exp_run_remote(const struct experiment *e, const struct run_opts *o, struct remote *rm,
		   struct result *r)
{
	if (!e->testbed)
		return exp_run_there(e, o, rm, r);
	return exp_run_with(e, o, rm, r);
}
