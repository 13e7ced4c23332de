// SPDX-License-Identifier: GPL-2.0-only
/*
 * attack=pt: page-table trees built from our own frames and torn down
 * again, by mmu_update, pins, NEW_BASEPTR and writable-page-table stores;
 * frames that are writable one moment and page tables the next; and races
 * in which vCPU 1 maps, stores and reads while vCPU 0 changes the type of
 * the same frames, unmaps without a flush, or gives a frame back.
 *
 * The pool (attack.h) is laid out as:
 *   markers      what trees map, and all vCPU 1 may ever read;
 *   free marker  the one R_FREE gives back and gets again;
 *   race tree    L3 -> L2 -> two L1s of marker leaves at SLOT_RACE;
 *   scratch      the rest: random trees, roots, frames to flip.
 * The oracle is walk_check() between steps, plus each race's own check:
 * an entry that only a stale writable translation could have written
 * into a validated table (POISON maps a frame that is not ours, so no
 * validation lets it in).
 */
#include "attack.h"

enum {
	P_MARK0 = 0, NR_MARKERS = 6,
	P_MFREE = NR_MARKERS,
	P_RL3, P_RL2, P_RL1A, P_RL1B,
	P_SCRATCH,
};
#define NR_SCRATCH	(POOL_FRAMES - P_SCRATCH)
#define RACE_PAGES	1024	/* two L1s' worth */
#define MAX_HOOKS	32
#define TOUCH_PAGES	8

/* Entries we wrote (successfully) into a table to hang a subtree there. */
static struct {
	unsigned long table;
	unsigned int idx;
} hooks[MAX_HOOKS];
static unsigned int nr_hooks;
static int alt_root = -1;	/* pool index of the root vCPU 0 runs on, or -1 */
static unsigned long steps, rounds;

static unsigned long marker(void)
{
	return at.pool[P_MARK0 + rnd_below(NR_MARKERS)];
}

static unsigned long scratch(void)
{
	return at.pool[P_SCRATCH + rnd_below(NR_SCRATCH)];
}

/* A scratch frame nothing has pinned (it may still be a table by reference). */
static unsigned long unpinned_scratch(void)
{
	for (int tries = 0; tries < 16; tries++) {
		int i = P_SCRATCH + (int)rnd_below(NR_SCRATCH);

		if (!at.pinned[i] && i != alt_root)
			return at.pool[i];
	}
	return 0;
}

static uint64_t random_flags(void)
{
	uint64_t f = _PAGE_PRESENT;

	f |= one_in(2) ? _PAGE_RW : 0;
	f |= one_in(2) ? _PAGE_ACCESSED : 0;
	f |= one_in(2) ? _PAGE_DIRTY : 0;
	f |= one_in(4) ? _PAGE_USER : 0;
	f |= one_in(8) ? _PAGE_PWT | _PAGE_PCD : 0;
	f |= one_in(8) ? _PAGE_GLOBAL : 0;
	f |= one_in(8) ? _PAGE_NX : 0;
	f |= one_in(16) ? _PAGE_PSE : 0;
	f |= one_in(16) ? rnd() & 0x7ff0000000000e00UL : 0;	/* software bits */
	return f;
}

/* Any frame a hostile guest might name; shared_info is the xenheap kind's. */
static unsigned long any_frame(void)
{
	unsigned int w = W_PRIV0 + (unsigned int)rnd_below(NR_PRIV);

	switch (rnd_below(12)) {
	case 0: case 1: case 2: case 3: return marker();
	case 4: case 5: return scratch();
	case 6: return own_mfn((void *)win_va((enum window)w));
	case 7: return at.foreign;
	case 8: return at.nr_mfns + rnd_below(1UL << 20);
	case 9: return rnd_below(0x100);
	case 10: return one_in(2) ? at.root : at.pool[P_RL1A];
	default: return rnd() & 0xfffffffffUL;
	}
}

static uint64_t leaf_entry(void)
{
	if (one_in(6))
		return one_in(2) ? 0 : rnd() & ~(uint64_t)_PAGE_PRESENT;
	return ((uint64_t)any_frame() << PAGE_SHIFT) | random_flags();
}

static uint64_t dir_entry(void)
{
	unsigned long f = one_in(4) ? any_frame() : scratch();

	return ((uint64_t)f << PAGE_SHIFT) | (one_in(4) ? random_flags() : PTE_TABLE);
}

/* A store value that keeps a marker a marker, whatever it lands in. */
static uint64_t tagged(void)
{
	return marker_word(rnd_below(1UL << 30));
}

static void add_hook(unsigned long table, unsigned int idx)
{
	if (nr_hooks < MAX_HOOKS) {
		hooks[nr_hooks].table = table;
		hooks[nr_hooks++].idx = idx;
	}
}

/* Write entries at random low indices (where the probes look). */
static void fill(unsigned long mfn, bool leaves, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		unsigned int idx = one_in(4) ? (unsigned int)rnd_below(PT_ENTRIES) :
					       (unsigned int)rnd_below(TOUCH_PAGES);

		mmu_write(MADDR(mfn, idx), leaves ? leaf_entry() : dir_entry());
	}
}

/* Load from, and now and then store to, the first pages under @slot. */
static void touch(unsigned int slot)
{
	for (unsigned int k = 0; k < TOUCH_PAGES; k++) {
		unsigned long va = SLOT_VA(slot) + (rnd_below(TOUCH_PAGES) << 21) +
				   (rnd_below(TOUCH_PAGES) << PAGE_SHIFT) + 8 * rnd_below(512);
		uint64_t v;

		if (try_load(va, &v) && one_in(3))
			try_store(va, tagged());
	}
}

/* ---- single-vCPU steps ---------------------------------------------------- */

static void step_tree(void)
{
	unsigned long l3 = unpinned_scratch(), l2 = unpinned_scratch(), l1 = unpinned_scratch();

	if (!l3 || !l2 || !l1 || l3 == l2 || l2 == l1 || l1 == l3)
		return;
	mmuext(MMUEXT_CLEAR_PAGE, l1, 0);
	mmuext(MMUEXT_CLEAR_PAGE, l2, 0);
	mmuext(MMUEXT_CLEAR_PAGE, l3, 0);
	fill(l1, true, 1 + (unsigned int)rnd_below(8));
	mmu_write(MADDR(l2, rnd_below(TOUCH_PAGES)), ((uint64_t)l1 << PAGE_SHIFT) | PTE_TABLE);
	if (one_in(3))	/* the same L1 twice */
		mmu_write(MADDR(l2, rnd_below(TOUCH_PAGES)), ((uint64_t)l1 << PAGE_SHIFT) | PTE_TABLE);
	mmu_write(MADDR(l3, 0), ((uint64_t)l2 << PAGE_SHIFT) | PTE_TABLE);
	if (one_in(2))
		pin(3, l3);
	if (!mmu_write(MADDR(at.cur_root, SLOT_TREE), ((uint64_t)l3 << PAGE_SHIFT) | PTE_TABLE)) {
		add_hook(at.cur_root, SLOT_TREE);
		touch(SLOT_TREE);
	}
}

static void step_hook(void)
{
	int i = P_SCRATCH + (int)rnd_below(NR_SCRATCH);
	unsigned int idx = (unsigned int)rnd_below(PT_ENTRIES);

	if (!at.pinned[i] || at.pinned[i] == 1)
		return;
	if (!mmu_write(MADDR(at.pool[i], idx), dir_entry()))
		add_hook(at.pool[i], idx);
}

static void step_unhook(void)
{
	unsigned int k;

	if (!nr_hooks)
		return;
	k = (unsigned int)rnd_below(nr_hooks);
	mmu_write(MADDR(hooks[k].table, hooks[k].idx), 0);
	hooks[k] = hooks[--nr_hooks];
}

static void step_pin(void)
{
	unsigned long f = unpinned_scratch();

	if (f)
		pin(1 + (unsigned int)rnd_below(4), f);
}

static void step_unpin(void)
{
	int i = P_SCRATCH + (int)rnd_below(NR_SCRATCH);

	if (at.pinned[i] && i != alt_root)
		unpin(at.pool[i]);
}

static unsigned long random_uvmf(void)
{
	static const unsigned long f[] = { UVMF_NONE, UVMF_INVLPG | UVMF_LOCAL,
					   UVMF_TLB_FLUSH | UVMF_LOCAL, UVMF_INVLPG | UVMF_ALL,
					   UVMF_TLB_FLUSH | UVMF_ALL };

	return f[rnd_below(ARRAY_SIZE(f))];
}

static enum window priv(void)
{
	return (enum window)(W_PRIV0 + rnd_below(NR_PRIV));
}

static void step_map(void)
{
	enum window w = priv();
	unsigned long f = one_in(3) ? marker() : scratch();

	if (one_in(4))
		win_restore(w);
	else
		win_map(w, f, one_in(2) ? PTE_RW : PTE_RO, random_uvmf());
}

/* Store PTE-shaped values, good and hostile, into a frame mapped writable. */
static void step_scribble(void)
{
	enum window w = priv();

	if (!(win_mfn(w) && win_writable(win_mfn(w))) || pool_index(win_mfn(w)) < P_SCRATCH)
		return;
	for (unsigned int k = 0; k < 4; k++)
		try_store(win_va(w) + 8 * rnd_below(TOUCH_PAGES),
			  one_in(2) ? leaf_entry() : dir_entry());
}

/* One frame: writable, then a table of some level, then writable again. */
static void step_flip(void)
{
	unsigned long x = unpinned_scratch();
	enum window w = priv();

	if (!x)
		return;
	for (unsigned int r = 0; r < 4; r++) {
		if (win_map(w, x, PTE_RW, random_uvmf()))
			break;
		for (unsigned int k = 0; k < 3; k++)
			try_store(win_va(w) + 8 * rnd_below(PT_ENTRIES),
				  one_in(3) ? leaf_entry() : 0);
		win_map(w, x, 0, random_uvmf());
		if (!pin(1 + (unsigned int)rnd_below(4), x)) {
			/* win_map() calls the breach if this works. */
			win_map(w, x, PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
			unpin(x);
		}
	}
	win_restore(w);
}

/* A copy of the builder's root with a changed low half; run on it a while. */
static void step_root(void)
{
	uint64_t ours, theirs;
	int i;

	if (alt_root >= 0) {
		if (!mmuext(MMUEXT_NEW_BASEPTR, at.root, 0)) {
			at.cur_root = at.root;
			unpin(at.pool[alt_root]);
			alt_root = -1;
		}
		return;
	}
	i = P_SCRATCH + (int)rnd_below(NR_SCRATCH);
	if (at.pinned[i] || mmuext(MMUEXT_COPY_PAGE, at.pool[i], at.root))
		return;
	if (one_in(2))
		mmu_write(MADDR(at.pool[i], SLOT_TREE), one_in(2) ? 0 : dir_entry());
	if (pin(4, at.pool[i]))
		return;
	/* Only a root that still maps us can be run on. */
	if (!peek(at.pool[i], 511, &ours) || !peek(at.root, 511, &theirs) ||
	    PTE_MFN(ours) != PTE_MFN(theirs) || mmuext(MMUEXT_NEW_BASEPTR, at.pool[i], 0)) {
		unpin(at.pool[i]);
		return;
	}
	alt_root = i;
	at.cur_root = at.pool[i];
	touch(SLOT_TREE);
}

static void step_clear_copy(void)
{
	unsigned long dst = scratch();

	if (one_in(2))
		mmuext(MMUEXT_CLEAR_PAGE, dst, 0);
	else
		mmuext(MMUEXT_COPY_PAGE, dst, one_in(2) ? any_frame() : scratch());
}

/* Ordinary stores into a read-only mapped L1 (VMASST writable_pagetables). */
static void step_ptwr(void)
{
	int i = P_SCRATCH + (int)rnd_below(NR_SCRATCH);
	enum window w = priv();

	if (at.pinned[i] != 1)
		return;
	HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (win_map(w, at.pool[i], PTE_RO, UVMF_INVLPG | UVMF_LOCAL))
		return;
	for (unsigned int k = 0; k < 4; k++)
		try_store(win_va(w) + 8 * rnd_below(TOUCH_PAGES), leaf_entry());
	win_restore(w);
}

/* ---- races with vCPU 1 ------------------------------------------------------ */

/* After a frame became a table with @x[@off] clean: it must stay clean. */
static void check_clean(unsigned long x, unsigned int off, const char *how)
{
	uint64_t v;

	dawdle(8);
	if (peek(x, off, &v) && v == poison)
		breach("%s: L1 %lx[%u] = %lx after it was validated: a stale writable "
		       "translation on vCPU 1 wrote it", how, x, off, (unsigned long)v);
}

/* A pinned, empty L2 to hook frames into as L1s (so they change type). */
static unsigned long hook_l2(void)
{
	unsigned long l2 = unpinned_scratch();

	if (!l2 || mmuext(MMUEXT_CLEAR_PAGE, l2, 0) || pin(2, l2))
		return 0;
	return l2;
}

/* Make @x an L1 (pin, or hook under @l2) and back; true if it was one. */
static bool type_x(unsigned long x, unsigned long l2, unsigned int off, const char *how)
{
	if (l2 && one_in(2)) {
		if (mmu_write(MADDR(l2, 3), ((uint64_t)x << PAGE_SHIFT) | PTE_TABLE))
			return false;
		check_clean(x, off, how);
		mmu_write(MADDR(l2, 3), 0);
		return true;
	}
	if (pin(1, x))
		return false;
	check_clean(x, off, how);
	unpin(x);
	return true;
}

/* The end of a race on frame X: vCPU 1 stopped, the window and L2 given back. */
static void race_end(enum window w, unsigned long l2, const char *name, unsigned int typed)
{
	v1_stop();
	win_restore(w);
	if (l2)
		unpin(l2);
	printk("child: race %s: %u of %lu rounds made a table\n", name, typed, rounds);
}

/*
 * vCPU 1 stores 0 and POISON through a writable mapping of X; we unmap it
 * without a flush and make X a table at once. Only a stale translation
 * can put POISON into X after the validation passed.
 */
static void race_pin_vs_stale_store(void)
{
	unsigned long x = unpinned_scratch(), l2 = hook_l2();
	unsigned int off = (unsigned int)rnd_below(PT_ENTRIES), typed = 0;

	if (!x || x == l2 || mmuext(MMUEXT_CLEAR_PAGE, x, 0) ||
	    win_map(W_V1A, x, PTE_RW, UVMF_INVLPG | UVMF_ALL)) {
		race_end(W_V1A, l2, "pin-vs-stale-store", 0);
		return;
	}
	v1_start(V1_STORE, 0, poison, win_va(W_V1A) + 8 * off, 0);
	for (unsigned long r = 0; r < rounds; r++) {
		if (win_map(W_V1A, x, PTE_RW, UVMF_NONE))
			break;
		dawdle(1 + (unsigned int)rnd_below(16));
		win_map(W_V1A, x, 0, one_in(4) ? random_uvmf() : UVMF_NONE);
		/* Clean again: a store that lands from here on came through a stale entry. */
		mmu_write(MADDR(x, off), 0);
		typed += type_x(x, l2, off, "pin vs a stale store");
	}
	race_end(W_V1A, l2, "pin-vs-stale-store", typed);
}

/* vCPU 1 maps X, stores, unmaps unflushed and stores POISON; we pin X. */
static void race_pin_vs_remap(void)
{
	unsigned long x = unpinned_scratch(), l2 = hook_l2();
	unsigned int off = (unsigned int)rnd_below(PT_ENTRIES), typed = 0;

	if (x && x != l2 && !mmuext(MMUEXT_CLEAR_PAGE, x, 0)) {
		v1_start(V1_REMAP, x, poison, win_va(W_V1B), 8 * off);
		for (unsigned long r = 0; r < rounds; r++) {
			mmu_write(MADDR(x, off), 0);	/* a plain write while X is no table */
			typed += type_x(x, l2, off, "pin vs a remap");
		}
	}
	race_end(W_V1B, l2, "pin-vs-remap", typed);
}

/* vCPU 1 reads the race tree or the shared windows; we remap under it. */
static void race_remap_vs_load(void)
{
	bool tree = one_in(2);

	if (tree)
		v1_start(V1_LOAD, 0, 0, SLOT_VA(SLOT_RACE), 64 + rnd_below(RACE_PAGES - 64));
	else
		v1_start(V1_LOAD, 0, 0, win_va(W_SHARED0), NR_SHARED);
	for (unsigned long r = 0; r < rounds; r++) {
		enum window w = (enum window)(W_SHARED0 + rnd_below(NR_SHARED));
		unsigned long l1 = at.pool[one_in(2) ? P_RL1A : P_RL1B];

		switch (rnd_below(6)) {
		case 0:
			mmu_write(MADDR(l1, rnd_below(PT_ENTRIES)),
				  one_in(4) ? 0 : ((uint64_t)marker() << PAGE_SHIFT) |
						  (one_in(2) ? PTE_RW : PTE_RO));
			break;
		case 1:
			mmu_write(MADDR(at.pool[P_RL2], 1), one_in(2) ? 0 :
				  ((uint64_t)at.pool[P_RL1B] << PAGE_SHIFT) | PTE_TABLE);
			break;
		case 2:
			win_map(w, marker(), one_in(2) ? PTE_RW : PTE_RO, random_uvmf());
			break;
		case 3:
			win_map(w, 0, 0, random_uvmf());
			break;
		case 4:
			win_restore(w);
			break;
		default:
			mmuext(one_in(2) ? MMUEXT_TLB_FLUSH_ALL : MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
			break;
		}
	}
	v1_stop();
	for (unsigned int w = W_SHARED0; w < W_SHARED0 + NR_SHARED; w++)
		win_restore((enum window)w);
	mmu_write(MADDR(at.pool[P_RL2], 1), ((uint64_t)at.pool[P_RL1B] << PAGE_SHIFT) | PTE_TABLE);
	printk("child: race remap-vs-load (%s): vCPU 1 made %lu loads\n",
	       tree ? "race tree" : "windows", v1_iterations());
}

/*
 * A marker vCPU 1 reads or stores through goes back to the hypervisor
 * while vCPU 1's TLB may still hold it; the frame we get next (often the
 * same one) must come zeroed, with none of vCPU 1's stores in it.
 */
static void race_free_vs_stale(void)
{
	unsigned long m = at.pool[P_MFREE], n;
	xen_pfn_t l = m;
	uint64_t v = 0;

	if (win_map(W_SHARED3, m, PTE_RW, UVMF_INVLPG | UVMF_ALL))
		return;
	if (one_in(2))
		v1_start(V1_LOAD, 0, 0, win_va(W_SHARED3), 1);
	else
		v1_start(V1_STORE, marker_word(0x5555), marker_word(0x5555),
			 win_va(W_SHARED3) + 8 * rnd_below(PT_ENTRIES), 0);
	dawdle(16);
	win_map(W_SHARED3, m, 0, UVMF_NONE);
	if (reservation(XENMEM_decrease_reservation, &l, 1) != 1) {
		v1_stop();
		win_restore(W_SHARED3);
		return;
	}
	set_owned(m, false);
	at.pool[P_MFREE] = 0;
	dawdle(16);
	l = 0;
	if (reservation(XENMEM_increase_reservation, &l, 1) != 1)
		breach("no frame back after giving one: increase_reservation failed");
	n = l;
	set_owned(n, true);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (!peek(n, i, &v) || v)
			breach("frame %lx (we gave back %lx) came with %lx in word %u: a stale "
			       "translation on vCPU 1 wrote into it after the free", n, m,
			       (unsigned long)v, i);
	v1_stop();
	at.pool[P_MFREE] = n;
	marker_fill(n);
	win_restore(W_SHARED3);
	printk("child: race free-vs-stale: gave back %lx, got %lx\n", m, n);
}

/* vCPU 1 hooks an L3 into the builder's root while we copy it and switch roots. */
static void race_roots_vs_mmu(void)
{
	unsigned long l3 = unpinned_scratch(), switched = 0;

	if (alt_root >= 0 || !l3 || mmuext(MMUEXT_CLEAR_PAGE, l3, 0) || pin(3, l3))
		return;
	v1_start(V1_MMU, MADDR(at.root, SLOT_ROOTS), ((uint64_t)l3 << PAGE_SHIFT) | PTE_TABLE,
		 0, 0);
	for (unsigned long r = 0; r < rounds / 4 + 1; r++) {
		step_root();
		touch(SLOT_ROOTS);
		switched += alt_root >= 0;
		step_root();
	}
	v1_stop();
	if (alt_root >= 0)
		step_root();
	mmu_write(MADDR(at.root, SLOT_ROOTS), 0);
	unpin(l3);
	printk("child: race roots-vs-mmu: %lu root switches\n", switched);
}

/* vCPU 1 stores into X through a read-only mapping (emulated) while X changes type. */
static void race_ptwr_vs_type(void)
{
	unsigned long x = unpinned_scratch(), l2 = hook_l2();
	unsigned int off = (unsigned int)rnd_below(PT_ENTRIES);
	uint64_t good = ((uint64_t)marker() << PAGE_SHIFT) | PTE_RO;

	if (!x || x == l2 || mmuext(MMUEXT_CLEAR_PAGE, x, 0) || pin(1, x))
		goto out;
	HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (win_map(W_V1A, x, PTE_RO, UVMF_INVLPG | UVMF_ALL)) {
		unpin(x);
		goto out;
	}
	v1_start(V1_STORE, good, poison, win_va(W_V1A) + 8 * off, 0);
	for (unsigned long r = 0; r < rounds; r++) {
		uint64_t v;

		if (peek(x, off, &v) && v == poison)
			breach("ptwr: L1 %lx[%u] holds %lx, which maps a frame not ours", x, off,
			       (unsigned long)v);
		if (one_in(2)) {
			unpin(x);
			type_x(x, l2, off, "ptwr vs a type change");
			pin(1, x);
		} else {
			mmu_write(MADDR(x, off), one_in(2) ? 0 : good);
		}
	}
	v1_stop();
	unpin(x);
out:
	win_restore(W_V1A);
	if (l2)
		unpin(l2);
	printk("child: race ptwr-vs-type: vCPU 1 made %lu store pairs\n", v1_iterations());
}

static void step_race(void)
{
	if (!v1_up())
		return;
	switch (rnd_below(6)) {
	case 0: race_pin_vs_stale_store(); break;
	case 1: race_pin_vs_remap(); break;
	case 2: race_remap_vs_load(); break;
	case 3: race_free_vs_stale(); break;
	case 4: race_roots_vs_mmu(); break;
	default: race_ptwr_vs_type(); break;
	}
	walk_check("after a race");
}

/* ---- the program ------------------------------------------------------------- */

/* Markers, the race tree (RL3 -> RL2 -> RL1A, RL1B: marker leaves), hooked. */
static void setup(void)
{
	static mmu_update_t req[PT_ENTRIES];

	for (int i = P_MARK0; i <= P_MFREE; i++)
		if (marker_fill(at.pool[i]))
			breach("cannot fill marker %lx", at.pool[i]);
	for (int l1 = P_RL1A; l1 <= P_RL1B; l1++) {
		for (unsigned int e = 0; e < PT_ENTRIES; e++) {
			req[e].ptr = MADDR(at.pool[l1], e) | MMU_NORMAL_PT_UPDATE;
			req[e].val = ((uint64_t)at.pool[P_MARK0 + e % NR_MARKERS] << PAGE_SHIFT) |
				     (e % 3 ? PTE_RO : PTE_RW);
		}
		HYPERVISOR_mmu_update(req, PT_ENTRIES, NULL, DOMID_SELF);
	}
	mmu_write(MADDR(at.pool[P_RL2], 0), ((uint64_t)at.pool[P_RL1A] << PAGE_SHIFT) | PTE_TABLE);
	mmu_write(MADDR(at.pool[P_RL2], 1), ((uint64_t)at.pool[P_RL1B] << PAGE_SHIFT) | PTE_TABLE);
	mmu_write(MADDR(at.pool[P_RL3], 0), ((uint64_t)at.pool[P_RL2] << PAGE_SHIFT) | PTE_TABLE);
	if (mmu_write(MADDR(at.root, SLOT_RACE), ((uint64_t)at.pool[P_RL3] << PAGE_SHIFT) |
		      PTE_TABLE))
		breach("cannot hook the race tree (markers only) into our root");
}

/* Undo what we built (or, half the time, leave it to the domain's destruction). */
static void teardown(void)
{
	if (alt_root >= 0)
		step_root();
	while (nr_hooks)
		step_unhook();
	for (int i = P_SCRATCH; i < POOL_FRAMES; i++)
		if (at.pinned[i])
			unpin(at.pool[i]);
	for (unsigned int w = W_PRIV0; w < W_PRIV0 + NR_PRIV; w++)
		win_restore((enum window)w);
	mmu_write(MADDR(at.root, SLOT_RACE), 0);
}

void attack_pt(void)
{
	static void (*const ops[])(void) = {
		step_tree, step_tree, step_hook, step_unhook, step_pin, step_pin, step_unpin,
		step_map, step_map, step_scribble, step_flip, step_root, step_clear_copy,
		step_ptwr,
	};
	unsigned long nr_steps = at.longer ? 3000 : 150;

	rounds = at.longer ? 400 : 40;
	setup();
	walk_check("setup");
	for (steps = 0; steps < nr_steps; steps++) {
		if (one_in(20))
			step_race();
		else
			ops[rnd_below(ARRAY_SIZE(ops))]();
		if (one_in(10))
			walk_check("a step");
	}
	walk_check("the last step");
	if (one_in(2)) {
		teardown();
		walk_check("teardown");
	}
	printk("child: pt: %lu steps, %u hooks left, %lu faults recovered\n", steps, nr_hooks,
	       traps_taken[0] + traps_taken[1]);
}
