// SPDX-License-Identifier: GPL-2.0-only
/*
 * The grant-entry rules (hv/grant-table.h): what a pin requires of a v1
 * entry and how the hypervisor-owned GTF_reading/GTF_writing bits follow
 * the pins. Pure: no locks taken, no frames touched; the caller holds the
 * granter's gt->lock, which serialises us against other pins of the same
 * table but not against the granting guest, who writes its entries at any
 * time. Hence:
 *  - flags and domid are read and updated together by one 32-bit cmpxchg,
 *    so the checks we make hold for exactly the value we change;
 *  - the cmpxchg is retried at most GNT_CMPXCHG_TRIES times: a guest
 *    flipping its own entry in a loop only gets its own request refused;
 *  - the frame is read once, after GTF_reading is visible (Linux writes
 *    the frame before the flags and, when revoking, checks reading/writing
 *    with a cmpxchg of its own), and the copy is what we use from then on.
 */
#include <hv/grant-table.h>
#include <hv/bug.h>

_Static_assert(sizeof(grant_entry_v1_t) == 8, "ABI: v1 entry");
_Static_assert(__builtin_offsetof(grant_entry_v1_t, flags) == 0 &&
	       __builtin_offsetof(grant_entry_v1_t, domid) == 2 &&
	       __builtin_offsetof(grant_entry_v1_t, frame) == 4,
	       "ABI: flags and domid share the entry's first 32 bits");

#define ENTRY_FLAGS(w)	((uint16_t)((w) & 0xffffu))
#define ENTRY_DOMID(w)	((domid_t)((w) >> 16))

unsigned int gnt_pins(const struct grant_active *act)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < GNT_PIN_NR; i++)
		n += act->pin[i];
	return n;
}

static unsigned int write_pins(const struct grant_active *act)
{
	return act->pin[GNT_PIN_HOST | GNT_PIN_WRITE] + act->pin[GNT_PIN_DEV | GNT_PIN_WRITE];
}

/* Does the entry word @w let @grantee pin it as @how asks? */
static bool entry_allows(uint32_t w, domid_t grantee, bool write)
{
	uint16_t flags = ENTRY_FLAGS(w);

	if ((flags & GTF_type_mask) != GTF_permit_access)
		return false;
	if (flags & GTF_sub_page)
		return false;	/* a v2 notion: never for a v1 table */
	if (ENTRY_DOMID(w) != grantee)
		return false;	/* privilege never lets a domain take another's grant */
	return !(write && (flags & GTF_readonly));
}

int16_t gnt_pin(volatile grant_entry_v1_t *e, struct grant_active *act, domid_t grantee,
		unsigned int how, gnt_frame_ok_fn frame_ok, void *ctx)
{
	volatile uint32_t *word = (volatile uint32_t *)e;
	bool write = how & GNT_PIN_WRITE;
	bool first = gnt_pins(act) == 0;
	uint16_t set = GTF_reading | (write ? GTF_writing : 0);
	unsigned int tries;

	BUG_ON(how >= GNT_PIN_NR);
	if (act->pin[how] >= GNT_PIN_MAX)
		return GNTST_general_error;
	/* Later pins are held to the grantee the first one saw. */
	if (!first && act->grantee != grantee)
		return GNTST_general_error;
	for (tries = 0; tries < GNT_CMPXCHG_TRIES; tries++) {
		uint32_t old = READ_ONCE(*word);
		uint32_t new = old | set;

		if (!entry_allows(old, grantee, write))
			return GNTST_general_error;
		if (old == new ||
		    __atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
	}
	if (tries == GNT_CMPXCHG_TRIES)
		return GNTST_general_error;	/* the guest keeps changing it under us */
	if (first) {
		uint32_t frame = READ_ONCE(e->frame);

		if (!frame_ok(frame, ctx)) {
			/* Nothing else is pinned: undo the bits we set. */
			__atomic_fetch_and(&e->flags, (uint16_t)~set, __ATOMIC_SEQ_CST);
			return GNTST_bad_page;	/* Xen 4.17's answer */
		}
		act->frame = frame;
		act->grantee = grantee;
	}
	act->pin[how]++;
	return GNTST_okay;
}

void gnt_unpin(volatile grant_entry_v1_t *e, struct grant_active *act, unsigned int how)
{
	uint16_t clear = 0;

	BUG_ON(how >= GNT_PIN_NR || !act->pin[how]);
	act->pin[how]--;
	if (!write_pins(act))
		clear |= GTF_writing;
	if (!gnt_pins(act))
		clear |= GTF_reading;
	/* An atomic and: the guest may write the other bits concurrently. */
	if (clear)
		__atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
}
