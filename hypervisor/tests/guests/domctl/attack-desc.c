// SPDX-License-Identifier: GPL-2.0-only
/*
 * attack=desc: update_descriptor, set_gdt, MMUEXT_CLEAR_PAGE and
 * MMUEXT_COPY_PAGE on every kind of frame we can name (targets[]): data
 * frames mapped writable or not at all, pinned L1-L4, our live root, a
 * builder L1, start_info, the console ring, frames not ours, MFN 0 and
 * frames beyond RAM; while vCPU 1 writes descriptors into a frame we keep
 * making an L1.
 *
 * attack=xenheap: the hypervisor pages a domain may map, shared_info and
 * its grant-table frames, made into page tables, GDT frames, copy and
 * clear targets; shared_info pinned as a table while the hypervisor keeps
 * writing it (time, event bits), and grant frames left as tables when the
 * domain dies.
 *
 * Rules checked (Xen's ABI): no descriptor, clear or copy ever lands in a
 * page table, nothing touches a frame that is not ours, and the GDT the
 * CPU sees holds no system or conforming descriptor, whatever the frame
 * says. The page-table walk catches the rest.
 */
#include "attack.h"

/* 64-bit descriptors (Intel SDM vol. 3, 3.4.5). */
#define DESC_DATA_DPL3		0x00cff3000000ffffUL
#define DESC_CODE64_DPL3	0x00affb000000ffffUL
#define DESC_CODE64_DPL0	0x00af9b000000ffffUL
#define DESC_CONFORMING		0x00cf9f000000ffffUL
#define DESC_CALL_GATE_DPL3	0xffffec00e0081000UL
#define DESC_TSS		0x0000890000000067UL
#define DESC_LDT		0x0000820000000fffUL
#define DESCS_PER_PAGE		512
#define GDT_MAX_FRAMES		14	/* FIRST_RESERVED_GDT_ENTRY / 512 */
#define AR_S			(1u << 12)
#define AR_TYPE(ar)		(((ar) >> 8) & 0xf)
#define AR_DPL(ar)		(((ar) >> 13) & 3)
#define AR_P			(1u << 15)
#define TYPE_CODE		0x8
#define TYPE_CONFORMING		0x4

struct target targets[NR_TARGETS];

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

static long set_gdt(unsigned long *frames, unsigned long entries)
{
	return hypercall2(__HYPERVISOR_set_gdt, frames, entries);
}

static void set_target(unsigned int t, const char *name, unsigned long mfn, bool table, bool ours)
{
	targets[t].name = name;
	targets[t].mfn = mfn;
	targets[t].table = table;
	targets[t].ours = ours;
}

void build_targets(void)
{
	unsigned int idx;

	for (unsigned int i = 0; i < 6; i++)
		mmuext(MMUEXT_CLEAR_PAGE, at.pool[i], 0);
	set_target(T_WRITABLE, "a writable data frame", at.pool[0], false, true);
	win_map(W_PRIV0, at.pool[0], PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
	set_target(T_DATA, "an unmapped data frame", at.pool[1], false, true);
	for (unsigned int l = 1; l <= 4; l++) {
		set_target(T_L1 + l - 1, "a pinned table", at.pool[1 + l], true, true);
		if (pin(l, at.pool[1 + l]))
			breach("cannot pin an empty frame as L%u", l);
	}
	set_target(T_ROOT, "our root", at.root, true, true);
	set_target(T_BUILDER_L1, "a builder L1", l1_of(win_va(W_PRIV1), &idx), true, true);
	set_target(T_START_INFO, "start_info", virt_to_mfn(start_info), false, true);
	set_target(T_CONSOLE, "the console ring", start_info->console.domU.mfn, false, true);
	set_target(T_GDT, "a GDT frame", at.pool[6], false, true);
	mmuext(MMUEXT_CLEAR_PAGE, at.pool[6], 0);
	set_target(T_FOREIGN, "a frame not ours", at.foreign, false, false);
	set_target(T_ZERO, "MFN 0", 0, false, false);
	set_target(T_BEYOND, "a frame beyond RAM", at.nr_mfns + 7, false, false);
}

static uint64_t any_descriptor(void)
{
	static const uint64_t d[] = { DESC_DATA_DPL3, DESC_CODE64_DPL3, DESC_CODE64_DPL0,
				      DESC_CONFORMING, DESC_CALL_GATE_DPL3, DESC_TSS,
				      DESC_LDT, 0 };

	switch (rnd_below(4)) {
	case 0: return poison;		/* "not present": a descriptor check lets it by */
	case 1: return ((uint64_t)at.pool[7] << PAGE_SHIFT) | PTE_RW;
	case 2: return rnd();
	default: return d[rnd_below(ARRAY_SIZE(d))];
	}
}

static bool lar(unsigned int sel, uint32_t *ar)
{
	uint32_t v = 0;
	bool ok;

	asm volatile("lar %[sel], %[v]\n\tsetz %[ok]"
		     : [v] "+r"(v), [ok] "=qm"(ok)
		     : [sel] "r"(sel)
		     : "cc");
	*ar = v;
	return ok;
}

/*
 * What the CPU loads for our GDT entries below @entries: from ring 3 we
 * see exactly the DPL-3 and conforming ones. None may be a system
 * descriptor (a call gate into ring 0, a TSS, an LDT) or conforming code.
 */
static void check_gdt(unsigned long entries, const char *how)
{
	for (unsigned int k = 0; k < 32 && entries; k++) {
		unsigned int i = (unsigned int)rnd_below(entries);
		uint32_t ar;

		/*
		 * LAR reports not-present descriptors too; the CPU never loads
		 * one, so they may hold anything (Ward and Xen keep them as given).
		 */
		if (!lar((i << 3) | 3, &ar) || !(ar & AR_P))
			continue;
		if (!(ar & AR_S))
			breach("%s: GDT entry %u is a system descriptor (type %x, DPL %u)", how, i,
			       AR_TYPE(ar), AR_DPL(ar));
		if ((AR_TYPE(ar) & TYPE_CODE) && (AR_TYPE(ar) & TYPE_CONFORMING))
			breach("%s: GDT entry %u is conforming code", how, i);
	}
}

/* A call that may not change @t succeeded: is that allowed? */
static void judge(const struct target *t, long rc, const char *what)
{
	if (rc)
		return;
	if (!t->ours)
		breach("%s on %s (%lx) succeeded", what, t->name, t->mfn);
	if (t->table)
		breach("%s wrote into %s (%lx), a page table", what, t->name, t->mfn);
}

static void step_update_descriptor(const struct target *t)
{
	unsigned int idx = (unsigned int)rnd_below(DESCS_PER_PAGE);

	judge(t, update_descriptor(MADDR(t->mfn, idx), any_descriptor()), "update_descriptor");
}

static unsigned long gdt_ents;

static void step_set_gdt(void)
{
	unsigned long frames[GDT_MAX_FRAMES], entries;
	unsigned int nr = 1 + (unsigned int)rnd_below(3);

	for (unsigned int i = 0; i < GDT_MAX_FRAMES; i++)
		frames[i] = targets[i < nr && one_in(2) ? rnd_below(NR_TARGETS) : T_GDT].mfn;
	entries = one_in(4) ? rnd_below(GDT_MAX_FRAMES * DESCS_PER_PAGE + 64) :
			      1 + rnd_below(nr * DESCS_PER_PAGE);
	if (!set_gdt(frames, entries)) {
		for (unsigned int i = 0; i < GDT_MAX_FRAMES && i * DESCS_PER_PAGE < entries; i++)
			if (!owned(frames[i]))
				breach("set_gdt took frame %lx, not ours, as a GDT frame", frames[i]);
		gdt_ents = entries;
	}
	check_gdt(gdt_ents, "after set_gdt");
	if (one_in(3)) {
		set_gdt(frames, 0);
		gdt_ents = 0;
	}
}

static void step_clear_copy(const struct target *t)
{
	const struct target *o = &targets[rnd_below(NR_TARGETS)];
	long rc;

	if (one_in(2)) {
		judge(t, mmuext(MMUEXT_CLEAR_PAGE, t->mfn, 0), "MMUEXT_CLEAR_PAGE");
		return;
	}
	/* Into @t from @o, or into our scratch frame from @t. */
	if (one_in(2)) {
		rc = mmuext(MMUEXT_COPY_PAGE, t->mfn, o->mfn);
		judge(t, rc, "MMUEXT_COPY_PAGE into it");
		if (!rc && !o->ours)
			breach("MMUEXT_COPY_PAGE from %s (%lx) succeeded", o->name, o->mfn);
	} else {
		rc = mmuext(MMUEXT_COPY_PAGE, at.pool[8], t->mfn);
		if (!rc && !t->ours)
			breach("MMUEXT_COPY_PAGE from %s (%lx) succeeded", t->name, t->mfn);
	}
}

/* Our GDT frame changes type under descriptor writes: pinned L1, writable, data. */
static void step_gdt_frame_type(void)
{
	unsigned long g = targets[T_GDT].mfn;

	switch (rnd_below(3)) {
	case 0:
		if (!pin(1, g)) {
			targets[T_GDT].table = true;
			step_update_descriptor(&targets[T_GDT]);
			check_gdt(gdt_ents, "a GDT frame that is an L1");
			unpin(g);
			targets[T_GDT].table = false;
		}
		break;
	case 1:
		if (!win_map(W_PRIV2, g, PTE_RW, UVMF_INVLPG | UVMF_LOCAL)) {
			try_store(win_va(W_PRIV2) + 8 * rnd_below(DESCS_PER_PAGE), one_in(2) ?
				  DESC_CALL_GATE_DPL3 : DESC_CONFORMING);
			check_gdt(gdt_ents, "a GDT frame written through a mapping");
			win_restore(W_PRIV2);
		}
		break;
	default:
		mmuext(MMUEXT_CLEAR_PAGE, g, 0);
		break;
	}
}

/*
 * vCPU 1 writes a PTE-shaped "not present" descriptor into X over and
 * over while we make X an L1: once X validated clean, nothing may put
 * that entry (a frame not ours) there.
 */
static void race_descriptor_vs_pin(void)
{
	unsigned long x = at.pool[9];
	unsigned int off = (unsigned int)rnd_below(DESCS_PER_PAGE), tables = 0;
	uint64_t v;

	if (!v1_up() || mmuext(MMUEXT_CLEAR_PAGE, x, 0))
		return;
	v1_start(V1_CALL, __HYPERVISOR_update_descriptor, MADDR(x, off), poison, 0);
	for (unsigned int r = 0; r < (at.longer ? 400 : 40); r++) {
		mmu_write(MADDR(x, off), 0);	/* a plain write while X is data */
		if (pin(1, x))
			continue;
		tables++;
		dawdle(4);
		if (peek(x, off, &v) && v == poison)
			breach("update_descriptor on vCPU 1 wrote %lx into L1 %lx[%u]",
			       (unsigned long)v, x, off);
		unpin(x);
	}
	v1_stop();
	printk("child: race descriptor-vs-pin: %u pins\n", tables);
}

void attack_desc(void)
{
	unsigned long nr_steps = at.longer ? 4000 : 300;

	build_targets();
	for (unsigned long s = 0; s < nr_steps; s++) {
		const struct target *t = &targets[rnd_below(NR_TARGETS)];

		switch (rnd_below(8)) {
		case 0: case 1: case 2: step_update_descriptor(t); break;
		case 3: step_set_gdt(); break;
		case 4: case 5: step_clear_copy(t); break;
		case 6: step_gdt_frame_type(); break;
		default:
			if (one_in(8))
				race_descriptor_vs_pin();
			else
				walk_check("desc");
			break;
		}
	}
	walk_check("desc: the end");
	if (one_in(2))
		set_gdt(NULL, 0);
	printk("child: desc: %lu steps, GDT of %lu entries left\n", nr_steps, gdt_ents);
}

/* ---- xenheap ------------------------------------------------------------------ */

#define NR_GNT_FRAMES	4

static unsigned long gnt_frames[NR_GNT_FRAMES];
static unsigned int nr_gnt_frames;

static void setup_grant_frames(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = NR_GNT_FRAMES };
	static xen_pfn_t list[NR_GNT_FRAMES];

	set_xen_guest_handle(st.frame_list, list);
	if (gnttab(GNTTABOP_setup_table, &st, 1) || st.status != GNTST_okay)
		return;
	for (unsigned int i = 0; i < NR_GNT_FRAMES; i++) {
		gnt_frames[i] = list[i];
		set_owned(list[i], true);
	}
	nr_gnt_frames = NR_GNT_FRAMES;
}

/*
 * Every present entry of @mfn, a level-@level table of ours now, must map
 * a frame of ours (an L4's slots 256-271 are the hypervisor's).
 */
static void check_table(unsigned long mfn, unsigned int level, const char *name)
{
	const volatile uint64_t *t = look(mfn);

	if (!t)
		return;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];

		if (level == 4 && i >= HV_SLOT_FIRST && i <= HV_SLOT_LAST)
			continue;
		if ((e & _PAGE_PRESENT) && !owned(PTE_MFN(e)))
			breach("%s, an L%u, got entry %u = %lx (frame %lx, not ours) from the "
			       "hypervisor", name, level, i, (unsigned long)e, PTE_MFN(e));
	}
}

/* A port whose number is a multiple of 64: its pending bit is bit 0 of a word. */
static evtchn_port_t port_at_bit0(void)
{
	for (unsigned int n = 0; n < 130; n++) {
		struct evtchn_bind_ipi b = { .vcpu = 0 };

		if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b))
			return 0;
		if (b.port % 64 == 0)
			return b.port;
	}
	return 0;
}

/*
 * shared_info as a page table: the hypervisor writes its time fields and
 * event bits at will, so once it validated (if Ward lets it), those
 * writes are unvalidated entries. Our own mapping of it goes read-only
 * first (a writable one would rightly stop the pin).
 */
static void shared_info_as_table(void)
{
	unsigned long slot = (unsigned long)shared_info;
	unsigned int level = 1 + (unsigned int)rnd_below(4);
	struct evtchn_send send;
	long rc;

	if (uvm(slot, ((uint64_t)at.shinfo << PAGE_SHIFT) | PTE_RO, UVMF_INVLPG | UVMF_LOCAL))
		return;
	rc = pin(level, at.shinfo);
	printk("child: xenheap: pin shared_info as L%u: %ld\n", level, rc);
	if (!rc) {
		send.port = port_at_bit0();
		if (send.port)
			HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
		if (v1_up())
			v1_start(V1_CALL, __HYPERVISOR_event_channel_op, EVTCHNOP_send,
				 (unsigned long)&send, 0);
		for (unsigned int r = 0; r < 50; r++) {
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			check_table(at.shinfo, level, "shared_info");
		}
		v1_stop();
		unpin(at.shinfo);
	}
	uvm(slot, ((uint64_t)at.shinfo << PAGE_SHIFT) | PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
}

static void grant_frame_step(void)
{
	unsigned long g = gnt_frames[1 + rnd_below(nr_gnt_frames - 1)];
	unsigned int level = 1 + (unsigned int)rnd_below(4);
	xen_pfn_t l = g;

	switch (rnd_below(7)) {
	case 0:
		if (!pin(level, g))
			check_table(g, level, "a grant-table frame");
		break;
	case 1:
		unpin(g);
		break;
	case 2:
		update_descriptor(MADDR(g, rnd_below(DESCS_PER_PAGE)), any_descriptor());
		break;
	case 3: {
		unsigned long frames[1] = { g };

		if (!set_gdt(frames, 1 + rnd_below(DESCS_PER_PAGE)))
			check_gdt(DESCS_PER_PAGE, "a grant frame as GDT");
		set_gdt(frames, 0);
		break;
	}
	case 4:
		mmuext(one_in(2) ? MMUEXT_CLEAR_PAGE : MMUEXT_COPY_PAGE, g, at.pool[10]);
		break;
	case 5:
		if (reservation(XENMEM_decrease_reservation, &l, 1) == 1)
			breach("decrease_reservation gave back grant-table frame %lx", g);
		break;
	default:
		if (!win_map(W_PRIV3, g, one_in(2) ? PTE_RW : PTE_RO, UVMF_INVLPG | UVMF_LOCAL))
			try_store(win_va(W_PRIV3) + 8 * rnd_below(PT_ENTRIES), poison);
		win_restore(W_PRIV3);
		break;
	}
}

void attack_xenheap(void)
{
	unsigned long nr_steps = at.longer ? 600 : 60;
	xen_pfn_t l = at.shinfo;

	build_targets();
	setup_grant_frames();
	if (reservation(XENMEM_decrease_reservation, &l, 1) == 1)
		breach("decrease_reservation gave back shared_info (%lx)", at.shinfo);
	for (unsigned long s = 0; s < nr_steps; s++) {
		if (one_in(10))
			shared_info_as_table();
		else if (nr_gnt_frames)
			grant_frame_step();
		if (one_in(8))
			walk_check("xenheap");
	}
	/* Leave grant frames pinned now and then: the domain's death must cope. */
	for (unsigned int i = 1; i < nr_gnt_frames && one_in(2); i++)
		unpin(gnt_frames[i]);
	walk_check("xenheap: the end");
}
