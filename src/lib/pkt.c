// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <string.h>

#include "lib/pkt.h"

uint16_t pkt_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

size_t pkt_build_udp4(void *buf, size_t cap, const struct pkt_addrs *a, const void *payload,
		      size_t plen)
{
	/*
	 * Headers are built in aligned locals and copied in: after a 14-byte Ethernet header the
	 * IP header in buf is misaligned for struct iphdr (UBSan says so, and some CPUs fault).
	 */
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	uint8_t *p = buf;
	size_t total = sizeof(eth) + sizeof(ip) + sizeof(udp) + plen;
	uint32_t sum;

	if (total > cap || plen > 65507)
		return 0;
	memset(&eth, 0, sizeof(eth));
	memset(&ip, 0, sizeof(ip));
	memset(&udp, 0, sizeof(udp));
	memcpy(eth.h_dest, a->dst_mac, 6);
	memcpy(eth.h_source, a->src_mac, 6);
	eth.h_proto = htons(ETH_P_IP);
	ip.version = 4;
	ip.ihl = 5;
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.tot_len = htons((uint16_t)(sizeof(ip) + sizeof(udp) + plen));
	ip.saddr = a->src_ip;
	ip.daddr = a->dst_ip;
	ip.check = pkt_csum(&ip, sizeof(ip), 0);
	udp.source = a->src_port;
	udp.dest = a->dst_port;
	udp.len = htons((uint16_t)(sizeof(udp) + plen));
	memcpy(p, &eth, sizeof(eth));
	memcpy(p + sizeof(eth), &ip, sizeof(ip));
	memcpy(p + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	memcpy(p + sizeof(eth) + sizeof(ip) + sizeof(udp), payload, plen);
	/* pseudo-header: addresses, protocol, UDP length; then the UDP header and payload */
	sum = ntohl(a->src_ip) >> 16;
	sum += ntohl(a->src_ip) & 0xffff;
	sum += ntohl(a->dst_ip) >> 16;
	sum += ntohl(a->dst_ip) & 0xffff;
	sum += IPPROTO_UDP + (uint32_t)(sizeof(udp) + plen);
	udp.check = pkt_csum(p + sizeof(eth) + sizeof(ip), sizeof(udp) + plen, sum);
	if (!udp.check)
		udp.check = 0xffff;
	memcpy(p + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	return total;
}
