/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_PROTO_H
#define OLAB_AKV_PROTO_H

/*
 * memcached's text protocol over a datagram, as memcached runs it: every command of the
 * request in turn, each reply appended, with memcached's exact reply lines (STORED,
 * NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, OK, numbers, VALUE ... END, ERROR,
 * CLIENT_ERROR ..., SERVER_ERROR ...) and noreply.
 */
#include <stddef.h>

#include "afxdp_kv/akv_store.h"

/* Largest reply to one datagram: a UDP payload less memcached's frame header. */
#define AKV_REPLY_MAX (65507 - 8)

/* Run the commands in req[0..len) against s; the reply goes to out (cap bytes); its length. */
size_t akv_process(struct akv_store *s, const char *req, size_t len, char *out, size_t cap);

#endif
