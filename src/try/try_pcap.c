// SPDX-License-Identifier: GPL-2.0
/*
 * The workload from a classic pcap (try_wl.h): the client-to-server UDP or TCP payloads for
 * one port. Every length in the file is the file's word, checked against what is there.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "try/try_wl.h"

#define PCAP_HDR 24
#define PCAP_REC 16
#define LT_ETHERNET 1
#define LT_RAW 101
#define LT_LINUX_SLL 113

int wl_class_by_add(struct wl_class_by *cb, const char *spec, char *why, size_t whylen)
{
	const char *eq = strrchr(spec, '=');
	const char *label = eq ? eq + 1 : NULL;
	size_t i, ll = label ? strlen(label) : 0;
	char *pat;
	regex_t *re;
	int rc;

	if (!eq || eq == spec || !ll) {
		snprintf(why, whylen,
			 "--class-by takes REGEX=label (e.g. '^get =get'), not '%.60s'", spec);
		return -EINVAL;
	}
	if (ll > WL_CLASS_LEN) {
		snprintf(why, whylen, "--class-by: the label is longer than %d characters",
			 WL_CLASS_LEN);
		return -EINVAL;
	}
	for (i = 0; i < ll; i++)
		if (!((label[i] >= 'a' && label[i] <= 'z') ||
		      (label[i] >= 'A' && label[i] <= 'Z') ||
		      (label[i] >= '0' && label[i] <= '9') || label[i] == '_' || label[i] == '.' ||
		      label[i] == '-')) {
			snprintf(why, whylen,
				 "--class-by: a label is letters, digits, '_', '.' and '-' only");
			return -EINVAL;
		}
	if (cb->n >= WL_CLASS_BY_MAX) {
		snprintf(why, whylen, "--class-by: at most %d rules", WL_CLASS_BY_MAX);
		return -E2BIG;
	}
	pat = strndup(spec, (size_t)(eq - spec));
	re = calloc(1, sizeof(*re));
	if (!pat || !re) {
		free(pat);
		free(re);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[120];

		regerror(rc, re, msg, sizeof(msg));
		snprintf(why, whylen, "--class-by: the regular expression '%.60s': %s", pat, msg);
		free(pat);
		free(re);
		return -EINVAL;
	}
	free(pat);
	cb->re[cb->n] = re;
	memcpy(cb->label[cb->n], label, ll + 1);
	cb->n++;
	return 0;
}

void wl_class_by_free(struct wl_class_by *cb)
{
	unsigned int i;

	for (i = 0; i < cb->n; i++) {
		regfree(cb->re[i]);
		free(cb->re[i]);
	}
	memset(cb, 0, sizeof(*cb));
}

/*
 * The label for payload p (len <= WL_PAYLOAD_MAX): the first rule that matches it. REG_STARTEND
 * takes NULs as bytes; the copy ends in one all the same (some regexec wrappers, ASan's among
 * them, read the string up to its NUL whatever the flags say).
 */
static const char *classify(const struct wl_class_by *cb, const unsigned char *p, size_t len)
{
	char s[WL_PAYLOAD_MAX + 1];
	unsigned int i;

	if (!cb || !cb->n)
		return "all";
	memcpy(s, p, len);
	s[len] = '\0';
	for (i = 0; i < cb->n; i++) {
		regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)len };

		if (!regexec(cb->re[i], s, 1, &m, REG_STARTEND))
			return cb->label[i];
	}
	return "other";
}

static uint32_t rd32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * One captured packet (caplen bytes, what the file holds of it): its payload for the port, or
 * NULL with the reason counted in w.
 */
static const unsigned char *payload_of(struct workload *w, uint32_t linktype,
				       const unsigned char *p, size_t caplen, uint16_t port,
				       bool tcp, size_t *plen)
{
	size_t off = 0, ihl, iplen, l4len;
	uint16_t proto;

	if (linktype == LT_ETHERNET) {
		if (caplen < 14)
			goto not_ip4;
		proto = be16(p + 12);
		off = 14;
		/* at most two VLAN tags (802.1Q, 802.1ad) */
		while ((proto == 0x8100 || proto == 0x88a8) && off <= 18 && caplen >= off + 4) {
			proto = be16(p + off + 2);
			off += 4;
		}
		if (proto != 0x0800)
			goto not_ip4;
	} else if (linktype == LT_LINUX_SLL) {
		if (caplen < 16 || be16(p + 14) != 0x0800)
			goto not_ip4;
		off = 16;
	}
	if (caplen < off + 20 || (p[off] >> 4) != 4)
		goto not_ip4;
	ihl = (size_t)(p[off] & 0xf) * 4;
	iplen = be16(p + off + 2);
	if (ihl < 20 || iplen < ihl)
		goto not_ip4;
	if (be16(p + off + 6) & 0x3fff) {
		w->skip_frag++; /* MF set or an offset: a fragment */
		return NULL;
	}
	if (p[off + 9] != (tcp ? 6 : 17)) {
		w->skip_proto++;
		return NULL;
	}
	if (caplen < off + iplen) {
		/* the capture cut it (snaplen), or the IP length lies: either way not whole */
		w->skip_cut++;
		return NULL;
	}
	p += off + ihl;
	l4len = iplen - ihl;
	if (!tcp) {
		size_t ulen;

		if (l4len < 8)
			goto not_ip4;
		if (be16(p + 2) != port) {
			w->skip_other_port++;
			return NULL;
		}
		ulen = be16(p + 4);
		if (ulen < 8 || ulen > l4len)
			goto not_ip4;
		*plen = ulen - 8;
		p += 8;
	} else {
		size_t doff;

		if (l4len < 20)
			goto not_ip4;
		if (be16(p + 2) != port) {
			w->skip_other_port++;
			return NULL;
		}
		doff = (size_t)(p[12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			goto not_ip4;
		*plen = l4len - doff;
		p += doff;
	}
	if (!*plen) {
		w->skip_empty++; /* a TCP handshake or ack, an empty datagram */
		return NULL;
	}
	if (*plen > WL_PAYLOAD_MAX) {
		w->skip_over++;
		return NULL;
	}
	return p;
not_ip4:
	w->skip_not_ip4++;
	return NULL;
}

static int rec_err(char *why, size_t whylen, const char *name, uint64_t rec, size_t off,
		   const char *what)
{
	snprintf(why, whylen, "%s: record %llu (byte %zu): %s", name, (unsigned long long)rec, off,
		 what);
	return -EINVAL;
}

int wl_parse_pcap(struct workload *w, const char *name, const unsigned char *buf, size_t len,
		  uint16_t port, bool tcp, const struct wl_class_by *cb, char *why, size_t whylen)
{
	uint32_t magic, linktype;
	size_t pos = PCAP_HDR, n0 = w->n;
	bool swap;
	uint64_t rec = 0;

	if (len > WL_PCAP_MAX) {
		snprintf(why, whylen, "%s: %zu bytes, more than a capture may hold here (%u)", name,
			 len, WL_PCAP_MAX);
		return -E2BIG;
	}
	if (len < PCAP_HDR) {
		snprintf(why, whylen, "%s: %zu bytes, shorter than a pcap header (24)", name, len);
		return -EINVAL;
	}
	memcpy(&magic, buf, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = false;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = true;
	else if (magic == 0x0a0d0d0a) {
		snprintf(why, whylen,
			 "%s: a pcapng file: save it as classic pcap (tcpdump -w, or 'editcap -F "
			 "pcap IN OUT')",
			 name);
		return -EINVAL;
	} else {
		snprintf(why, whylen, "%s: not a pcap file (magic %08x)", name, magic);
		return -EINVAL;
	}
	linktype = rd32(buf + 20, swap) & 0x0fffffff; /* the top bits are FCS flags */
	if (linktype != LT_ETHERNET && linktype != LT_RAW && linktype != LT_LINUX_SLL) {
		snprintf(why, whylen,
			 "%s: link type %u: only Ethernet (1), raw IP (101) and Linux cooked "
			 "(113) captures are read",
			 name, linktype);
		return -EINVAL;
	}
	while (pos < len) {
		uint32_t incl;
		const char *label;
		const unsigned char *p;
		size_t plen = 0;
		int cls, err;

		rec++;
		if (len - pos < PCAP_REC)
			return rec_err(why, whylen, name, rec, pos,
				       "the file ends inside a record header (a capture cut "
				       "short?)");
		incl = rd32(buf + pos + 8, swap);
		if (incl > WL_PCAP_REC_MAX)
			return rec_err(why, whylen, name, rec, pos,
				       "a captured length over 262144 bytes: not a pcap, or a "
				       "damaged one");
		pos += PCAP_REC;
		if (len - pos < incl)
			return rec_err(why, whylen, name, rec, pos - PCAP_REC,
				       "the file ends inside the packet (a capture cut short?)");
		w->pcap_packets++;
		p = payload_of(w, linktype, buf + pos, incl, port, tcp, &plen);
		pos += incl;
		if (!p)
			continue;
		label = classify(cb, p, plen);
		cls = wl_class_index(w, label, strlen(label));
		if (cls < 0) {
			snprintf(why, whylen, "%s: more than %d classes", name, WL_CLASSES_MAX);
			return -E2BIG;
		}
		err = wl_add(w, p, plen, 1, cls);
		if (err == -E2BIG)
			break; /* enough: the first WL_REQS_MAX payloads (the note says so) */
		if (err) {
			snprintf(why, whylen, "%s: out of memory", name);
			return err;
		}
	}
	if (w->n == n0) {
		snprintf(why, whylen,
			 "%s: no %s payload to port %u in %llu packet(s) (%llu not IPv4 or "
			 "damaged, %llu other protocol, %llu other port, %llu fragments, %llu cut "
			 "by the capture, %llu empty, %llu over %d bytes)",
			 name, tcp ? "TCP" : "UDP", port, (unsigned long long)w->pcap_packets,
			 (unsigned long long)w->skip_not_ip4, (unsigned long long)w->skip_proto,
			 (unsigned long long)w->skip_other_port, (unsigned long long)w->skip_frag,
			 (unsigned long long)w->skip_cut, (unsigned long long)w->skip_empty,
			 (unsigned long long)w->skip_over, WL_PAYLOAD_MAX);
		return -EINVAL;
	}
	return 0;
}
