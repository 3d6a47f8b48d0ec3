/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PKT_H
#define OLAB_PKT_H

#include <stddef.h>
#include <stdint.h>

/* Addresses of a test packet; IPv4 addresses and ports in network byte order. */
struct pkt_addrs {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
};

/*
 * Build Ethernet + IPv4 + UDP around payload into buf (valid IP and UDP checksums).
 * Returns the frame length, or 0 when buf is too small.
 */
size_t pkt_build_udp4(void *buf, size_t cap, const struct pkt_addrs *a, const void *payload,
		      size_t plen);

/* The Internet checksum of len bytes, folded, starting from sum (host order partial). */
uint16_t pkt_csum(const void *data, size_t len, uint32_t sum);

#endif
