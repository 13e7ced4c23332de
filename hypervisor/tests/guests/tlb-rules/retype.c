// SPDX-License-Identifier: GPL-2.0-only
/*
 * tlb-rules, the rule no guest flush can weaken: a frame that changes type
 * (a data page that becomes a page table) or is freed (decrease_reservation,
 * XENMEM_exchange) is never reachable through a stale TLB entry, from any
 * vCPU, even when the guest asked for no flush at all.
 *
 * Each case maps a window W (untouched so far) writable to a fresh frame
 * X and has vCPU 1 store through W (so its TLB holds a writable W -> X),
 * and a second window R read-only to X, then vCPU 0 moves W to a
 * decoy page without a flush, in the case's way, and makes X a table or
 * gives it back. Only then is vCPU 1 told to store MARKER through W: with
 * a stale entry the stores would land in X. X (or, for a freed frame, the
 * frame that came back in its place, when it is X again) must not hold it.
 * These are deterministic under QEMU's TCG: vCPU 1 never reloads CR3 by
 * itself, so without the hypervisor's flush its stale entry is certain.
 * tlb-race checks the same windows as races, round after round.
 */
#include "tlb-rules.h"
#include <xen/memory.h>

#define PARENT_SLOT	1	/* where X hangs in its parent table */

static uint64_t decoy_rw(void)
{
	return mfn_pte(virt_to_mfn(decoy), PTE_RW);
}

static void must(const char *what, long rc)
{
	if (rc)
		test_error("%s: rc %ld %s", what, rc, errno_name(rc));
}

/* A case's windows: W (vCPU 1 stores through it) and R (vCPU 0 reads X). */
struct arm {
	struct window w, r;
};

/*
 * W -> X writable (unless @via: a writable mapping of X that is already
 * there, which vCPU 1 uses instead), R -> X read-only (unless @no_r), and
 * vCPU 1 storing. New windows each time: no set-up needs a flush.
 */
static struct arm arm(unsigned long x, volatile uint64_t *via, bool no_r)
{
	struct arm a = { .w = take_window(), .r = take_window() };

	memset(decoy, 0, PAGE_SIZE);
	if (!via)
		must("W -> X", uvm((const void *)a.w.va, mfn_pte(x, PTE_RW), UVMF_NONE));
	if (!no_r)
		must("R -> X", uvm((const void *)a.r.va, mfn_pte(x, PTE_RO), UVMF_NONE));
	v1_use(via ? via : a.w.va, HOT_WRITE);
	v1_store(0);	/* its TLB holds the writable translation now */
	return a;
}

/* After vCPU 1 stored MARKER: X, read through R, holds only zeros (what validation saw). */
static void check_table(const char *name, const struct arm *a, unsigned long x,
			unsigned int level)
{
	const volatile uint64_t *r = a->r.va;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (!r[i])
			continue;
		if (r[i] == MARKER)
			test_fail("%s: L%u %lx holds the marker at entry %u: it was stored into a validated table through a stale TLB entry",
				  name, level, x, i);
		else
			test_fail("%s: L%u %lx entry %u is %lx, want 0", name, level, x, i,
				  (unsigned long)r[i]);
		return;
	}
	if (((volatile uint64_t *)decoy)[STORE_SLOT] != MARKER)
		test_error("%s: the stores reached neither X nor the decoy", name);
	printk("  %s: X stayed clean, the stores went to the decoy\n", name);
}

/* X's writable mapping is gone: pin X as an L1, have vCPU 1 store, look, unpin, stop vCPU 1. */
static void pin_and_check(const char *name, const struct arm *a, unsigned long x)
{
	if (check_rc("pin X as an L1", mmuext1(MMUEXT_PIN_L1_TABLE, x), 0)) {
		v1_mark(MARKER);
		check_table(name, a, x, 1);
		must("unpin X", mmuext1(MMUEXT_UNPIN_TABLE, x));
	}
	v1_use(NULL, HOT_NONE);
}

void test_retype_pin(void)
{
	unsigned long x = fresh_frame(NULL);
	struct arm a = arm(x, NULL, false);

	must("W -> decoy, no flush", uvm((const void *)a.w.va, decoy_rw(), UVMF_NONE));
	pin_and_check("retype pin", &a, x);
}

void test_retype_hook(void)
{
	unsigned long x = fresh_frame(NULL), parent = fresh_frame(NULL);
	struct arm a;

	must("pin the parent as an L3", mmuext1(MMUEXT_PIN_L3_TABLE, parent));
	a = arm(x, NULL, false);
	must("W -> decoy by mmu_update", mmu1(a.w.l1e_maddr, decoy_rw()));
	if (!check_rc("hook X into the L3 (X becomes an L2)",
		      mmu1(mfn_maddr(parent, PARENT_SLOT), mfn_pte(x, PTE_TABLE)), 0))
		goto out;
	v1_mark(MARKER);
	check_table("retype hook", &a, x, 2);
	must("unhook X", mmu1(mfn_maddr(parent, PARENT_SLOT), 0));
out:
	v1_use(NULL, HOT_NONE);
	must("unpin the parent", mmuext1(MMUEXT_UNPIN_TABLE, parent));
}

void test_retype_ptwr(void)
{
	unsigned long x = fresh_frame(NULL);
	struct arm a = arm(x, NULL, false);

	ptwr_store(a.w.l1e, decoy_rw());
	if ((*a.w.l1e & PTE_ADDR_MASK) != (decoy_rw() & PTE_ADDR_MASK))
		test_error("the trapped store left W's entry %lx", (unsigned long)*a.w.l1e);
	pin_and_check("retype ptwr", &a, x);
}

/*
 * The stale entry is vCPU 0's own, the one the hypervisor runs on when it
 * copies out to the guest: vCPU 0 stores through W, moves W to the decoy
 * without a flush and pins X; then it stores MARKER through W itself and
 * has xen_version write its extraversion string there. Neither may reach X.
 */
void test_retype_self(void)
{
	unsigned long x = fresh_frame(NULL);
	struct arm a = { .w = take_window(), .r = take_window() };
	volatile uint64_t *w = a.w.va;
	char *out = (char *)(w + STORE_SLOT + 1);

	memset(decoy, 0, PAGE_SIZE);
	must("W -> X", uvm((const void *)w, mfn_pte(x, PTE_RW), UVMF_NONE));
	must("R -> X", uvm((const void *)a.r.va, mfn_pte(x, PTE_RO), UVMF_NONE));
	w[STORE_SLOT] = 0;	/* vCPU 0's TLB holds the writable translation now */
	must("W -> decoy, no flush", uvm((const void *)w, decoy_rw(), UVMF_NONE));
	if (!check_rc("pin X as an L1", mmuext1(MMUEXT_PIN_L1_TABLE, x), 0))
		return;
	w[STORE_SLOT] = MARKER;
	must("xen_version(extraversion) into W", HYPERVISOR_xen_version(XENVER_extraversion, out));
	check_table("retype self", &a, x, 1);
	must("unpin X", mmuext1(MMUEXT_UNPIN_TABLE, x));
}

/*
 * The writable mapping goes with its whole L1: V (an empty 2 MiB slot of
 * the L2 that maps our image) is served by L1 B, whose entry 0 maps X
 * writable; the L2 entry is switched to L1 C (pinned, V -> decoy) without
 * a flush, so B's last use goes and with it X's writable use. X is then
 * pinned as an L1.
 */
void test_retype_l1_dies(void)
{
	uint64_t l2e_ma, slot_ma;
	volatile uint64_t *l2e = bootstrap_entry(decoy, 2, &l2e_ma);
	unsigned int own = ((unsigned long)decoy >> 21) & (PT_ENTRIES - 1), slot;
	unsigned long x, b, c;
	volatile uint64_t *v;
	struct arm a;

	if (!l2e)
		test_error("no bootstrap L2 maps our image");
	for (slot = 0; slot < PT_ENTRIES && (l2e - own)[slot]; slot++)
		;
	if (slot == PT_ENTRIES) {
		case_skip("no empty slot in the L2 that maps our image");
		return;
	}
	slot_ma = l2e_ma + ((long)slot - (long)own) * (long)sizeof(uint64_t);
	v = (volatile uint64_t *)(((unsigned long)decoy & ~((1UL << 30) - 1)) |
				  (unsigned long)slot << 21);
	x = fresh_frame(NULL);
	b = fresh_frame(NULL);
	c = fresh_frame(NULL);
	must("hook L1 B at V", mmu1(slot_ma, mfn_pte(b, PTE_TABLE)));
	must("B: V -> X writable", mmu1(mfn_maddr(b, 0), mfn_pte(x, PTE_RW)));
	must("pin L1 C", mmuext1(MMUEXT_PIN_L1_TABLE, c));
	must("C: V -> decoy", mmu1(mfn_maddr(c, 0), decoy_rw()));
	a = arm(x, v, false);
	must("V's L2 entry -> L1 C, no flush", mmu1(slot_ma, mfn_pte(c, PTE_TABLE)));
	pin_and_check("retype L1 dies", &a, x);
	must("unhook V", mmu1(slot_ma, 0));
	must("unpin L1 C", mmuext1(MMUEXT_UNPIN_TABLE, c));
}

static long reservation(unsigned int cmd, xen_pfn_t *frame)
{
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

	set_xen_guest_handle(r.extent_start, frame);
	return HYPERVISOR_memory_op(cmd, &r);
}

/*
 * vCPU 1 stores MARKER now; @got is the frame that replaced X (if it is X
 * again, the only way to see a stale store). False: X did not come back.
 */
static bool check_freed(const char *name, const struct arm *a, unsigned long x,
			unsigned long got)
{
	const volatile uint64_t *r = a->r.va;

	v1_mark(MARKER);
	if (got != x)
		return false;
	must("R -> the new frame", uvm((const void *)r, mfn_pte(got, PTE_RO), UVMF_NONE));
	if (r[STORE_SLOT] == MARKER)
		test_fail("%s: frame %lx came back holding vCPU 1's store: it wrote into the freed frame through a stale TLB entry",
			  name, x);
	else
		printk("  %s: frame %lx came back without vCPU 1's stores\n", name, x);
	return true;
}

void test_free_decrease(void)
{
	unsigned long pfn, x = fresh_frame(&pfn);
	xen_pfn_t gone = x, back = pfn;
	struct arm a = arm(x, NULL, true);	/* R would keep X from being freed */

	must("W -> decoy, no flush", uvm((const void *)a.w.va, decoy_rw(), UVMF_NONE));
	if (!check_rc("decrease_reservation X", reservation(XENMEM_decrease_reservation, &gone), 1) ||
	    !check_rc("populate_physmap X's pfn", reservation(XENMEM_populate_physmap, &back), 1))
		goto out;
	p2m[pfn] = back;
	if (!check_freed("free decrease", &a, x, back))
		case_skip("free decrease: the new frame %lx is not X %lx", (unsigned long)back, x);
out:
	v1_use(NULL, HOT_NONE);
}

void test_free_exchange(void)
{
	unsigned long pfn, spare_pfn, x = fresh_frame(&pfn), spare = fresh_frame(&spare_pfn);
	xen_pfn_t in = x, out = pfn, s = spare, again = spare_pfn;
	struct xen_memory_exchange ex;
	struct arm a;
	long rc;

	/* Room for one more frame afterwards, given before X so X is the newer free frame. */
	if (!check_rc("decrease_reservation a spare frame", reservation(XENMEM_decrease_reservation, &s), 1))
		return;
	a = arm(x, NULL, true);
	must("W -> decoy, no flush", uvm((const void *)a.w.va, decoy_rw(), UVMF_NONE));
	memset(&ex, 0, sizeof(ex));
	set_xen_guest_handle(ex.in.extent_start, &in);
	ex.in.nr_extents = 1;
	ex.in.domid = DOMID_SELF;
	set_xen_guest_handle(ex.out.extent_start, &out);
	ex.out.nr_extents = 1;
	ex.out.domid = DOMID_SELF;
	rc = HYPERVISOR_memory_op(XENMEM_exchange, &ex);
	if (!check_rc("exchange X for a new frame", rc, 0) ||
	    !check_rc("populate_physmap the spare pfn", reservation(XENMEM_populate_physmap, &again), 1))
		goto out;
	p2m[pfn] = out;
	p2m[spare_pfn] = again;
	printk("  free exchange: X %lx, exchanged for %lx, then populated %lx\n", x,
	       (unsigned long)out, (unsigned long)again);
	/* Xen frees an exchanged frame to be scrubbed: it may not come back soon. */
	if (!check_freed("free exchange", &a, x, out == x ? out : again))
		case_skip("free exchange: X %lx did not come back", x);
out:
	v1_use(NULL, HOT_NONE);
}

/*
 * The same attacks with vCPU 1 blocked while its frame changes hands. Its
 * CPU then idles; a hypervisor that switches lazily (Xen, Ward) keeps
 * vCPU 1's page tables, and so its TLB, loaded there, and vCPU 1 comes
 * back on that CPU without a CR3 load. That idle CPU must be flushed as if
 * it ran vCPU 1, or vCPU 1's first store after waking lands in X.
 */
void test_lazy_retype(void)
{
	unsigned long x = fresh_frame(NULL);
	struct arm a = arm(x, NULL, false);

	v1_block();
	must("W -> decoy, no flush", uvm((const void *)a.w.va, decoy_rw(), UVMF_NONE));
	if (!check_rc("pin X as an L1", mmuext1(MMUEXT_PIN_L1_TABLE, x), 0)) {
		v1_wake();
		goto out;
	}
	v1_wake();
	v1_mark(MARKER);
	check_table("lazy retype", &a, x, 1);
	must("unpin X", mmuext1(MMUEXT_UNPIN_TABLE, x));
out:
	v1_use(NULL, HOT_NONE);
}

void test_lazy_free(void)
{
	unsigned long pfn, x = fresh_frame(&pfn);
	xen_pfn_t gone = x, back = pfn;
	struct arm a = arm(x, NULL, true);	/* R would keep X from being freed */

	v1_block();
	must("W -> decoy, no flush", uvm((const void *)a.w.va, decoy_rw(), UVMF_NONE));
	if (!check_rc("decrease_reservation X", reservation(XENMEM_decrease_reservation, &gone), 1) ||
	    !check_rc("populate_physmap X's pfn", reservation(XENMEM_populate_physmap, &back), 1)) {
		v1_wake();
		goto out;
	}
	p2m[pfn] = back;
	v1_wake();
	if (!check_freed("lazy free", &a, x, back))
		case_skip("lazy free: the new frame %lx is not X %lx", (unsigned long)back, x);
out:
	v1_use(NULL, HOT_NONE);
}

/*
 * A blocked vCPU's root cannot be changed from outside: VCPUOP_initialise
 * of a vCPU that has run is -EEXIST (Xen's answer too), and vCPU 1 still
 * runs on its old root afterwards (it answers a probe).
 */
void test_lazy_initialise(void)
{
	static struct vcpu_guest_context ctxt;
	struct window w = take_window();

	memset(&ctxt, 0, sizeof(ctxt));
	memset(decoy, 0, PAGE_SIZE);
	((volatile uint64_t *)decoy)[0] = MARKER;
	must("W -> decoy", uvm((const void *)w.va, decoy_rw(), UVMF_NONE));
	v1_use(w.va, HOT_READ);
	v1_block();
	ctxt.flags = VGCF_in_kernel;
	ctxt.ctrlreg[3] = (unsigned long)virt_to_mfn(decoy) << PAGE_SHIFT;
	check_rc("VCPUOP_initialise(1) while it is blocked",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EEXIST);
	v1_wake();
	if (v1_probe() != MARKER)
		test_fail("lazy initialise: vCPU 1 no longer reads through its own page tables");
	v1_use(NULL, HOT_NONE);
}
