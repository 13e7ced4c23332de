/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs. A domain owns machine frames and has vCPUs; the
 * scheduler (hv/sched.h) runs vCPUs on physical CPUs. A domain that
 * misbehaves is crashed alone: its vCPUs stop and its frames return to
 * the allocator, and the hypervisor goes on.
 */
#pragma once
#include <hv/types.h>
#include <hv/spinlock.h>
#include <public/xen.h>
#include <hv/timer.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <asm/domain.h>

struct page_info;

#define MAX_DOMAINS	64
#define MAX_VCPUS	8
/* A guest's console line is held until its newline or this many bytes. */
#define CONSOLE_LINE_MAX	160

/*
 * vcpu->pause_flags bits: the vCPU runs only when none is set. Whoever
 * sets a domain's is_dying or is_shut_down then sets VPF_DYING or
 * VPF_DOWN on each of its vCPUs before kicking them (domain.c; a domain
 * whose build failed never ran), so entry.S's fast paths read only this
 * word, never struct domain: a vCPU that passed the test just before the
 * flag is set is kicked out as it would be had it read is_dying.
 */
#define VPF_BLOCKED	(1u << 0)	/* SCHEDOP_block: waiting for an event */
#define VPF_DOWN	(1u << 1)	/* not brought up, or domain shut down */
#define VPF_DYING	(1u << 2)	/* domain is being destroyed */
#define VPF_PAUSED	(1u << 3)	/* the toolstack paused the domain */

struct vcpu {
	struct domain *domain;
	unsigned int vcpu_id;
	volatile unsigned int pause_flags;
	/*
	 * CPU it is running on, or the idle CPU that still has its page
	 * tables loaded (lazy, below), or -1. Written under the run-queue
	 * lock; anyone may read it to find the CPU that may cache its TLB
	 * entries.
	 */
	int processor;
	bool on_runqueue;		/* guarded by the run-queue lock */
	bool lazy;			/* not running, tables still on processor (sched.c) */
	struct vcpu *rq_next;
	struct vcpu_info *vcpu_info;	/* in the domain's shared_info page */
	uint64_t runstate_entry_time;
	struct vcpu_runstate_info runstate;
	unsigned long runstate_guest;	/* guest VA of its copy, 0: none */
	struct timer singleshot_timer;	/* VCPUOP_set_singleshot_timer */
	struct timer periodic_timer;	/* VCPUOP_set_periodic_timer */
	uint64_t periodic_period;	/* ns, 0: off */
	struct timer poll_timer;	/* SCHEDOP_poll timeout */
	volatile bool polling;		/* blocked in SCHEDOP_poll: any event wakes it */
	struct pv_vcpu arch;
};

struct domain {
	domid_t domain_id;
	bool is_privileged;		/* dom0: may use the control interface */
	bool is_dying;
	bool is_shut_down;
	bool is_destroyed;		/* teardown started: no second one */
	unsigned int shutdown_code;	/* SHUTDOWN_* when is_shut_down */
	unsigned int pause_count;	/* toolstack pauses; guarded by lock */
	/* A domU's rings, as the builder made them (WARD_CTL_list reports them). */
	mfn_t store_mfn, console_mfn;
	evtchn_port_t store_port, console_port;
	unsigned int max_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];
	spinlock_t mm_lock;		/* guards page-table changes (PV MMU) */
	spinlock_t lock;		/* guards the fields below */
	uint64_t tot_pages;		/* frames owned */
	uint64_t max_pages;
	struct shared_info *shared_info;
	struct evtchn_table *evtchn;	/* its ports, guarded by evtchn_lock */
	spinlock_t evtchn_lock;
	struct grant_table *grant_table;	/* hv/grant-table.h */
	/* CONSOLEIO_write's partial line (console-io.c), guarded by con_lock. */
	spinlock_t con_lock;
	unsigned int con_len;
	char con_line[CONSOLE_LINE_MAX];
	struct pv_domain arch;
};

/*
 * Create a domain with @max_vcpus vCPUs (all down); NULL on failure. @id
 * DOMID_INVALID picks a free id, going round rather than reusing the
 * lowest, so that a stale id held somewhere finds nothing, not a newcomer.
 */
struct domain *domain_create(domid_t id, unsigned int max_vcpus, bool privileged);

/* Toolstack pause and unpause (counted). Unpause fails with -EINVAL at count 0. */
void domain_pause(struct domain *d);
int domain_unpause(struct domain *d);

/*
 * Destroy @d on the toolstack's behalf: stop its vCPUs, wait until no CPU
 * runs them (however long: it never gives up, never frees under a running
 * vCPU and never leaks), kill their timers, tear it down and tell dom0
 * (VIRQ_DOM_EXC). Frames other domains still map outlive it as orphans.
 * Not for dom0.
 */
void domain_kill(struct domain *d);

/* Free a frame whose last foreign reference went after its domain died. */
void domain_free_orphan(struct page_info *pg);

/* Tell dom0 that some domain changed state (VIRQ_DOM_EXC). */
void domain_notify_dom0(void);

/* Call @fn on every domain with id >= @first, in id order, until it returns non-zero. */
int domain_for_each(domid_t first, int (*fn)(struct domain *d, void *ctx), void *ctx);

/* The domain with @id, or NULL. DOMID_SELF is resolved by callers. */
struct domain *domain_lookup(domid_t id);

/*
 * Record that @d shut itself down with @reason (SHUTDOWN_*): its vCPUs
 * stop. Returns false for an invalid reason.
 */
bool domain_shutdown(struct domain *d, unsigned int reason);

/*
 * Crash @d: print @why and the current vCPU's registers (when @d is
 * running here), stop its vCPUs and reclaim its memory. The hypervisor
 * and other domains go on.
 */
void domain_crash(struct domain *d, const char *why);

/*
 * Give frames back and free the domain's bookkeeping. Its vCPUs must be
 * off every CPU and their timers killed (domain_kill does both).
 */
void domain_destroy(struct domain *d);

/* Allocate one frame owned by @d (zeroed); INVALID_MFN when out of memory. */
mfn_t domain_alloc_frame(struct domain *d);

/* True if @mfn is RAM owned by @d. */
bool domain_owns_frame(const struct domain *d, mfn_t mfn);

/* event-channel.c: the domain's port table. */
int domain_evtchn_init(struct domain *d);
/* Close every port of @d (unlinking its peers and PIRQs); the table stays. */
void domain_evtchn_close_all(struct domain *d);
/* Close what is still open and free the table. */
void domain_evtchn_destroy(struct domain *d);
/* A port of @d, unbound, that domain @remote may bind (the domU builder's rings). */
int evtchn_alloc_unbound_for(struct domain *d, domid_t remote, evtchn_port_t *port);

/* vcpu-op.c: per-vCPU timers and runstate. */
void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_stop(struct vcpu *v);
/*
 * For destruction, once @v is off every CPU (so no hypercall of it can set
 * them again): stop its timers for good; then nothing of them refers to @v.
 */
void vcpu_timers_kill(struct vcpu *v);
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now);
void vcpu_runstate_publish(struct vcpu *v);
long vcpu_register_info(struct vcpu *v, unsigned long arg);
/*
 * Domain destruction, no vCPU of @v's domain running: drop what a
 * registered vcpu_info holds on its frame and point @v back at shared_info.
 */
void vcpu_release_info(struct vcpu *v);
/* Wake @v if it is blocked (an event or timeout arrived). Any context. */
void vcpu_unblock(struct vcpu *v);

/* The domain that has just shut down or crashed is dom0: what to do now. */
void dom0_gone(struct domain *d);
