// SPDX-License-Identifier: GPL-2.0-only
/*
 * attack=grant: our own grant table, with a grant to ourselves for every
 * kind of frame (targets[], attack-desc.c), mapped by VA, by PTE address
 * (contains_pte, also at entries that are no L1's) and for devices,
 * read-only and writable; unmapped with the right and the wrong handle,
 * address and bus address; entries rewritten while they are mapped;
 * copies from and into every target, by grant and by frame; targets that
 * change type under their mappings; and vCPU 1 mapping, storing and
 * unmapping one frame while we make it an L1.
 *
 * Rules checked (as Xen's): a frame not ours is never mapped or copied;
 * no page table is mapped writable (host or device) or copied into; a
 * contains_pte address is an entry of one of our L1s; a frame with a
 * writable grant mapping cannot be pinned; and whatever a mapping did,
 * the walk finds only our frames, no writable table.
 */
#include "attack.h"

#define REF_BASE	16	/* past the builder's refs 0 and 1 */
#define MAX_MAPS	16
#define GNT_WINDOWS	4	/* W_PRIV4..7 take host mappings */

static grant_entry_v1_t *gt;
static struct {
	bool live;
	grant_ref_t ref;
	unsigned int t;		/* targets[] index of the frame it maps */
	uint32_t flags;
	uint32_t handle;
	uint64_t host_addr, dev;
	int w;			/* the window it replaced, or -1 */
} maps[MAX_MAPS];

static grant_ref_t ref_of(unsigned int t)
{
	return (grant_ref_t)(REF_BASE + t);
}

static void grant(grant_ref_t ref, unsigned long mfn, uint16_t flags)
{
	gt[ref].domid = at.domid;
	gt[ref].frame = (uint32_t)mfn;
	barrier();
	WRITE_ONCE(gt[ref].flags, flags);
}

static unsigned int target_of(unsigned long mfn, unsigned int dflt)
{
	for (unsigned int i = 0; i < NR_TARGETS; i++)
		if ((uint32_t)targets[i].mfn == (uint32_t)mfn)
			return i;
	return dflt;
}

/* The target each ref's frame was latched at by its first live mapping. */
static unsigned int latched[REF_BASE + NR_TARGETS];

static bool active(grant_ref_t r)
{
	return READ_ONCE(gt[r].flags) & (GTF_reading | GTF_writing);
}

/*
 * The target grant @t's ref stands for now. While the grant is in use
 * (the hypervisor's GTF_reading/GTF_writing bits, which step_rewrite()
 * keeps), the frame it was pinned with is, whatever was written into the
 * entry since; otherwise the entry's frame is.
 */
static unsigned int granted(unsigned int t)
{
	if (active(ref_of(t)))
		return latched[ref_of(t)];
	return target_of(READ_ONCE(gt[ref_of(t)].frame), t);
}

static bool writable_map(uint32_t flags)
{
	return !(flags & GNTMAP_readonly) && (flags & (GNTMAP_host_map | GNTMAP_device_map));
}

/* A live writable grant mapping of ours on @mfn, or -1. */
static int grant_writable(unsigned long mfn)
{
	for (int i = 0; i < MAX_MAPS; i++)
		if (maps[i].live && targets[maps[i].t].mfn == mfn && writable_map(maps[i].flags))
			return i;
	return -1;
}

static enum window gnt_window(unsigned int k)
{
	return (enum window)(W_PRIV4 + k);
}

/* A contains_pte address: an L1 entry of a window, or something that is no L1 entry. */
static uint64_t pte_address(int *w, bool *is_l1e)
{
	unsigned int k = (unsigned int)rnd_below(GNT_WINDOWS), idx;
	unsigned long l1 = l1_of(win_va(gnt_window(k)), &idx);

	unsigned long t = T_DATA + rnd_below(T_L4 - T_DATA + 1);

	*is_l1e = false;
	*w = -1;
	switch (rnd_below(6)) {
	case 0: case 1:
		/*
		 * Data or a table: only an L1 will do, pinned or made one by an
		 * entry of a table step_retype() pinned; the walk knows which.
		 */
		walk_check("grant: before contains_pte");
		*is_l1e = walked_level(targets[t].mfn) == 1;
		return MADDR(targets[t].mfn, rnd_below(PT_ENTRIES));
	case 2: return MADDR(at.foreign, 0);
	case 3: return MADDR(l1, idx) + 4;	/* not 8-byte aligned */
	default:
		*is_l1e = true;
		*w = (int)k;
		return MADDR(l1, idx);
	}
}

static void unmap_one(unsigned int i, bool wrong)
{
	struct gnttab_unmap_grant_ref u = {
		.host_addr = maps[i].host_addr,
		.dev_bus_addr = maps[i].dev,
		.handle = maps[i].handle,
	};

	if (wrong) {
		switch (rnd_below(3)) {
		case 0: u.handle ^= 1 + rnd_below(8); break;
		case 1: u.host_addr += PAGE_SIZE; break;
		default: u.dev_bus_addr ^= PAGE_SIZE; break;
		}
	}
	if (gnttab(GNTTABOP_unmap_grant_ref, &u, 1) || u.status != GNTST_okay)
		return;
	/* A wrong handle may be another live mapping's: that one went then. */
	for (unsigned int k = 0; k < MAX_MAPS; k++) {
		if (!maps[k].live || maps[k].handle != u.handle)
			continue;
		maps[k].live = false;
		if (maps[k].w >= 0)
			win_restore(gnt_window((unsigned int)maps[k].w));
	}
}

static void step_map(void)
{
	static const uint32_t forms[] = {
		GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly,
		GNTMAP_host_map | GNTMAP_contains_pte,
		GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly,
		GNTMAP_device_map, GNTMAP_device_map | GNTMAP_readonly,
		GNTMAP_host_map | GNTMAP_device_map,
	};
	unsigned int t = (unsigned int)rnd_below(NR_TARGETS), slot = MAX_MAPS, k;
	struct gnttab_map_grant_ref m = { .ref = ref_of(t), .dom = at.domid };
	const struct target *tg;
	bool is_l1e = true;
	int w = -1;

	for (unsigned int i = 0; i < MAX_MAPS; i++)
		slot = maps[i].live ? slot : i;
	if (slot == MAX_MAPS) {
		unmap_one((unsigned int)rnd_below(MAX_MAPS), false);
		return;
	}
	m.flags = forms[rnd_below(ARRAY_SIZE(forms))];
	if (m.flags & GNTMAP_contains_pte) {
		m.host_addr = pte_address(&w, &is_l1e);
	} else if (m.flags & GNTMAP_host_map) {
		k = (unsigned int)rnd_below(GNT_WINDOWS);
		w = (int)k;
		m.host_addr = win_va(gnt_window(k));
	}
	/* A window already replaced by a live mapping stays that one's. */
	for (unsigned int i = 0; i < MAX_MAPS && w >= 0; i++)
		if (maps[i].live && maps[i].w == w)
			return;
	t = granted(t);
	if (gnttab(GNTTABOP_map_grant_ref, &m, 1) || m.status != GNTST_okay)
		return;
	/* What was mapped, as the hypervisor says (dev_bus_addr is the frame's address). */
	if (m.dev_bus_addr)
		t = target_of(m.dev_bus_addr >> PAGE_SHIFT, t);
	tg = &targets[t];
	if (!tg->ours)
		breach("a grant of %s (%lx) was mapped (flags %x)", tg->name, tg->mfn, m.flags);
	if (tg->table && writable_map(m.flags))
		breach("a grant of %s (%lx), a page table, was mapped writable (flags %x)",
		       tg->name, tg->mfn, m.flags);
	if ((m.flags & GNTMAP_contains_pte) && !is_l1e)
		breach("contains_pte at %lx, no L1 entry of ours, was accepted",
		       (unsigned long)m.host_addr);
	latched[m.ref] = t;
	maps[slot].live = true;
	maps[slot].ref = m.ref;
	maps[slot].t = t;
	maps[slot].flags = m.flags;
	maps[slot].handle = m.handle;
	maps[slot].host_addr = (m.flags & GNTMAP_host_map) ? m.host_addr : 0;
	maps[slot].dev = (m.flags & GNTMAP_device_map) ? m.dev_bus_addr : 0;
	maps[slot].w = w;
	if (w >= 0) {
		enum window gw = gnt_window((unsigned int)w);
		uint64_t v;

		win_note(gw, tg->mfn, (m.flags & GNTMAP_readonly) ? PTE_RO : PTE_RW);
		/* Stores only where they hurt no one: our data frames. */
		if (try_load(win_va(gw), &v) && !(m.flags & GNTMAP_readonly) &&
		    (t == T_WRITABLE || t == T_DATA || t == T_GDT))
			try_store(win_va(gw) + 8 * rnd_below(PT_ENTRIES), marker_word(t));
	}
}

static void step_unmap(void)
{
	unsigned int i = (unsigned int)rnd_below(MAX_MAPS);

	if (maps[i].live)
		unmap_one(i, one_in(4));
}

/* Rewrite an entry while it is mapped: its frame, its flags, or revoke it. */
static void step_rewrite(void)
{
	unsigned int t = (unsigned int)rnd_below(NR_TARGETS);
	grant_ref_t r = ref_of(t);

	unsigned int o = (unsigned int)rnd_below(NR_TARGETS);
	/* The hypervisor's in-use bits stay as they are: granted() reads them. */
	uint16_t busy = READ_ONCE(gt[r].flags) & (GTF_reading | GTF_writing);

	/* Copies into start_info or our console ring would only wreck ourselves. */
	if (o == T_START_INFO || o == T_CONSOLE)
		o = T_WRITABLE;
	switch (rnd_below(4)) {
	case 0: WRITE_ONCE(gt[r].frame, (uint32_t)targets[o].mfn); break;
	case 1: WRITE_ONCE(gt[r].flags, ((uint16_t)rnd() & ~(GTF_reading | GTF_writing)) | busy); break;
	case 2: WRITE_ONCE(gt[r].flags, busy); break;
	default:
		grant(r, targets[t].mfn, GTF_permit_access | (one_in(2) ? GTF_readonly : 0) | busy);
	}
}

static void copy_side(struct gnttab_copy_ptr *p, unsigned int t, bool gref, uint16_t *flags,
		      uint16_t bit)
{
	if (gref) {
		p->u.ref = ref_of(t);
		p->domid = at.domid;
		*flags |= bit;
	} else {
		p->u.gmfn = targets[t].mfn;
		p->domid = DOMID_SELF;
	}
	p->offset = (uint16_t)(one_in(2) ? 0 : rnd_below(PAGE_SIZE));
}

static void step_copy(void)
{
	unsigned int s = (unsigned int)rnd_below(NR_TARGETS), d = (unsigned int)rnd_below(NR_TARGETS);
	struct gnttab_copy c = { 0 };

	/* Our console ring and start_info would only wreck ourselves: not as destinations. */
	if (d == T_START_INFO || d == T_CONSOLE)
		d = T_DATA;
	copy_side(&c.source, s, one_in(2), &c.flags, GNTCOPY_source_gref);
	copy_side(&c.dest, d, one_in(2), &c.flags, GNTCOPY_dest_gref);
	c.len = (uint16_t)(one_in(4) ? 0 : 1 + rnd_below(PAGE_SIZE));
	s = c.flags & GNTCOPY_source_gref ? granted(s) : s;
	d = c.flags & GNTCOPY_dest_gref ? granted(d) : d;
	if (gnttab(GNTTABOP_copy, &c, 1) || c.status != GNTST_okay || !c.len)
		return;
	if (!targets[s].ours || !targets[d].ours)
		breach("grant copy from %s (%lx) to %s (%lx) succeeded", targets[s].name,
		       targets[s].mfn, targets[d].name, targets[d].mfn);
	if (targets[d].table)
		breach("grant copy wrote into %s (%lx), a page table", targets[d].name,
		       targets[d].mfn);
}

/* A target changes type under its mappings. */
static void step_retype(void)
{
	unsigned int t = (unsigned int)rnd_below(T_GDT + 1);
	struct target *tg = &targets[t];

	if (t == T_ROOT || t == T_BUILDER_L1 || t == T_START_INFO || t == T_CONSOLE)
		return;
	if (tg->table) {
		if (unpin(tg->mfn))
			return;
		tg->table = false;
		/* Grant PTEs it held went with its entries (Ward releases them). */
		for (unsigned int i = 0; i < MAX_MAPS; i++)
			if (maps[i].live && (maps[i].flags & GNTMAP_contains_pte) &&
			    maps[i].host_addr >> PAGE_SHIFT == tg->mfn)
				maps[i].live = false;
		return;
	}
	if (pin(1 + (unsigned int)rnd_below(4), tg->mfn))
		return;
	if (grant_writable(tg->mfn) >= 0)
		breach("pinned %s (%lx) while it has a writable grant mapping (flags %x)",
		       tg->name, tg->mfn, maps[grant_writable(tg->mfn)].flags);
	tg->table = true;
}

/*
 * vCPU 1 maps X through its grant, stores POISON and unmaps, over and
 * over, while we clear X and make it an L1: a table once validated must
 * not take the store.
 */
static void race_grant_vs_pin(void)
{
	unsigned long x = at.pool[10];
	grant_ref_t r = REF_BASE + NR_TARGETS;
	unsigned int tables = 0;

	if (!v1_up())
		return;
	grant(r, x, GTF_permit_access);
	v1_start(V1_GNT_MAP, r, GNTMAP_host_map, win_va(W_V1A), poison);
	for (unsigned int k = 0; k < (at.longer ? 400 : 40); k++) {
		const volatile uint64_t *p;

		if (mmuext(MMUEXT_CLEAR_PAGE, x, 0) || pin(1, x))
			continue;
		tables++;
		dawdle(4);
		p = look(x);
		for (unsigned int i = 0; p && i < PT_ENTRIES; i++)
			if (p[i] == poison)
				breach("L1 %lx[%u] = %lx: vCPU 1 stored through a grant mapping "
				       "after the frame became a table", x, i, (unsigned long)p[i]);
		unpin(x);
	}
	v1_stop();
	win_restore(W_V1A);
	WRITE_ONCE(gt[r].flags, 0);
	printk("child: race grant-vs-pin: %u pins\n", tables);
}

void attack_grant(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	unsigned long nr_steps = at.longer ? 4000 : 300;
	static xen_pfn_t frame0;

	build_targets();
	set_xen_guest_handle(st.frame_list, &frame0);
	if (gnttab(GNTTABOP_setup_table, &st, 1) || st.status != GNTST_okay)
		breach("GNTTABOP_setup_table of our own table failed (%d)", st.status);
	set_owned(frame0, true);
	if (win_map(W_GNT, frame0, PTE_RW, UVMF_INVLPG | UVMF_LOCAL))
		breach("cannot map our own grant-table frame %lx", (unsigned long)frame0);
	gt = (grant_entry_v1_t *)win_va(W_GNT);
	for (unsigned int t = 0; t < NR_TARGETS; t++)
		grant(ref_of(t), targets[t].mfn, GTF_permit_access);
	for (unsigned long s = 0; s < nr_steps; s++) {
		switch (rnd_below(10)) {
		case 0: case 1: case 2: step_map(); break;
		case 3: case 4: step_unmap(); break;
		case 5: step_rewrite(); break;
		case 6: case 7: step_copy(); break;
		case 8: step_retype(); break;
		default:
			if (one_in(6))
				race_grant_vs_pin();
			else
				walk_check("grant");
			break;
		}
	}
	walk_check("grant: the end");
	for (unsigned int i = 0; i < MAX_MAPS && one_in(2); i++)
		if (maps[i].live)
			unmap_one(i, false);
}
