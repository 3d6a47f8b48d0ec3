// SPDX-License-Identifier: GPL-2.0
/* The verifying memcached client (verify.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "support/kvverify.h"
#include "lib/bpfutil.h"
#include "lib/util.h"

#define MAX_KEYS 64
#define MAX_THREADS 16
#define VAL_MAX 300

struct shared {
	const struct kvv_opts *o;
	_Atomic uint64_t committed[MAX_KEYS];
	_Atomic uint64_t ops;
	atomic_bool stop;
	uint64_t t_end;
	pthread_mutex_t lock;
	struct kvv_result r;
};

struct worker {
	struct shared *sh;
	int kind; /* 0 TCP writer, 1 UDP writer, 2 reader */
	int index, nwriters;
	uint64_t seed;
};

/* The value of version v of key k: its version first, then \r\n, a zero byte, and a pattern. */
static size_t make_value(unsigned int k, uint64_t v, uint8_t *buf)
{
	size_t len = 24 + (size_t)((v * 7 + k * 13) % (VAL_MAX - 24)), i;

	snprintf((char *)buf, 18, "V%016llu", (unsigned long long)v);
	buf[17] = '\r';
	buf[18] = '\n';
	buf[19] = 0;
	for (i = 20; i < len; i++)
		buf[i] = (uint8_t)((v * 31 + k * 17 + i) & 0xff);
	return len;
}

static void key_name(unsigned int k, char *buf)
{
	snprintf(buf, 16, "kvv%u", k);
}

static bool stopping(struct shared *sh)
{
	if (atomic_load(&sh->stop))
		return true;
	if (atomic_load(&sh->ops) >= sh->o->min_ops || bpfu_now_ns() >= sh->t_end) {
		atomic_store(&sh->stop, true);
		return true;
	}
	return false;
}

static void add(struct shared *sh, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&sh->lock);
	*field += n;
	pthread_mutex_unlock(&sh->lock);
}

static int udp_socket(const struct kvv_opts *o)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&o->server, sizeof(o->server))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * One UDP request (frame header with id) and its reply with the same id: an 8-byte header,
 * then the payloads of the reply's datagrams in order. memcached sends each item of a get in
 * a datagram of its own (every one marked 0 of 1), so with until_end the reply runs until a
 * payload ends with END (or an error line). Returns the length, or -1 on a timeout.
 */
static ssize_t udp_call(int fd, uint16_t id, const uint8_t *req, size_t len, uint8_t *rep,
			size_t cap, bool until_end)
{
	uint8_t buf[2048];
	size_t off = 8;
	ssize_t n;

	if (len + 8 > sizeof(buf) || cap < 8)
		return -1;
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = buf[3] = buf[6] = buf[7] = 0;
	buf[4] = 0;
	buf[5] = 1;
	memcpy(buf + 8, req, len);
	if (send(fd, buf, len + 8, 0) < 0)
		return -1;
	memcpy(rep, buf, 8);
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1; /* timeout */
		if (n < 8 || buf[0] != (uint8_t)(id >> 8) || buf[1] != (uint8_t)id)
			continue; /* a late reply to an earlier request */
		if (off + (size_t)n - 8 > cap)
			return -1;
		memcpy(rep + off, buf + 8, (size_t)n - 8);
		off += (size_t)n - 8;
		if (!until_end)
			break;
		if ((off >= 13 && !memcmp(rep + off - 5, "END\r\n", 5)) ||
		    (n > 8 && buf[8] != 'V' && buf[n - 1] == '\n'))
			break; /* END, or an error line */
	}
	return (ssize_t)off;
}

static size_t set_request(unsigned int k, uint64_t v, uint8_t *buf)
{
	uint8_t val[VAL_MAX];
	char key[16];
	size_t vl = make_value(k, v, val);
	int h;

	key_name(k, key);
	h = snprintf((char *)buf, 64, "set %s 0 0 %zu\r\n", key, vl);
	memcpy(buf + h, val, vl);
	memcpy(buf + h + vl, "\r\n", 2);
	return (size_t)h + vl + 2;
}

static void *writer(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	const struct kvv_opts *o = sh->o;
	uint64_t ver[MAX_KEYS] = { 0 };
	uint8_t req[512], rep[2048];
	uint16_t id = (uint16_t)(w->index * 4096);
	int fd;
	unsigned int k = (unsigned int)w->index;

	if (w->kind == 0 && (unsigned int)w->index < o->server_side_writers && o->server_enter)
		o->server_enter(o->enter_arg);
	else if (o->enter)
		o->enter(o->enter_arg);
	if (w->kind == 0) {
		struct timeval tv = { .tv_sec = 2 };

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			if (connect(fd, (const struct sockaddr *)&o->server, sizeof(o->server))) {
				close(fd);
				fd = -1;
			}
		}
	} else {
		fd = udp_socket(o);
	}
	if (fd < 0) {
		add(sh, &sh->r.write_errors, 1);
		return NULL;
	}
	while (!stopping(sh)) {
		uint64_t v = ++ver[k];
		size_t len = set_request(k, v, req);
		bool ok = false;
		int tries;

		if (w->kind == 0) {
			size_t got = 0;

			if (send(fd, req, len, MSG_NOSIGNAL) == (ssize_t)len) {
				while (got < sizeof(rep) - 1) {
					ssize_t n = recv(fd, rep + got, sizeof(rep) - 1 - got, 0);

					if (n <= 0)
						break;
					got += (size_t)n;
					if (got >= 2 && rep[got - 1] == '\n')
						break;
				}
				ok = got == 8 && !memcmp(rep, "STORED\r\n", 8);
			}
		} else {
			for (tries = 0; tries < 5 && !ok; tries++) {
				ssize_t n = udp_call(fd, id, req, len, rep, sizeof(rep), false);

				ok = n == 16 && !memcmp(rep + 8, "STORED\r\n", 8);
			}
			id++;
		}
		if (!ok) {
			add(sh, &sh->r.write_errors, 1);
			break;
		}
		atomic_store_explicit(&sh->committed[k], v, memory_order_release);
		atomic_fetch_add(&sh->ops, 1);
		add(sh, &sh->r.writes, 1);
		k += (unsigned int)w->nwriters;
		if (k >= o->keys)
			k = (unsigned int)w->index;
		if (o->write_gap_us)
			usleep(o->write_gap_us);
	}
	close(fd);
	return NULL;
}

/* Check the reply to a get of keys ks (committed versions cs before it was sent). */
static void check_reply(struct shared *sh, const uint8_t *p, size_t n, const unsigned int *ks,
			const uint64_t *cs, int nk, bool final)
{
	bool seen[2] = { false, false };
	size_t off = 8;
	int i;

	while (off < n) {
		char key[64];
		size_t len, hl;
		unsigned int flags;
		const uint8_t *nl = memchr(p + off, '\n', n - off);

		if (!nl)
			break;
		if (n - off >= 5 && !memcmp(p + off, "END\r\n", 5))
			break;
		if (sscanf((const char *)p + off, "VALUE %63s %u %zu", key, &flags, &len) != 3) {
			add(sh, &sh->r.corrupt, 1);
			return;
		}
		hl = (size_t)(nl - (p + off)) + 1;
		for (i = 0; i < nk; i++) {
			char want[16];
			uint8_t val[VAL_MAX];
			unsigned long long v = 0;

			key_name(ks[i], want);
			if (strcmp(want, key))
				continue;
			seen[i] = true;
			if (off + hl + len + 2 > n || len < 20 ||
			    sscanf((const char *)p + off + hl, "V%16llu", &v) != 1 ||
			    make_value(ks[i], v, val) != len || memcmp(val, p + off + hl, len)) {
				add(sh, final ? &sh->r.final_mismatch : &sh->r.corrupt, 1);
				continue;
			}
			if (final ? v != cs[i] : v < cs[i])
				add(sh, final ? &sh->r.final_mismatch : &sh->r.stale, 1);
		}
		off += hl + len + 2;
	}
	for (i = 0; i < nk; i++)
		if (!seen[i] && cs[i] > 0) {
			add(sh, final ? &sh->r.final_mismatch : &sh->r.missing, 1);
		}
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	const struct kvv_opts *o = sh->o;
	uint8_t req[128], rep[4096];
	uint16_t id = (uint16_t)(0x8000 + w->index * 2048);
	uint64_t rng = w->seed | 1, x;
	int fd;

	if (o->enter)
		o->enter(o->enter_arg);
	fd = udp_socket(o);
	if (fd < 0)
		return NULL;
	while (!stopping(sh)) {
		unsigned int ks[2];
		uint64_t cs[2];
		char a[16], b[16];
		int nk, i, len;
		ssize_t n;

		x = olab_rng(&rng);
		nk = (x >> 40) % 4 == 0 ? 2 : 1;
		ks[0] = (unsigned int)(x % o->keys);
		ks[1] = (unsigned int)((x >> 20) % o->keys);
		if (nk == 2 && ks[1] == ks[0])
			nk = 1;
		for (i = 0; i < nk; i++)
			cs[i] = atomic_load_explicit(&sh->committed[ks[i]], memory_order_acquire);
		key_name(ks[0], a);
		key_name(ks[1], b);
		len = nk == 2 ? snprintf((char *)req, sizeof(req), "get %s %s\r\n", a, b)
			      : snprintf((char *)req, sizeof(req), "get %s\r\n", a);
		n = udp_call(fd, id++, req, (size_t)len, rep, sizeof(rep), true);
		if (n < 0) {
			add(sh, &sh->r.read_timeouts, 1);
			continue;
		}
		check_reply(sh, rep, (size_t)n, ks, cs, nk, false);
		atomic_fetch_add(&sh->ops, 1);
		add(sh, &sh->r.reads, 1);
	}
	close(fd);
	return NULL;
}

void kvv_defaults(struct kvv_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->keys = 16;
	o->tcp_writers = 2;
	o->udp_writers = 1;
	o->readers = 2;
	o->min_ops = 100000;
	o->max_ns = 60ULL * 1000000000ULL;
}

int kvv_run(const struct kvv_opts *o, struct kvv_result *r)
{
	struct shared *sh = calloc(1, sizeof(*sh));
	struct worker ws[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	int nw = (int)(o->tcp_writers + o->udp_writers), n = 0, i, err = 0;
	uint64_t t0 = bpfu_now_ns();

	if (!sh)
		return -ENOMEM;
	if (o->keys < 2 || o->keys > MAX_KEYS || nw < 1 || nw + (int)o->readers > MAX_THREADS ||
	    (unsigned int)nw > o->keys) {
		free(sh);
		return -EINVAL;
	}
	sh->o = o;
	sh->t_end = t0 + o->max_ns;
	pthread_mutex_init(&sh->lock, NULL);
	for (i = 0; i < nw + (int)o->readers; i++) {
		ws[i] = (struct worker){ .sh = sh,
					 .kind = i < (int)o->tcp_writers ? 0
						 : i < nw		 ? 1
									 : 2,
					 .index = i < nw ? i : i - nw,
					 .nwriters = nw,
					 .seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1) };
		if (pthread_create(&th[i], NULL, ws[i].kind == 2 ? reader : writer, &ws[i])) {
			err = -EAGAIN;
			atomic_store(&sh->stop, true);
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	/* quiescent: every key's last committed value, exactly */
	if (!err) {
		int fd;

		if (o->enter)
			o->enter(o->enter_arg);
		fd = udp_socket(o);
		for (i = 0; fd >= 0 && i < (int)o->keys; i++) {
			uint8_t req[64], rep[2048];
			char key[16];
			unsigned int k = (unsigned int)i;
			uint64_t c = atomic_load(&sh->committed[i]);
			ssize_t len = -1;
			size_t rl;
			int tries;

			key_name(k, key);
			rl = (size_t)snprintf((char *)req, sizeof(req), "get %s\r\n", key);
			for (tries = 0; tries < 5; tries++) {
				len = udp_call(fd, (uint16_t)(0x7000 + i), req, rl, rep,
					       sizeof(rep), true);
				if (len >= 0)
					break;
			}
			if (len < 0)
				sh->r.final_mismatch++;
			else
				check_reply(sh, rep, (size_t)len, &k, &c, 1, true);
		}
		if (fd >= 0)
			close(fd);
	}
	sh->r.seconds = (double)(bpfu_now_ns() - t0) / 1e9;
	*r = sh->r;
	pthread_mutex_destroy(&sh->lock);
	free(sh);
	return err;
}

void kvv_print(const struct kvv_result *r)
{
	printf("# %llu reads, %llu writes in %.1f s; timeouts %llu; stale %llu, missing %llu, "
	       "corrupt %llu, final mismatches %llu, write errors %llu\n",
	       (unsigned long long)r->reads, (unsigned long long)r->writes, r->seconds,
	       (unsigned long long)r->read_timeouts, (unsigned long long)r->stale,
	       (unsigned long long)r->missing, (unsigned long long)r->corrupt,
	       (unsigned long long)r->final_mismatch, (unsigned long long)r->write_errors);
}
