/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVC_PINS_H
#define OLAB_KVC_PINS_H

/*
 * Where 'offloadlab kvcache attach' pins what keeps the cache in place once the command ends
 * (kvc_pins.c), and how detach and stats find it again, also once its device is gone.
 */
#include <stdbool.h>
#include <stddef.h>

#include "kvcache/kvc.h"

/* This network namespace's identity (the inode of /proc/self/ns/net); 0 if unknown. */
unsigned long long kvc_netns_id(void);

/*
 * A BPF filesystem where pins outlive this command: the host's (pid 1's mount namespace),
 * else this mount namespace's when it outlives the command, else the one of the namespace
 * the command was started from ('ip netns exec' runs it in a mount namespace of its own that
 * ends with it). With mount (attach), one is mounted where tools expect it if none is there,
 * and -errno is printed (nothing attached) when there is none to use; without (detach,
 * stats), the one of those that holds this namespace's cache. 0 with the path in root, or
 * -errno.
 */
int kvc_pin_root(char *root, size_t len, bool mount);

/* The pins of the cache attached to ifindex in this namespace: root/olab-kvcache-NS-IFINDEX. */
void kvc_pin_dir(const char *root, unsigned int ifindex, char *dir, size_t len);

/*
 * The pins of this namespace's cache attached to dev, found by the device's ifindex, or by
 * the name attach noted once the device is gone: 0 with dir and info, -ENOENT when there are
 * none, -ENODEV when they name another device.
 */
int kvc_find_pins(const char *root, const char *dev, char *dir, size_t len,
		  struct kvc_attach_info *info);

/* Calls fn for every cache pinned in root for this namespace; the number found. */
int kvc_each_pins(const char *root, void (*fn)(const char *dir, void *arg), void *arg);

/* Pin k's links and maps in dir (made here); 0 or -errno. k lets go of what it pinned. */
int kvc_pin_all(struct kvc *k, const char *dir);

/* Remove every pin in dir, then dir: the last reference to the links goes, and the programs. */
void kvc_unpin_all(const char *dir);

/* offloadlab kvcache stats (kvc_stats.c): exit code. */
int kvc_cmd_stats(const char *dev, bool as_json);

#endif
