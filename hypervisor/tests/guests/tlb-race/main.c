// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regression test: a stale writable TLB entry on another vCPU must never
 * outlive a frame's change of type. Booted as dom0 with dom0_max_vcpus=2
 * on two CPUs, so vCPU 1 really runs beside vCPU 0.
 *
 * Frame X is mapped writable at W. vCPU 1 stores through W all the time,
 * so its TLB holds W -> X. vCPU 0 then, in one go, moves W to a decoy page
 * and makes X a page table. From the moment X is a table, every store
 * vCPU 1 makes through W must reach the decoy: if one lands in X, the
 * guest has written an entry into a validated table behind the
 * hypervisor's back. vCPU 1 stores, once it sees X is a table, an entry
 * that validation refuses (a writable mapping of a hypervisor frame, or a
 * superpage); vCPU 0 stops it and reads X through a read-only mapping R.
 * X must still hold only what validation saw (zeros).
 *
 * vCPU 1 knows X is a table by a word it can read: the parent table's
 * entry for X (through a read-only mapping), or a marker page the batch
 * writes right after the type change. Each round the batch goes on for
 * a number of plain-write requests after the type change, so the window
 * in which a deferred flush leaves vCPU 1's entry live is long.
 *
 * Variants, each with its own frames (a failed round leaves X as it is
 * and hooked, since every way to undo a forged entry would drop
 * references it never took):
 *  - batch L1/L2/L3: one mmu_update [W -> decoy; parent entry -> X; ...]
 *    makes X an L1 (hooked into a pinned L2), an L2 (into an L3) or an
 *    L3 (into an L4);
 *  - pin: a multicall [mmu_update W -> decoy; MMUEXT_PIN_L1_TABLE X; ...];
 *  - uvm: a multicall [update_va_mapping(W, decoy, no flush); mmu_update
 *    hooking X; ...];
 *  - ptwr: W's L1 entry rewritten by a trapped store (writable page
 *    tables), then an mmu_update hooking X;
 *  - free: a multicall [mmu_update W -> decoy; decrease_reservation X;
 *    populate_physmap X's pfn; ...]: if the new frame is X again, vCPU 1's
 *    stores must not appear in it (only observable when X is reused).
 */
#include "lib.h"
#include <xen/memory.h>

const char test_title[] = "tlb-race: a stale writable TLB entry vs. a change of type";

#define PTE_RW		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO		(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define HV_IMAGE_SLOT	261	/* an L4 slot of the hypervisor's: surely present */
#define PARENT_SLOT	1	/* where X hangs in its parent (a guest slot at L4) */
#define FORGE_SLOT	7	/* the entry of X vCPU 1 stores into */
#define END_WORD	(PT_ENTRIES - 1)	/* busy[END_WORD]: the batch is over */
#define MAX_FILL	2048	/* plain writes after the type change */
#define MAX_ROUNDS	300
#define VARIANT_NS	(3ULL * 1000 * 1000 * 1000)
#define WAIT_NS		(5ULL * 1000 * 1000 * 1000)
#define V1_STACK_SIZE	16384
#define FREE_TAG	0x57a1e00000000000UL

/* Pages of our image: W, R and P (the parent, read-only) move between frames. */
static uint8_t win_w[PAGE_SIZE] __page_aligned;
static uint8_t win_r[PAGE_SIZE] __page_aligned;
static uint8_t win_p[PAGE_SIZE] __page_aligned;
static uint8_t decoy[PAGE_SIZE] __page_aligned;
static uint64_t busy[PT_ENTRIES] __page_aligned;
static uint8_t v1_stack[V1_STACK_SIZE] __aligned(16);
static mmu_update_t reqs[MAX_FILL + 4];

/*
 * vCPU 0 -> 1: v1_round (arm for this round), v1_signal (the word that
 * says X is a table), v1_value (what to store then), v1_stop. vCPU 1 -> 0:
 * v1_armed, v1_done and its counts. Each side writes only its own words.
 */
static volatile unsigned long v1_round, v1_stop, v1_armed, v1_done;
static volatile const uint64_t *volatile v1_signal;
static volatile uint64_t v1_value;
static volatile unsigned long v1_writes, v1_early;

static const unsigned long *p2m;
static unsigned long hv_mfn;
static uint64_t w_l1e_maddr;
static volatile uint64_t *w_l1e;	/* W's L1 entry, read-only (ptwr stores here) */

static uint64_t now(void)
{
	return vcpu_now(0);
}

/* vCPU 1: keep W hot, then store v1_value through it once X is a table. */
static void vcpu1_main(unsigned long unused)
{
	volatile uint64_t *w = (volatile uint64_t *)win_w;
	unsigned long seen = 0;

	(void)unused;
	for (;;) {
		unsigned long r = v1_round, writes = 0, early = 0;
		uint64_t value = v1_value;

		if (r == seen) {
			asm volatile("pause");
			continue;
		}
		seen = r;
		w[FORGE_SLOT] = 0;
		v1_armed = r;
		while (!*v1_signal && v1_stop != r)
			w[FORGE_SLOT] = 0;
		while (v1_stop != r) {
			w[FORGE_SLOT] = value;
			writes++;
			early += !READ_ONCE(busy[END_WORD]);
		}
		v1_writes = writes;
		v1_early = early;
		v1_done = r;
	}
}

static bool wait_word(volatile unsigned long *p, unsigned long want)
{
	uint64_t end = now() + WAIT_NS;

	while (*p != want)
		if (now() > end)
			return false;
	return true;
}

static long uvm(const void *va, uint64_t val, unsigned long flags)
{
	return HYPERVISOR_update_va_mapping((unsigned long)va, val, flags);
}

static long mmu1(uint64_t ptr, uint64_t val)
{
	mmu_update_t req = { .ptr = ptr, .val = val };

	return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

static long mmuext1(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}


/* Fill reqs[n..]: busy[0] (the pin variant's signal), @fill plain writes, the end marker. */
static unsigned int add_fill(unsigned int n, unsigned int fill, bool signal)
{
	unsigned long busy_mfn = virt_to_mfn(busy);
	unsigned int i;

	if (signal) {
		reqs[n].ptr = mfn_maddr(busy_mfn, 0);
		reqs[n++].val = 1;
	}
	for (i = 0; i < fill; i++) {
		reqs[n].ptr = mfn_maddr(busy_mfn, 1 + i % (END_WORD - 1));
		reqs[n++].val = i + 1;
	}
	reqs[n].ptr = mfn_maddr(busy_mfn, END_WORD);
	reqs[n++].val = 1;
	return n;
}

enum variant { V_BATCH, V_PIN, V_UVM, V_PTWR, V_FREE };

struct race {
	const char *name;
	enum variant how;
	unsigned int level;	/* X becomes an L<level> */
	unsigned long x, parent;	/* frames; parent pinned at level + 1 */
	unsigned long x_pfn;
	uint64_t forged;	/* what vCPU 1 stores: validation refuses it */
	unsigned int rounds, raced, reused;
	bool typed;		/* X is in the parent (or pinned) now */
};

static void stop_vcpu1(unsigned long r)
{
	v1_stop = r;
	if (!wait_word(&v1_done, r))
		test_abort("vCPU 1 did not stop within 5 s");
}

/* Make the kind of table X becomes in the parent; it stays pinned. */
static void race_setup(struct race *c)
{
	long rc;

	c->x_pfn = take_free_pfn();
	c->x = p2m[c->x_pfn];
	if (c->how == V_PIN || c->how == V_FREE)
		return;
	c->parent = p2m[take_free_pfn()];
	/* A fresh frame holds whatever the builder left: clear it first. */
	if ((rc = uvm(win_p, mfn_pte(c->parent, PTE_RW), UVMF_INVLPG | UVMF_LOCAL)))
		test_error("%s: mapping the parent: rc %ld", c->name, rc);
	memset(win_p, 0, PAGE_SIZE);
	if ((rc = uvm(win_p, mfn_pte(c->parent, PTE_RO), UVMF_INVLPG | UVMF_LOCAL)))
		test_error("%s: parent read-only: rc %ld", c->name, rc);
	rc = mmuext1(MMUEXT_PIN_L1_TABLE + c->level, c->parent);
	if (rc)
		test_error("%s: pinning the parent as L%u: rc %ld %s", c->name, c->level + 1, rc,
			   errno_name(rc));
}

/* Undo a clean round: X plain memory again, W -> X writable, R -> X. */
static bool round_reset(struct race *c)
{
	long rc = 0;

	if (c->typed && c->how == V_PIN)
		rc = mmuext1(MMUEXT_UNPIN_TABLE, c->x);
	else if (c->typed)
		rc = mmu1(mfn_maddr(c->parent, PARENT_SLOT), 0);
	if (rc) {
		test_fail("%s: making X plain memory again: rc %ld %s", c->name, rc, errno_name(rc));
		return false;
	}
	c->typed = false;
	rc = uvm(win_w, mfn_pte(c->x, PTE_RW), UVMF_INVLPG | UVMF_ALL);
	if (!rc)
		rc = uvm(win_r, c->how == V_FREE ? 0 : mfn_pte(c->x, PTE_RO), UVMF_INVLPG | UVMF_ALL);
	if (rc) {
		test_fail("%s: remapping W and R to X: rc %ld %s", c->name, rc, errno_name(rc));
		return false;
	}
	memset(win_w, 0, PAGE_SIZE);
	memset(busy, 0, sizeof(busy));
	return true;
}

/* A ptwr store: one 8-byte mov into W's L1 entry through its read-only mapping. */
static void ptwr_store(volatile uint64_t *p, uint64_t val)
{
	asm volatile("movq %1, %0" : "=m"(*p) : "r"(val) : "memory");
}

/*
 * vCPU 0's half of one round: W -> decoy and X -> table, as the variant
 * does it. *done and *want: the final mmu_update's count and its length
 * (for a multicall, every entry's result is checked here instead).
 */
static long race_once(struct race *c, unsigned int fill, unsigned int *done, unsigned int *want)
{
	uint64_t w_to_d = mfn_pte(virt_to_mfn(decoy), PTE_RW);
	uint64_t hook = mfn_pte(c->x, PTE_TABLE);
	xen_pfn_t gone = c->x, back = c->x_pfn;
	struct xen_memory_reservation dec = { .nr_extents = 1, .domid = DOMID_SELF };
	struct xen_memory_reservation pop = { .nr_extents = 1, .domid = DOMID_SELF };
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = c->x };
	multicall_entry_t mc[4];
	unsigned int n = 0, nmc = 0;
	long rc;

	memset(mc, 0, sizeof(mc));
	set_xen_guest_handle(dec.extent_start, &gone);
	set_xen_guest_handle(pop.extent_start, &back);
	*done = *want = 0;
	if (c->how == V_BATCH || c->how == V_PIN || c->how == V_FREE) {
		reqs[n].ptr = w_l1e_maddr;
		reqs[n++].val = w_to_d;
	}
	if (c->how == V_PIN || c->how == V_FREE) {
		mc[nmc].op = __HYPERVISOR_mmu_update;
		mc[nmc].args[0] = (unsigned long)&reqs[0];
		mc[nmc].args[1] = n;
		mc[nmc].args[3] = DOMID_SELF;
		nmc++;
	}
	if (c->how == V_PIN) {
		mc[nmc].op = __HYPERVISOR_mmuext_op;
		mc[nmc].args[0] = (unsigned long)&pin;
		mc[nmc].args[1] = 1;
		mc[nmc].args[3] = DOMID_SELF;
		nmc++;
	}
	if (c->how == V_FREE) {
		mc[nmc].op = __HYPERVISOR_memory_op;
		mc[nmc].args[0] = XENMEM_decrease_reservation;
		mc[nmc].args[1] = (unsigned long)&dec;
		nmc++;
		mc[nmc] = mc[nmc - 1];
		mc[nmc].args[0] = XENMEM_populate_physmap;
		mc[nmc].args[1] = (unsigned long)&pop;
		nmc++;
	}
	if (c->how == V_UVM) {
		mc[nmc].op = __HYPERVISOR_update_va_mapping;
		mc[nmc].args[0] = (unsigned long)win_w;
		mc[nmc].args[1] = w_to_d;
		mc[nmc].args[2] = UVMF_NONE;
		nmc++;
	}
	if (c->how == V_PTWR)
		ptwr_store(w_l1e, w_to_d);

	/* From here on: the requests that run after (or make) the type change. */
	if (c->how == V_PIN || c->how == V_FREE) {
		unsigned int first = n;

		n = add_fill(n, fill, true);
		mc[nmc].op = __HYPERVISOR_mmu_update;
		mc[nmc].args[0] = (unsigned long)&reqs[first];
		mc[nmc].args[1] = n - first;
		mc[nmc].args[3] = DOMID_SELF;
		nmc++;
	} else {
		unsigned int first = c->how == V_BATCH ? 0 : n;

		reqs[n].ptr = mfn_maddr(c->parent, PARENT_SLOT);
		reqs[n++].val = hook;
		n = add_fill(n, fill, false);
		*want = n - first;
		if (c->how == V_UVM) {
			mc[nmc].op = __HYPERVISOR_mmu_update;
			mc[nmc].args[0] = (unsigned long)&reqs[first];
			mc[nmc].args[1] = n - first;
			mc[nmc].args[2] = (unsigned long)done;
			mc[nmc].args[3] = DOMID_SELF;
			nmc++;
		} else {
			*done = 0xdead;
			return HYPERVISOR_mmu_update(&reqs[first], n - first, done, DOMID_SELF);
		}
	}
	rc = HYPERVISOR_multicall(mc, nmc);
	for (unsigned int i = 0; !rc && i < nmc; i++) {
		unsigned long want_result = mc[i].op == __HYPERVISOR_memory_op ? 1 : 0;

		if (mc[i].result != want_result) {
			test_fail("%s: multicall entry %u (hypercall %lu) returned %ld, want %lu",
				  c->name, i, (unsigned long)mc[i].op, (long)mc[i].result, want_result);
			rc = -XEN_EINVAL;
		}
	}
	if (c->how == V_FREE && !rc) {
		/* populate_physmap wrote the new frame into back: it replaces X at its pfn. */
		c->reused += back == c->x;
		((unsigned long *)p2m)[c->x_pfn] = back;
		c->x = back;
	}
	return rc;
}

/* X read through R, or (free) the new frame mapped there: what vCPU 1 left in it. */
static bool round_check(struct race *c, unsigned long r, unsigned int fill)
{
	const volatile uint64_t *x = (const volatile uint64_t *)win_r;
	long rc;

	if (c->how == V_FREE) {
		rc = uvm(win_r, mfn_pte(c->x, PTE_RO), UVMF_INVLPG | UVMF_LOCAL);
		if (rc) {
			test_fail("%s: mapping the repopulated frame %lx: rc %ld %s", c->name, c->x,
				  rc, errno_name(rc));
			return false;
		}
		if (x[FORGE_SLOT] == c->forged) {
			test_fail("%s, round %lu (%u writes after): frame %lx was given back while vCPU 1 still stored into it through a stale TLB entry",
				  c->name, r, fill, c->x);
			return false;
		}
		return true;
	}
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = x[i];

		if (!e)
			continue;
		if (i == FORGE_SLOT && e == c->forged)
			test_fail("%s, round %lu (%u writes after): validated L%u %lx holds %lx, stored by vCPU 1 through a stale TLB entry",
				  c->name, r, fill, c->level, c->x, (unsigned long)e);
		else
			test_fail("%s round %lu: X (an L%u) entry %u is %lx, want 0", c->name, r,
				  c->level, i, (unsigned long)e);
		return false;
	}
	return true;
}

/*
 * The forged entry is live once its table is: hang the parent L2 in a free
 * slot of the L3 that maps our image and load (never store) through it.
 * Only reached after a failure, which leaves all of it in place.
 */
static void show_forged_use(const struct race *c)
{
	uint64_t l3e_ma, v;
	volatile uint64_t *l3e = bootstrap_entry(win_w, 3, &l3e_ma);
	unsigned int own = ((unsigned long)win_w >> 30) & (PT_ENTRIES - 1), slot;
	volatile uint64_t *l3 = l3e - own;
	unsigned long va;
	long rc;

	for (slot = 0; slot < PT_ENTRIES && l3[slot]; slot++)
		;
	if (!l3e || slot == PT_ENTRIES)
		return;
	rc = mmu1(l3e_ma - own * sizeof(uint64_t) + slot * sizeof(uint64_t),
		  mfn_pte(c->parent, PTE_TABLE));
	if (rc) {
		printk("  (hanging the parent L2 in L3 slot %u: rc %ld)\n", slot, rc);
		return;
	}
	va = ((unsigned long)win_w & ~((1UL << 39) - 1)) | (unsigned long)slot << 30 |
	     PARENT_SLOT << 21 | FORGE_SLOT << 12;
	if (try_read(va, &v))
		printk("  and it is live: a load at %lx through it read %lx from hypervisor frame %lx\n",
		       va, (unsigned long)v, hv_mfn);
	else
		printk("  a load at %lx through it faulted (vector %u)\n", va, last_trap.vector);
}

static void run_race(struct race *c)
{
	static const unsigned int fills[] = { MAX_FILL, 256, 16, 0, 1024, 64, 4 };
	uint64_t end;
	unsigned long r;

	race_setup(c);
	end = now() + VARIANT_NS;
	for (r = 1; r <= MAX_ROUNDS && now() < end; r++) {
		unsigned int fill = fills[(r - 1) % ARRAY_SIZE(fills)], done, want;
		unsigned long round = v1_round + 1;
		long rc;
		bool ok;

		if (!round_reset(c))
			return;
		v1_signal = c->how == V_PIN || c->how == V_FREE ? &busy[0] :
			    (const uint64_t *)win_p + PARENT_SLOT;
		v1_value = c->how == V_FREE ? FREE_TAG | round : c->forged;
		v1_round = round;
		if (!wait_word(&v1_armed, round))
			test_abort("vCPU 1 did not arm within 5 s");
		rc = race_once(c, fill, &done, &want);
		stop_vcpu1(round);
		c->rounds++;
		c->raced += v1_early != 0;
		if (c->how == V_FREE)
			c->forged = FREE_TAG | round;
		if (rc || done != want) {
			test_fail("%s round %lu: the batch failed: rc %ld %s, done %u", c->name, r, rc,
				  errno_name(rc), done);
			return;
		}
		c->typed = c->how != V_FREE;
		ok = round_check(c, r, fill);
		if (!ok) {
			printk("  %s: vCPU 1 stored %lu times after the type change, %lu before the batch ended; %u earlier rounds clean, %u of them raced\n",
			       c->name, v1_writes, v1_early, c->rounds - 1, c->raced - (v1_early != 0));
			if (c->level == 1 && c->how != V_PIN && c->how != V_FREE)
				show_forged_use(c);
			return;	/* X keeps what it holds: undoing it would drop references never taken */
		}
	}
	printk("  %s: %u rounds clean, vCPU 1 stored during the batch in %u%s\n", c->name,
	       c->rounds, c->raced, c->how == V_FREE ? "" : " of them");
	if (c->how == V_FREE)
		printk("  %s: the freed frame came back in %u rounds\n", c->name, c->reused);
	if (!round_reset(c))
		return;
	if (c->rounds && !c->raced)
		case_skip("%s: vCPU 1 never stored while the batch ran", c->name);
}

static struct race races[] = {
	{ .name = "batch L1", .how = V_BATCH, .level = 1 },
	{ .name = "batch L2", .how = V_BATCH, .level = 2 },
	{ .name = "batch L3", .how = V_BATCH, .level = 3 },
	{ .name = "pin", .how = V_PIN, .level = 1 },
	{ .name = "uvm", .how = V_UVM, .level = 1 },
	{ .name = "ptwr", .how = V_PTWR, .level = 1 },
	{ .name = "free", .how = V_FREE, .level = 1 },
};

static void forge_values(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(races); i++)
		races[i].forged = races[i].level == 1 ? mfn_pte(hv_mfn, PTE_RW | _PAGE_USER) :
				  mfn_pte(0, PTE_RW | _PAGE_USER | _PAGE_PSE);
}

static void test_batch_l1(void) { run_race(&races[0]); }
static void test_batch_l2(void) { run_race(&races[1]); }
static void test_batch_l3(void) { run_race(&races[2]); }
static void test_pin(void) { run_race(&races[3]); }
static void test_uvm(void) { run_race(&races[4]); }
static void test_ptwr(void) { run_race(&races[5]); }
static void test_free(void) { run_race(&races[6]); }

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "batch L1: mmu_update [W -> decoy; L2 entry -> X; writes]", test_batch_l1 },
		{ "batch L2: mmu_update [W -> decoy; L3 entry -> X; writes]", test_batch_l2 },
		{ "batch L3: mmu_update [W -> decoy; L4 entry -> X; writes]", test_batch_l3 },
		{ "pin: multicall [mmu_update W -> decoy; pin X as L1; writes]", test_pin },
		{ "uvm: multicall [update_va_mapping W -> decoy, no flush; L2 entry -> X; writes]", test_uvm },
		{ "ptwr: a trapped store W -> decoy, then mmu_update [L2 entry -> X; writes]", test_ptwr },
		{ "free: multicall [W -> decoy; decrease X; populate its pfn; writes]", test_free },
	};
	const uint64_t *l4 = (const uint64_t *)si->pt_base;
	long rc;

	smp_guest_setup();
	p2m = (const unsigned long *)si->mfn_list;
	if (!(l4[HV_IMAGE_SLOT] & _PAGE_PRESENT))
		test_error("L4 slot %u (the hypervisor's) is empty", HV_IMAGE_SLOT);
	hv_mfn = (l4[HV_IMAGE_SLOT] & PTE_ADDR_MASK) >> PAGE_SHIFT;
	w_l1e = bootstrap_entry(win_w, 1, &w_l1e_maddr);
	if (!w_l1e)
		test_error("no bootstrap L1 entry maps W");
	forge_values();
	v1_signal = &busy[0];
	if ((rc = vcpu_start(1, vcpu1_main, 0, v1_stack + sizeof(v1_stack))))
		test_error("starting vCPU 1: rc %ld %s", rc, errno_name(rc));
	printk("hypervisor frame %lx, W's L1 entry at %lx\n", hv_mfn,
	       (unsigned long)w_l1e_maddr);
	run_cases(cases, ARRAY_SIZE(cases));
}
