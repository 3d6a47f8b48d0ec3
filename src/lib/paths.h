/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PATHS_H
#define OLAB_PATHS_H

#include <stddef.h>

/*
 * Where offloadlab's own files are, found from the running binary (/proc/self/exe), never
 * from the current directory: beside it in the build tree (build/offloadlab with build/bpf/
 * and the source's docs/), or under its installation prefix (PREFIX/bin/offloadlab with
 * PREFIX/lib/offloadlab/ and PREFIX/share/doc/offloadlab/).
 */
enum olab_dir_kind {
	OLAB_DIR_BPF, /* the BPF objects a user loads by hand (xdp_pass.bpf.o, jit.bpf.o) */
	OLAB_DIR_DOC, /* the documentation (kvcache.md, results.schema.json, ...) */
};

/* The folder of that kind into buf; 0, or -ENOENT when neither layout is found. */
int olab_dir(enum olab_dir_kind kind, char *buf, size_t len);

/*
 * One of those files by its name ("xdp_pass.bpf.o", "kvcache.md"): its path into buf, 0, or
 * -ENOENT.
 */
int olab_file(enum olab_dir_kind kind, const char *name, char *buf, size_t len);

/*
 * A BPF object named by the user: the path as given when it exists; a bare file name that
 * does not exist here is looked up among offloadlab's own objects (so that 'jit dump
 * jit.bpf.o ...' works once installed). Returns arg or buf.
 */
const char *olab_obj_arg(const char *arg, char *buf, size_t len);

#endif
