/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, 2-level ABI: the pure core.
 *
 * Two layers, both free of struct domain/vcpu so that the host unit tests
 * compile them as they are:
 *
 *  - common/event.c keeps each domain's ports (struct evtchn_table) and
 *    implements the EVTCHNOP_* state changes on them. It never touches
 *    guest memory. An operation that must make an event visible (send,
 *    unmask, bind_interdomain) says where in a struct evtchn_raise; the
 *    caller then does it with the second layer.
 *  - common/event-2l.c works the guest-visible bitmaps: evtchn_pending and
 *    evtchn_mask in shared_info, evtchn_pending_sel and
 *    evtchn_upcall_pending in a vcpu_info (public/xen.h).
 *
 * Port states (EVTCHNSTAT_* is what status reports for each):
 *
 *   FREE --alloc_unbound--> UNBOUND(remote domid)
 *   UNBOUND(us) in the peer --bind_interdomain--> INTERDOMAIN on both ends
 *   INTERDOMAIN --close--> FREE here, UNBOUND(closer's domid) at the peer
 *   FREE --bind_virq--> VIRQ,  FREE --bind_ipi--> IPI
 *   any open port --close/reset--> FREE
 *   port 0 is RESERVED for ever: Linux treats port 0 as "no port".
 *
 * Locking (the glue's job; these functions take no locks). Each table has
 * one lock, the owning domain's event lock. Every evtchn_* operation on a
 * table runs with that lock held for @t (init excepted: nobody else can
 * see the table yet). Functions that reach a second table (close
 * or reset of an interdomain port, bind_interdomain) also need the peer's
 * lock: take the two locks in ascending domid order, so that two domains
 * binding or closing towards each other at once cannot deadlock (ABBA),
 * and only once when both are the same table (loopback). Since the peer is
 * known only by reading our own port, the glue's close is:
 *   lock(t); peer = evtchn_peer(t, port); if peer is NULL or t: close;
 *   else unlock(t), lock both in domid order, and check evtchn_peer()
 *   again, because the port may have changed while no lock was held.
 * A table that has an interdomain port towards another table is pointed
 * to by that table, so a domain must be reset (all its ports closed, which
 * unlinks its peers) before its table is freed.
 *
 * Xen orders the two locks by struct domain address; any fixed total
 * order works, and domid is one a reader can check in a log.
 *
 * Send only reads the peer's notify_vcpu, which the peer's bind_vcpu may
 * change under the peer's lock alone: it is read and written with
 * READ_ONCE/WRITE_ONCE, and an event racing with a rebind lands on either
 * vCPU, both being legal. The link itself cannot change under a send,
 * since unlinking needs our lock too.
 */
#pragma once
#include <hv/types.h>
#include <public/xen.h>
#include <public/event_channel.h>

/* Ports in the 2-level ABI of a 64-bit guest: 64 words of 64 bits. */
#define EVTCHN_NR_PORTS		EVTCHN_2L_NR_CHANNELS
#define EVTCHN_WORD_BITS	(sizeof(xen_ulong_t) * 8)

/*
 * vCPUs a table can name. 2-level delivery reaches vcpu_info through
 * shared_info for the first XEN_LEGACY_MAX_VCPUS; the glue checks that
 * MAX_VCPUS (hv/domain.h) fits.
 */
#define EVTCHN_MAX_VCPUS	XEN_LEGACY_MAX_VCPUS

enum evtchn_state {
	ECS_FREE = 0,		/* not in use; the only state alloc picks */
	ECS_RESERVED,		/* port 0: never allocated, never closed */
	ECS_UNBOUND,		/* waiting for remote_domid to bind_interdomain */
	ECS_INTERDOMAIN,	/* linked to remote->port[remote_port] */
	ECS_VIRQ,		/* delivers virtual IRQ virq */
	ECS_IPI,		/* delivers sends on itself to notify_vcpu */
	ECS_PIRQ,		/* delivers physical IRQ pirq (dom0; arch glue) */
};

struct evtchn_table;

struct evtchn {
	uint8_t state;			/* enum evtchn_state */
	uint8_t notify_vcpu;		/* vCPU told of events; 0 on (re)allocation */
	domid_t remote_domid;		/* UNBOUND: may bind; INTERDOMAIN: the peer */
	union {
		evtchn_port_t remote_port;	/* INTERDOMAIN */
		uint32_t virq;			/* VIRQ */
		uint32_t pirq;			/* PIRQ */
	};
	struct evtchn_table *remote;	/* INTERDOMAIN: the peer's table */
};

/*
 * One domain's ports. Large (about 66 KiB): allocate it with the domain, and
 * evtchn_table_init() it before first use.
 */
struct evtchn_table {
	domid_t domid;			/* the owner, as peers see it */
	unsigned int nr_vcpus;		/* vCPU ids 0 .. nr_vcpus-1 exist */
	unsigned int max_ports;		/* ports 0 .. max_ports-1 are valid */
	evtchn_port_t free_hint;	/* no FREE port below this one */
	void *owner;			/* the glue's (struct domain *); unused here */
	/*
	 * Bound VIRQs: port, or 0 when unbound. A per-vCPU VIRQ sits in its
	 * vCPU's row; a global one always sits in row 0, even after
	 * bind_vcpu moved its notifications elsewhere.
	 */
	uint16_t virq_to_port[EVTCHN_MAX_VCPUS][NR_VIRQS];
	struct evtchn port[EVTCHN_NR_PORTS];
};

/*
 * Where an event must be raised: port @port of @table, for vCPU @vcpu
 * (that port's notify_vcpu). @table is NULL when nothing is to be raised.
 * The glue raises it with evtchn_2l_set_pending() on the bitmaps of
 * @table->owner and kicks @vcpu if that returns true, before dropping the
 * lock(s) it called the operation with: otherwise the port could be
 * closed and reused in between, and the event would land on the new use.
 */
struct evtchn_raise {
	struct evtchn_table *table;
	evtchn_port_t port;
	unsigned int vcpu;
};

/*
 * Set up @t for domain @domid with @nr_vcpus vCPUs (1..EVTCHN_MAX_VCPUS)
 * and ports 0 .. @max_ports-1 (clamped to 2..EVTCHN_NR_PORTS; pass
 * EVTCHN_NR_PORTS unless the toolstack set max_evtchn_port). All ports
 * are free except port 0, which is reserved.
 */
void evtchn_table_init(struct evtchn_table *t, domid_t domid, unsigned int nr_vcpus,
		       unsigned int max_ports, void *owner);

/* True if @port names a port of @t (it may be free). */
bool evtchn_port_valid(const struct evtchn_table *t, evtchn_port_t port);

/* True if @virq is per-vCPU (public/xen.h marks them "V."), false if global. */
bool evtchn_virq_is_per_vcpu(uint32_t virq);

/*
 * The table @port is linked to when it is interdomain, else NULL. The glue
 * uses it to know which second lock close and reset need.
 */
struct evtchn_table *evtchn_peer(const struct evtchn_table *t, evtchn_port_t port);

/*
 * EVTCHNOP_alloc_unbound: a new port in @t, unbound and accepting a
 * bind_interdomain from @remote_domid only. The glue resolves DOMID_SELF
 * to the *caller's* id (not @t's: a privileged caller may allocate in
 * another domain) and checks privilege. The remote domain need not exist
 * yet, as in Xen. 0 and *@port, or -ENOSPC.
 */
int evtchn_alloc_unbound(struct evtchn_table *t, domid_t remote_domid, evtchn_port_t *port);

/*
 * EVTCHNOP_bind_interdomain: link a new port of @ld (the caller) to port
 * @rport of @rd (the remote domain, possibly @ld itself), which must be
 * unbound and accepting @ld's domid. Both tables locked (see above). The
 * ABI says the new local port is always set pending, so that a send the
 * peer made before we bound is not lost: @raise says where.
 * 0 and *@lport; -EINVAL if @rport is out of range, not unbound or
 * reserved for another domain; -ENOSPC if @ld is full. Checks come
 * before any change, so an error leaves both tables as they were.
 */
int evtchn_bind_interdomain(struct evtchn_table *ld, struct evtchn_table *rd,
			    evtchn_port_t rport, evtchn_port_t *lport,
			    struct evtchn_raise *raise);

/*
 * EVTCHNOP_bind_virq: a new port delivering @virq to @vcpu. Global VIRQs
 * must name vCPU 0 (bind_vcpu may move them later); per-vCPU ones bind
 * once per vCPU and stay on it. 0 and *@port; -EINVAL for a @virq
 * >= NR_VIRQS or a global VIRQ on a vCPU other than 0; -ENOENT for a
 * vCPU that does not exist; -EEXIST if already bound; -ENOSPC.
 */
int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
		     evtchn_port_t *port);

/*
 * EVTCHNOP_bind_ipi: a new port whose sends notify @vcpu, for good.
 * 0 and *@port; -ENOENT for a vCPU that does not exist; -ENOSPC.
 */
int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port);

/*
 * EVTCHNOP_close: free @port. A VIRQ is unbound; an interdomain peer
 * becomes unbound again, accepting @t's domid, so that it can be re-bound
 * (peer's table locked too). On success the glue clears @port's pending
 * bit (evtchn_2l_clear_pending), as Xen does, so a reused port starts
 * quiet. -EINVAL for an out-of-range, free or reserved port.
 */
int evtchn_close(struct evtchn_table *t, evtchn_port_t port);

/*
 * EVTCHNOP_send on @port: interdomain raises the peer's port, IPI raises
 * @port itself (both at that port's notify_vcpu), unbound succeeds and
 * raises nothing (the event is dropped; the binder's port starts pending
 * anyway). 0 with *@raise filled in; -EINVAL for an out-of-range, free,
 * reserved or VIRQ port.
 */
int evtchn_send(struct evtchn_table *t, evtchn_port_t port, struct evtchn_raise *raise);

/*
 * EVTCHNOP_bind_pirq: a new port, notifying vCPU 0, for physical IRQ
 * @pirq. The glue checks @pirq and that it is not bound yet. 0 and
 * *@port, or -ENOSPC.
 */
int evtchn_bind_pirq(struct evtchn_table *t, uint32_t pirq, evtchn_port_t *port);

/*
 * Where an interrupt of @pirq, bound (as the glue last saw) to @port,
 * goes: true and *@raise when @port is still that PIRQ's port.
 */
bool evtchn_pirq_target(struct evtchn_table *t, evtchn_port_t port, uint32_t pirq,
			struct evtchn_raise *raise);

/*
 * EVTCHNOP_status for @port: fills status, vcpu and the union of @st
 * (the union is zeroed first); @st->dom and @st->port are left alone
 * (the glue resolves and checks dom). -EINVAL for an out-of-range port;
 * free and reserved ports report EVTCHNSTAT_closed.
 */
int evtchn_status(const struct evtchn_table *t, evtchn_port_t port,
		  struct evtchn_status *st);

/*
 * EVTCHNOP_bind_vcpu: notify @vcpu of @port's events from now on. Allowed
 * for unbound, interdomain and global-VIRQ ports; IPI and per-vCPU VIRQ
 * ports keep the vCPU they were bound with (public/event_channel.h).
 * Events already pending stay where they were raised. -ENOENT for a vCPU
 * that does not exist (checked first, as Xen does); -EINVAL for an
 * out-of-range port or any other state.
 */
int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu);

/*
 * EVTCHNOP_unmask: which vCPU @port reports to, for the glue's
 * evtchn_2l_unmask(). Any valid port may be unmasked, whatever its state,
 * as in Xen (the mask bit is the guest's own). 0 and *@raise (always
 * @t, @port, notify_vcpu); -EINVAL for an out-of-range port.
 */
int evtchn_unmask(struct evtchn_table *t, evtchn_port_t port, struct evtchn_raise *raise);

/*
 * EVTCHNOP_reset, and domain destruction: close every open port. Every
 * peer table is unlinked, so the glue holds the lock of @t and of each
 * table evtchn_peer() names (or closes the interdomain ports one by one
 * first, with the dance described above). Afterwards only port 0 is in
 * use; the glue clears the pending bits of ports 1 and up.
 */
void evtchn_reset(struct evtchn_table *t);

/*
 * Where VIRQ @virq must be raised: for a per-vCPU VIRQ, the port bound on
 * @vcpu; for a global one, the port bound on vCPU 0 (@vcpu is ignored),
 * at its current notify_vcpu. False, leaving *@raise alone, when nothing
 * is bound (or @virq/@vcpu is out of range): the VIRQ is dropped, as in
 * Xen. Needs @t's lock like the rest; since timers raise VIRQ_TIMER from
 * interrupt context, the glue takes the event lock with irqsave (or
 * defers the raise out of the interrupt).
 */
bool evtchn_virq_target(struct evtchn_table *t, uint32_t virq, uint32_t vcpu,
			struct evtchn_raise *raise);

/* ---- 2-level bitmaps (common/event-2l.c) ----------------------------------
 *
 * These run on memory the guest writes concurrently from any of its vCPUs,
 * so every change is an atomic read-modify-write, and every word is read
 * once and only tested bit by bit. @port must be < EVTCHN_NR_PORTS (it comes
 * from a validated table); @vi is the vcpu_info the vCPU currently uses
 * (shared_info's, or the one it registered).
 */

/*
 * Raise @port: set its pending bit; if it was clear and the port is not
 * masked, set its word's bit in @vi->evtchn_pending_sel and then
 * evtchn_upcall_pending. True if the vCPU must be kicked (upcall_pending
 * went from 0 to 1). Whatever it returns, the glue also wakes vCPUs
 * blocked in SCHEDOP_poll on @port: Linux polls on masked ports (its PV
 * spinlock kicker), so a masked event must still end a poll.
 */
bool evtchn_2l_set_pending(struct shared_info *s, struct vcpu_info *vi, evtchn_port_t port);

/*
 * Clear @port's mask bit; if the port is pending, mark it for @vi as
 * set_pending would. True if the vCPU must be kicked. This re-raises
 * whenever the port is pending, as public/event_channel.h words it;
 * Xen's code does so only when this call is what cleared the mask. The
 * difference is at most one upcall that finds nothing new.
 */
bool evtchn_2l_unmask(struct shared_info *s, struct vcpu_info *vi, evtchn_port_t port);

/* Clear @port's pending bit (the selector bits are the guest's to clear). */
void evtchn_2l_clear_pending(struct shared_info *s, evtchn_port_t port);

bool evtchn_2l_is_pending(const struct shared_info *s, evtchn_port_t port);
bool evtchn_2l_is_masked(const struct shared_info *s, evtchn_port_t port);
