// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 2-level event bitmaps (hv/event.h): evtchn_pending and evtchn_mask in
 * shared_info, one bit per port; evtchn_pending_sel in each vcpu_info, one
 * bit per 64-port word; evtchn_upcall_pending, one flag per vCPU.
 *
 * The guest clears pending bits, the selector and upcall_pending, and flips
 * mask bits, from any of its vCPUs while we run, so every change here is an
 * atomic read-modify-write and every word is read once (READ_ONCE) and only
 * tested for one bit. The order of the steps is what makes lost wake-ups
 * impossible: pending before selector before upcall_pending, each a locked
 * (fully ordered) instruction, matching the order the guest's upcall
 * handler undoes them in (upcall_pending, then selector, then pending).
 */
#include <hv/event.h>
#include <hv/bug.h>

BUILD_BUG_ON(sizeof(struct vcpu_info) != 64);
BUILD_BUG_ON(sizeof(((struct shared_info *)0)->evtchn_pending) * 8 != EVTCHN_NR_PORTS);
BUILD_BUG_ON(sizeof(((struct vcpu_info *)0)->evtchn_pending_sel) * 8 !=
	     EVTCHN_NR_PORTS / EVTCHN_WORD_BITS);

static inline xen_ulong_t bit_of(evtchn_port_t port)
{
	return (xen_ulong_t)1 << (port % EVTCHN_WORD_BITS);
}

/* Atomically set the bits @m in *@w; true if any of them was set already. */
static inline bool test_and_set(xen_ulong_t *w, xen_ulong_t m)
{
	return __atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m;
}

/*
 * Tell the vCPU that word @word has something: selector bit, then
 * upcall_pending. True if it must be kicked, i.e. upcall_pending went
 * 0 -> 1. When the selector bit was already set the guest has not yet
 * scanned that word (it clears the selector before the pending bits), so
 * it will find this port without a new upcall.
 */
static bool mark_vcpu(struct vcpu_info *vi, unsigned int word)
{
	if (test_and_set(&vi->evtchn_pending_sel, (xen_ulong_t)1 << word))
		return false;
	return !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

bool evtchn_2l_set_pending(struct shared_info *s, struct vcpu_info *vi, evtchn_port_t port)
{
	unsigned int word = port / EVTCHN_WORD_BITS;
	xen_ulong_t m = bit_of(port);

	BUG_ON(port >= EVTCHN_NR_PORTS);
	/* Already pending: the guest has been (or will be) told. */
	if (test_and_set(&s->evtchn_pending[word], m))
		return false;
	/* Masked: the guest looks at pending bits when it unmasks. */
	if (READ_ONCE(s->evtchn_mask[word]) & m)
		return false;
	return mark_vcpu(vi, word);
}

bool evtchn_2l_unmask(struct shared_info *s, struct vcpu_info *vi, evtchn_port_t port)
{
	unsigned int word = port / EVTCHN_WORD_BITS;
	xen_ulong_t m = bit_of(port);

	BUG_ON(port >= EVTCHN_NR_PORTS);
	__atomic_fetch_and(&s->evtchn_mask[word], ~m, __ATOMIC_SEQ_CST);
	/*
	 * Re-raise whenever the port is pending once unmasked, not only when
	 * this call cleared the mask (Xen's condition): the ABI says "deliver
	 * if pending", and the worst case is one upcall that finds the port
	 * already handled.
	 */
	if (!(READ_ONCE(s->evtchn_pending[word]) & m))
		return false;
	return mark_vcpu(vi, word);
}

void evtchn_2l_clear_pending(struct shared_info *s, evtchn_port_t port)
{
	BUG_ON(port >= EVTCHN_NR_PORTS);
	__atomic_fetch_and(&s->evtchn_pending[port / EVTCHN_WORD_BITS], ~bit_of(port),
			   __ATOMIC_SEQ_CST);
}

bool evtchn_2l_is_pending(const struct shared_info *s, evtchn_port_t port)
{
	BUG_ON(port >= EVTCHN_NR_PORTS);
	return READ_ONCE(s->evtchn_pending[port / EVTCHN_WORD_BITS]) & bit_of(port);
}

bool evtchn_2l_is_masked(const struct shared_info *s, evtchn_port_t port)
{
	BUG_ON(port >= EVTCHN_NR_PORTS);
	return READ_ONCE(s->evtchn_mask[port / EVTCHN_WORD_BITS]) & bit_of(port);
}
