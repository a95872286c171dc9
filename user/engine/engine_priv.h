/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The engine's own state, shared by its files: engine.c (threads, replies,
 * expiries, the run) and produce.c (first SYNs: the producer, held probes,
 * back-pressure).  Not for use outside user/engine/.
 */
#ifndef XS_ENGINE_PRIV_H
#define XS_ENGINE_PRIV_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "conntab.h"
#include "engine.h"
#include "ratelimit.h"
#include "txseg.h"

#define BATCH 32 /* frames per TX kick: copy mode's per-call budget */
#define MAX_WORKERS XS_MAX_QUEUES
/* Probes taken from the producer while their 4-tuple was busy, waiting */
#define HELD_MAX (2 * BATCH)
/* A second signal this soon after the first is the same one delivered
 * twice, not a request to force the exit. */
#define SIG_REPEAT_NS 300000000ULL

/* After a signal: how long the replies in flight may take, at most. */
#define INTERRUPT_WAIT_NS 500000000ULL

/* Challenge ACKs answered per probe, at most (see challenge()). */
#define CHALLENGES_MAX 3

struct engine;

struct worker {
	struct engine *e;
	struct xs_xsk *sock;
	struct xs_seg_path path; /* its segments: sock, queued, kicked later */
	unsigned int idx; /* its queue: socks[idx] */
	uint16_t ip_id;
	pthread_t thread;
	bool started;
};

struct engine {
	const struct xs_engine_cfg *c;
	pthread_mutex_t mu; /* table, heap, inflight, producer, rate */
	pthread_mutex_t out_mu; /* result callback */
	struct xs_conntab ct;
	uint64_t inflight;
	uint64_t max_inflight;
	uint64_t grace_ns; /* answered entries kept to catch duplicates */
	uint64_t wait_ns; /* after the last SYN, for late replies */
	uint64_t last_syn_ns; /* the last SYN sent, first or retry */
	uint64_t retrying; /* probes in SYN-SENT with retries left */
	uint64_t estab; /* banner mode: connections awaiting data */
	uint64_t closing; /* --close fin: our FIN out, theirs awaited */
	struct xs_engine_stats st; /* counters updated with atomics */
	struct xs_rate rate;
	bool producing; /* more first SYNs to send (read without mu: a hint) */
	bool src_done; /* the producer has no more */
	struct xs_probe held[HELD_MAX]; /* taken, waiting for their 4-tuple */
	unsigned int held_len;
	uint64_t wait_end; /* after a signal: the end of the wait */
	int err; /* first send error of any thread (atomic) */
	cpu_set_t cpus; /* the process's CPUs, as it started */
	volatile int stop; /* workers exit */
	int nsig; /* SIGINT/SIGTERM seen by the watcher (atomic) */
	pthread_t sig_thread;
	bool sig_started;
	struct worker w[MAX_WORKERS];
};

#define STAT_ADD(e, f, n) __atomic_fetch_add(&(e)->st.f, (n), __ATOMIC_RELAXED)

/* engine.c, for produce.c */
uint32_t eng_now_us(void);
int eng_send_seg(struct worker *w, struct xs_seg *s);
struct xs_seg eng_seg_to(const uint8_t *mac, struct xs_ct_key key,
			 uint8_t flags, uint32_t seq, uint32_t ack);
uint32_t eng_isn_for(const struct engine *e, const struct xs_addr *daddr,
		     uint16_t sport, uint16_t dport);
void eng_record_syn(struct xs_ct_entry *ent, uint32_t ts);

/* produce.c: how long a probe waits for an answer to its try number
 * shift (each retry doubles it; the last one at least --wait). */
uint64_t eng_try_wait(const struct engine *e, unsigned int shift, bool last);
/* No more first SYNs: the producer stops (a signal, or the source ran
 * out), at now. */
void eng_end_sending(struct engine *e, uint64_t now);

/* produce.c: send the next batch of first SYNs (and held probes) that the
 * rate and the table allow; 0, or the first send error. */
int eng_produce(struct worker *w, uint64_t now);

#endif /* XS_ENGINE_PRIV_H */
