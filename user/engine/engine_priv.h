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

/*
 * A segment that follows a fast-path ACK (the close) goes the way the ACK
 * went, after it: from the thread on the CPU the filter ran on (its
 * socket is that CPU's queue: see fast.c), held until FAST_CLOSE_NS after
 * the SYN-ACK came in, as XDP_TX frames leave at the end of the driver's
 * receive poll.  Sent another way, or at once, it can overtake the ACK
 * and reach the server first; then it resets a handshake the ACK never
 * completed, which we would count.  The handshake's result waits with
 * it: until the close is out, the 4-tuple is not free for the next
 * handshake (connect --count).
 */
#define FAST_CLOSE_NS 100000ULL
#define DEFER_MIN 1024 /* a worker's ring of them, doubled when full */

struct deferred {
	struct xs_seg seg;
	uint8_t mac[6];
	uint64_t due_ns;
	uint64_t *count; /* counted when sent */
	bool has_r;
	struct xs_result r; /* emitted once sent */
};

struct worker {
	struct engine *e;
	struct xs_xsk *sock;
	struct xs_seg_path path; /* its segments: sock, queued, kicked later */
	unsigned int idx; /* its queue: socks[idx] */
	uint16_t ip_id;
	/* The closes it sends: a ring of dcap, oldest at dhead, filled by
	 * the thread reading the fast path's records (under defer_mu) */
	struct deferred *defer;
	unsigned int dhead, dlen, dcap;
	pthread_mutex_t defer_mu;
	int cpu; /* the CPU it is pinned to, -1: none (atomic) */
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
	/* The run ended on an error (its interface gone, say): the probes
	 * still waiting are left unfinished, never called silent. */
	bool failed;
	cpu_set_t cpus; /* the process's CPUs, as it started */
	volatile int stop; /* workers exit */
	int nsig; /* SIGINT/SIGTERM seen by the watcher (atomic) */
	pthread_t sig_thread;
	bool sig_started;
	/* The fast path's records: read by whichever thread takes fast_mu */
	struct ring_buffer *fast_rb;
	pthread_mutex_t fast_mu;
	struct worker *fast_w; /* the thread reading them, under fast_mu */
	uint64_t fast_hold_ns; /* not read before (XS_FAST_READ_DELAY_MS) */
	struct worker w[MAX_WORKERS];
};

#define STAT_ADD(e, f, n) __atomic_fetch_add(&(e)->st.f, (n), __ATOMIC_RELAXED)

/* engine.c, for fast.c: a frame from a server (fast: the record of the
 * SYN-ACK XDP answered, NULL for a frame from the socket) */
void eng_on_reply(struct worker *w, const uint8_t *frame, size_t len,
		  const struct xs_fast_rec *fast);

/* fast.c: the fast path's ring buffer, opened (0 or -errno), read
 * (a no-op without one, or while another thread reads it), closed. */
int eng_fast_open(struct engine *e);
void eng_fast_poll(struct worker *w);
void eng_fast_close(struct engine *e);
/*
 * fast.c: hold s (to mac) until due_ns, to be sent by the thread on cpu
 * (the caller w's own, when no thread is pinned there), then r emitted
 * (if not NULL); send what w holds that is due by now (all: everything).
 */
void eng_defer(struct worker *w, uint32_t cpu, const struct xs_seg *s,
	       const uint8_t *mac, uint64_t due_ns, uint64_t *count,
	       const struct xs_result *r);
void eng_defer_flush(struct worker *w, uint64_t now, bool all);

/* engine.c: r to the result callback, serialised */
void eng_emit(struct engine *e, const struct xs_result *r);

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
