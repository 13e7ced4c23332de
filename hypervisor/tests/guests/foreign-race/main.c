// SPDX-License-Identifier: GPL-2.0-only
/*
 * foreign-race: dom0 maps a domU's frame (update_va_mapping_otherdomain,
 * a foreign reference) while, on the other CPU, the domU gives that frame
 * back or changes its type. Like domctl, this guest boots as dom0 with a
 * copy of itself as its initrd and builds that copy as a domU ("the
 * child"); it needs two CPUs.
 *
 * - "release": round after round the child offers one of its (unmapped)
 *   frames and gives it back with decrease_reservation until that works,
 *   while dom0 keeps mapping it writable and, holding that mapping, maps
 *   it a second time. A frame dom0 maps must never be freed: the second
 *   mapping must always work (it fails once the frame is free, which is
 *   how a frame freed under dom0's mapping shows).
 * - "retype": the child pins and unpins one of its frames as an L1 in a
 *   loop while dom0 keeps mapping it writable: the frame is either a page
 *   table or writable, never both, so the child's unpin of a pin that
 *   worked must work, and at the end (the child's loop over) both must
 *   still be possible: the type and reference counts were never lost.
 *
 * The child and dom0 talk through the child's xenstore page (struct
 * mailbox), which dom0 maps writable. Ward only, as domctl.
 */
#include "ward-ctl.h"
#include <xen/memory.h>

const char test_title[] = "foreign-race: dom0's foreign mappings race a domU's frees and types";

#define CHILD_MEM_KB		(48u * 1024)	/* the image at 16 MiB, 4000 frames above */
#define FREE_SLACK_PAGES	64
#define MS			(1000ULL * 1000)

#define MB_MAGIC		0xf0e1ace5u
#define RELEASE_ROUNDS		4000
#define RETYPE_NS		(8000 * MS)	/* how long the child pins and unpins */
#define MAX_REPORTS		5

struct mailbox {
	uint32_t magic;		/* MB_MAGIC once the child is set up */
	uint32_t failures;	/* the child's own checks that failed */
	uint64_t round;		/* release: the round on now (from 1) */
	uint64_t mfn;		/* its frame */
	uint64_t freed;		/* the last round whose frame is given back */
	uint64_t mapping;	/* release: the last round whose frame dom0 maps */
	uint64_t ack;		/* dom0: the last round it is done with */
	uint64_t refused;	/* release: decreases refused; retype: pins refused */
	uint64_t pins;		/* retype: pins that worked */
	uint64_t done;		/* the child's part is over */
};

/* ---- the child ----------------------------------------------------------- */

static long decrease(xen_pfn_t mfn)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, &mfn);
	return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* Frames from the top of our memory, beyond the bootstrap region: unmapped. */
static void child_release(const start_info_t *si, volatile struct mailbox *mb)
{
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;

	mb->magic = MB_MAGIC;
	for (uint64_t r = 1; r <= RELEASE_ROUNDS; r++) {
		unsigned long mfn = p2m[si->nr_pages - r];
		uint64_t end = clock_ns() + EVENT_WAIT_NS;
		long rc;

		mb->mfn = mfn;
		__atomic_store_n(&mb->round, r, __ATOMIC_RELEASE);
		/* Once dom0 is at it: else the frame would be gone before it looked. */
		while (__atomic_load_n(&mb->mapping, __ATOMIC_ACQUIRE) < r && clock_ns() < end)
			;
		while ((rc = decrease(mfn)) == 0 && clock_ns() < end)
			mb->refused++;
		if (rc != 1) {
			printk("child: FAILED: giving back frame %lx: %ld\n", mfn, rc);
			mb->failures++;
		}
		__atomic_store_n(&mb->freed, r, __ATOMIC_RELEASE);
		while (__atomic_load_n(&mb->ack, __ATOMIC_ACQUIRE) < r && clock_ns() < end)
			;
	}
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };
	unsigned int done = 0;

	return HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF);
}

static void child_retype(const start_info_t *si, volatile struct mailbox *mb)
{
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;
	unsigned long mfn = p2m[si->nr_pages - 1];
	uint64_t end;
	long rc;

	mb->mfn = mfn;
	__atomic_store_n(&mb->magic, MB_MAGIC, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&mb->ack, __ATOMIC_ACQUIRE))
		;	/* dom0 is mapping it from now on */
	end = clock_ns() + RETYPE_NS;
	while (clock_ns() < end) {
		if (mmuext(MMUEXT_PIN_L1_TABLE, mfn)) {
			mb->refused++;	/* dom0 maps it writable just now */
			continue;
		}
		mb->pins++;
		rc = mmuext(MMUEXT_UNPIN_TABLE, mfn);
		if (rc) {
			if (mb->failures++ < MAX_REPORTS)
				printk("child: FAILED: unpinning what we pinned: %ld\n", rc);
		}
	}
	/* dom0 stops mapping once we are done; then it must pin again. */
	__atomic_store_n(&mb->done, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&mb->ack, __ATOMIC_ACQUIRE) < 2)
		;
	rc = mmuext(MMUEXT_PIN_L1_TABLE, mfn);
	if (rc || mmuext(MMUEXT_UNPIN_TABLE, mfn)) {
		printk("child: FAILED: pin/unpin after the race: %ld\n", rc);
		mb->failures++;
	}
	__atomic_store_n(&mb->done, 2, __ATOMIC_RELEASE);
}

static void __noreturn child_main(start_info_t *si)
{
	volatile struct mailbox *mb = child_setup(si);

	if (cmdline_has("release"))
		child_release(si, mb);
	if (cmdline_has("retype"))
		child_retype(si, mb);
	__atomic_store_n(&mb->done, 3, __ATOMIC_RELEASE);
	for (;;)
		sleep_ns(1000 * MS);
}

/* ---- dom0's side --------------------------------------------------------- */

static uint8_t mb_slot[PAGE_SIZE] __page_aligned;
static uint8_t map_a[PAGE_SIZE] __page_aligned;
static uint8_t map_b[PAGE_SIZE] __page_aligned;
static volatile struct mailbox *const mb = (volatile struct mailbox *)mb_slot;

/* Create the child with @cmdline, map its mailbox and start it; its domid or 0. */
static uint32_t start_child(const char *cmdline)
{
	struct ward_ctl c;
	uint32_t domid = ctl_create_self(cmdline, CHILD_MEM_KB, 1, &c);

	if (!domid)
		return 0;
	if (!check_rc("mapping the child's xenstore page",
		      map_foreign(mb_slot, c.u.create.store_mfn, (domid_t)domid, true), 0))
		return 0;
	ctl_init(&c, WARD_CTL_unpause, domid);
	check_rc("unpause the child", ctl_call(&c), 0);
	return domid;
}

static void stop_child(uint32_t domid, unsigned long free_before)
{
	struct ward_ctl c;

	CHECK(!mb->failures, "the child: %u of its checks failed", mb->failures);
	unmap_foreign(mb_slot);
	ctl_init(&c, WARD_CTL_destroy, domid);
	check_rc("destroy the child", ctl_call(&c), 0);
	CHECK(free_pages_now() + FREE_SLACK_PAGES >= free_before,
	      "the child's memory did not come back");
}

static void test_release(void)
{
	unsigned long free_before = free_pages_now(), maps = 0, lost = 0;
	uint32_t domid = start_child("child release");

	if (!domid || !WAIT_UNTIL(mb->magic == MB_MAGIC, "the child to start"))
		return;
	for (uint64_t r = 1; r <= RELEASE_ROUNDS; r++) {
		unsigned long mfn;

		if (!WAIT_UNTIL(__atomic_load_n(&mb->round, __ATOMIC_ACQUIRE) >= r,
			      "the child's next frame"))
			break;
		mfn = mb->mfn;
		while (__atomic_load_n(&mb->freed, __ATOMIC_ACQUIRE) < r) {
			if (map_foreign(map_a, mfn, (domid_t)domid, true)) {
				CHECK(mb->mapping == r, "round %llu: cannot map frame %lx at all",
				      (unsigned long long)r, mfn);
				continue;
			}
			__atomic_store_n(&mb->mapping, r, __ATOMIC_RELEASE);
			maps++;
			/* We map it: it is still the child's, so this works too. */
			if (map_foreign(map_b, mfn, (domid_t)domid, false)) {
				if (lost++ < MAX_REPORTS)
					test_fail("round %llu: frame %lx was freed while we mapped it",
						  (unsigned long long)r, mfn);
			} else {
				unmap_foreign(map_b);
			}
			unmap_foreign(map_a);
		}
		__atomic_store_n(&mb->ack, r, __ATOMIC_RELEASE);
	}
	printk("release: %d rounds, %lu mappings, %llu decreases refused, %lu frames freed under a mapping\n",
	       RELEASE_ROUNDS, maps, (unsigned long long)mb->refused, lost);
	CHECK(maps > RELEASE_ROUNDS, "weak run: only %lu mappings in %d rounds", maps,
	      RELEASE_ROUNDS);
	stop_child(domid, free_before);
}

static void test_retype(void)
{
	unsigned long free_before = free_pages_now(), maps = 0;
	uint32_t domid = start_child("child retype");
	unsigned long mfn;

	if (!domid || !WAIT_UNTIL(mb->magic == MB_MAGIC, "the child to start"))
		return;
	mfn = mb->mfn;
	__atomic_store_n(&mb->ack, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE)) {
		if (map_foreign(map_a, mfn, (domid_t)domid, true))
			continue;	/* a page table just now */
		maps++;
		unmap_foreign(map_a);
	}
	/* The child pins it once more, then we map it writable once more. */
	__atomic_store_n(&mb->ack, 2, __ATOMIC_RELEASE);
	if (WAIT_UNTIL(__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE) >= 2, "the child's last pin") &&
	    check_rc("mapping the frame writable after the race",
		     map_foreign(map_a, mfn, (domid_t)domid, true), 0))
		unmap_foreign(map_a);
	printk("retype: %lu writable mappings, %llu pins, %llu pins refused\n", maps,
	       (unsigned long long)mb->pins, (unsigned long long)mb->refused);
	CHECK(maps > 100 && mb->pins > 100, "weak run: %lu mappings, %llu pins", maps,
	      (unsigned long long)mb->pins);
	stop_child(domid, free_before);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "dom0 maps a frame the child gives back", test_release },
		{ "dom0 maps writable a frame the child pins", test_retype },
	};
	if (!(si->flags & SIF_INITDOMAIN))
		child_main(si);
	ctl_dom0_setup(2);
	run_cases(cases, ARRAY_SIZE(cases));
}
