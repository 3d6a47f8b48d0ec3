/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TRY_WL_H
#define OLAB_TRY_WL_H

/*
 * The workload of `offloadlab try`: the requests a client sends, each a payload (the bytes of
 * one UDP datagram or one TCP write), a weight (how often it is drawn) and a class (a label the
 * report groups latency by). Read from a requests file (one `weight class payload` a line, C
 * escapes) or from the client-to-server payloads of a classic pcap. Both readers take the
 * file's bytes as untrusted input: every bound is checked, every refusal says where and why.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WL_LINE_MAX 8192	   /* bytes in one line of a requests file */
#define WL_PAYLOAD_MAX 8192	   /* bytes in one request (after the escapes) */
#define WL_CLASSES_MAX 16	   /* distinct classes */
#define WL_CLASS_LEN 24		   /* bytes in a class label, its NUL not counted */
#define WL_REQS_MAX 65536	   /* requests (lines, or pcap payloads) */
#define WL_WEIGHT_MAX 1000000	   /* a line's weight */
#define WL_REQFILE_MAX (16u << 20) /* bytes in a requests file */
#define WL_PCAP_MAX (256u << 20)   /* bytes in a pcap */
#define WL_PCAP_REC_MAX 262144	   /* bytes captured of one packet (tcpdump's largest snaplen) */
#define WL_CLASS_BY_MAX 8	   /* --class-by rules */

struct wl_req {
	uint32_t off;	 /* of its payload in the workload's blob */
	uint32_t len;	 /* 1..WL_PAYLOAD_MAX */
	uint32_t weight; /* 1..WL_WEIGHT_MAX */
	uint16_t cls;	 /* index into the workload's classes */
	uint16_t pad;
};

struct workload {
	struct wl_req *req;
	size_t n, cap;
	unsigned char *blob;
	size_t blob_len, blob_cap;
	char cls[WL_CLASSES_MAX][WL_CLASS_LEN + 1];
	unsigned int ncls;
	uint64_t total_weight;
	/* a pcap's packets not taken, by reason (said in the note and in the error) */
	uint64_t pcap_packets, skip_not_ip4, skip_other_port, skip_proto, skip_frag, skip_cut,
		skip_empty, skip_over;
};

void wl_init(struct workload *w);
void wl_free(struct workload *w);

/*
 * A requests file's bytes (name for messages): lines `weight class payload`, `#` comments and
 * blank lines skipped; weight 1..WL_WEIGHT_MAX, class [A-Za-z0-9_.-]{1,WL_CLASS_LEN}, payload
 * the rest of the line after the blanks that follow the class, with the escapes \r \n \t \\
 * and \xHH (a raw tab is kept; other raw control bytes are refused: write them as \xHH; a CR
 * right before the line's end is taken as a CRLF line end). Appends to w (the preload and the
 * requests are two workloads). 0, or -EINVAL / -E2BIG / -ENOMEM with why ("FILE:LINE: ...").
 */
int wl_parse_requests(struct workload *w, const char *name, const unsigned char *buf, size_t len,
		      char *why, size_t whylen);

/* --class-by REGEX=label: the first rule whose extended regex matches a payload names its class */
struct wl_class_by {
	void *re[WL_CLASS_BY_MAX]; /* regex_t, compiled by wl_class_by_add */
	char label[WL_CLASS_BY_MAX][WL_CLASS_LEN + 1];
	unsigned int n;
};
/* One "REGEX=label" (split at the last '='). 0, or -EINVAL / -E2BIG with why. */
int wl_class_by_add(struct wl_class_by *cb, const char *spec, char *why, size_t whylen);
void wl_class_by_free(struct wl_class_by *cb);

/*
 * A classic pcap's bytes (either byte order, micro- or nanosecond stamps; link types Ethernet,
 * raw IPv4 and Linux cooked): every IPv4 UDP (tcp false) or TCP (tcp true) payload to port,
 * each a request of weight 1, its class from cb (NULL or no match: "all" without rules, "other"
 * with). Packets cut by the capture, fragments, other ports and protocols are skipped and
 * counted in w. 0, or -EINVAL / -E2BIG / -ENOMEM with why ("FILE: record N: ..."); a capture
 * with no payload for the port is an error that says what it held.
 */
int wl_parse_pcap(struct workload *w, const char *name, const unsigned char *buf, size_t len,
		  uint16_t port, bool tcp, const struct wl_class_by *cb, char *why, size_t whylen);

/*
 * A regular file's bytes (at most max; a larger one, a FIFO or a device is refused), *buf the
 * caller's to free. 0, or -errno with why.
 */
int wl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len, char *why,
		 size_t whylen);

/* The readers' own: class label's index (added when new; -E2BIG past WL_CLASSES_MAX), and one
 * request appended, its payload copied (0, -E2BIG past WL_REQS_MAX, -ENOMEM). */
int wl_class_index(struct workload *w, const char *label, size_t len);
int wl_add(struct workload *w, const unsigned char *p, size_t len, uint32_t weight, int cls);

/* The payload of request i. */
static inline const unsigned char *wl_payload(const struct workload *w, size_t i)
{
	return w->blob + w->req[i].off;
}

/* A digest of the workload (FNV-1a 64 over weights, classes and payloads), 16 hex digits. */
void wl_digest(const struct workload *w, char out[17]);

/*
 * The draw of requests by weight: a table of request indexes, the request for seq being
 * idx[hash(seq) % WL_PICK] (try_gen.c), so that every class runs through the whole phase;
 * WL_PICK slots shared in proportion to the weights (a request whose share is below one
 * slot may get none). *idx is the caller's to free. 0, -EINVAL (empty) or -ENOMEM.
 */
#define WL_PICK 65536
int wl_pick_table(const struct workload *w, uint32_t **idx);

#endif
