// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant mappings for PV guests: GNTTABOP_map_grant_ref and
 * unmap_grant_ref in the three forms Linux 6.1 uses (design 1.4), and the
 * release of a dying mapper's mappings.
 *
 * References. A mapping holds, in its maptrack record, one page reference
 * on the granted frame, plus a writable type use unless GNTMAP_readonly
 * (so the granter cannot make it a page table while someone may write
 * it). A host mapping's PTE holds its own page reference (and writable
 * use if PTE_RW), exactly what the PV MMU expects of any L1 entry: if the
 * guest overwrites the PTE itself, mm.c drops the PTE's references and
 * the record's keep the frame alive until the handle is unmapped.
 *
 * The granter may be destroyed while its frames are mapped. References
 * to another domain's frame are foreign ones (get_page_foreign), so the
 * frame then stays as an orphan until the last goes. The record keeps the
 * frame, the granter's domid and its table's generation: at unmap, a
 * granter that is gone (or a new domain at that domid) means there is no
 * entry to unpin and no type to drop, only the reference, which is
 * atomic, and the last one frees the orphan.
 *
 * Dom0 has one vCPU, so flushing this CPU's TLB after an unmap leaves no
 * stale translation (remote flushes come with SMP guests, as in mm.c).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant-table.h>
#include <hv/guest-access.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/page.h>
#include <asm/pv.h>
#include "grant-lock.h"

/* In an L1 entry bit 7 is PAT; bits 9-11 are free for the guest. */
#define PTE_PAT_L1		PTE_PS
#define PTE_AVAIL_SHIFT		9
#define GNTMAP_AVAIL_SHIFT	16
#define GNTMAP_AVAIL_MASK	0x7u

bool gnt_frame_ok(uint32_t frame, void *ctx)
{
	const struct domain *granter = ctx;
	const struct page_info *pg;

	if (frame >= page_alloc_nr_frames())
		return false;
	pg = mfn_to_page(frame);
	/* Its own RAM only: not shared_info or grant frames (hypervisor pages). */
	return pg->state == PGS_INUSE && pg->owner == granter->domain_id &&
	       !(pg->count_info & PGC_XEN_HEAP);
}

static unsigned int pin_how_of(uint32_t flags)
{
	return ((flags & GNTMAP_host_map) ? GNT_PIN_HOST : GNT_PIN_DEV) |
	       ((flags & GNTMAP_readonly) ? 0 : GNT_PIN_WRITE);
}

/* How a mapping holds its frame: flags for get/put_frame_refs(). */
#define REF_FOREIGN	(1u << 0)	/* another domain's frame */
#define REF_WRITE	(1u << 1)	/* with a writable type use */
#define REF_OWNER_GONE	(1u << 2)	/* put only: the granter is destroyed */

/*
 * A page reference plus, with REF_WRITE, a writable type use; false if
 * refused. A mapping of another domain's frame holds a foreign reference
 * (hv/page-type.h), which keeps the frame alive as an orphan if its owner
 * is destroyed first; one of our own frame holds a plain one.
 */
static bool get_frame_refs(struct page_info *pg, domid_t owner, unsigned int how)
{
	bool foreign = how & REF_FOREIGN;

	if (!(foreign ? get_page_foreign(pg, owner) : get_page(pg, owner)))
		return false;
	if ((how & REF_WRITE) && get_page_type(pg, PGT_writable, NULL, NULL)) {
		if (foreign)
			put_page_foreign(pg);	/* the owner is alive: not an orphan */
		else
			put_page(pg);
		return false;
	}
	return true;
}

/*
 * Drop what get_frame_refs() took. REF_OWNER_GONE: the granter is
 * destroyed or being destroyed; an orphan's type is nobody's concern any
 * more (freeing the orphan resets it, page_orphan()), so only the
 * reference is dropped, and the last one frees the orphan.
 */
static void put_frame_refs(struct page_info *pg, unsigned int how)
{
	if ((how & REF_WRITE) && !(how & REF_OWNER_GONE))
		put_page_type(pg, NULL, NULL);
	if (!(how & REF_FOREIGN))
		put_page(pg);
	else if (put_page_foreign(pg))
		domain_free_orphan(pg);
}

/* The PTE a host mapping gets (before the PV MMU's usual adjustment). */
static uint64_t grant_pte(mfn_t mfn, uint32_t map_flags, uint16_t gtf)
{
	uint64_t e = (mfn << PAGE_SHIFT) | PTE_P | PTE_A | PTE_D;

	if (!(map_flags & GNTMAP_readonly))
		e |= PTE_RW;
	if (map_flags & GNTMAP_application_map)
		e |= PTE_US;
	e |= (uint64_t)((map_flags >> GNTMAP_AVAIL_SHIFT) & GNTMAP_AVAIL_MASK) << PTE_AVAIL_SHIFT;
	if (gtf & GTF_PWT)
		e |= PTE_PWT;
	if (gtf & GTF_PCD)
		e |= PTE_PCD;
	if (gtf & GTF_PAT)
		e |= PTE_PAT_L1;
	return e;
}

/*
 * Where the PTE of a host mapping at @host_addr lives: contains_pte names
 * the entry's machine address, else @host_addr is a VA in @v's current
 * page tables. False unless it is an entry of one of @v's L1 tables.
 */
static bool locate_pte(struct vcpu *v, uint64_t host_addr, uint32_t flags, mfn_t *l1,
		       unsigned int *idx)
{
	if (flags & GNTMAP_contains_pte) {
		if (host_addr & (sizeof(uint64_t) - 1))
			return false;
		*l1 = host_addr >> PAGE_SHIFT;
		*idx = (host_addr & ~PAGE_MASK) / sizeof(uint64_t);
		return pv_mm_is_l1(v->domain, *l1);
	}
	*l1 = pv_mm_l1_of_va(v, host_addr);
	*idx = PT_INDEX(host_addr, L1_SHIFT);
	return *l1 != INVALID_MFN;
}

/* Map with the locks of @ls held; fills op->status/handle/dev_bus_addr. */
static int16_t map_locked(struct vcpu *v, struct domain *rd, struct gnttab_map_grant_ref *op)
{
	struct domain *d = v->domain;
	struct grant_table *rgt = rd->grant_table, *gt = d->grant_table;
	unsigned int how = pin_how_of(op->flags), idx = 0;
	bool write = how & GNT_PIN_WRITE, host = op->flags & GNTMAP_host_map;
	unsigned int refs = (rd != d ? REF_FOREIGN : 0) | (write ? REF_WRITE : 0);
	grant_entry_v1_t *e;
	struct grant_active *act;
	struct grant_mapping *m;
	struct page_info *pg;
	mfn_t l1 = INVALID_MFN;
	uint32_t handle;
	int16_t st;

	if (op->ref >= gnttab_nr_entries(rgt))
		return GNTST_bad_gntref;
	if (host && !locate_pte(v, op->host_addr, op->flags, &l1, &idx))
		return GNTST_general_error;
	e = gnttab_entry(rgt, op->ref);
	act = gnttab_active(rgt, op->ref);
	st = gnt_pin(e, act, d->domain_id, how, gnt_frame_ok, rd);
	if (st)
		return st;
	pg = mfn_to_page(act->frame);
	if (!get_frame_refs(pg, rd->domain_id, refs))
		goto err_unpin;
	if (host && !get_frame_refs(pg, rd->domain_id, refs))
		goto err_refs;
	spin_lock(&gt->maptrack_lock);
	handle = maptrack_get(gt);
	if (handle == MAPTRACK_NONE) {
		spin_unlock(&gt->maptrack_lock);
		if (host)
			put_frame_refs(pg, refs);
		put_frame_refs(pg, refs);
		gnt_unpin(e, act, how);
		return GNTST_no_device_space;
	}
	m = maptrack_at(gt, handle);
	m->flags = op->flags;
	m->ref = op->ref;
	m->granter = rd->domain_id;
	m->pin_how = (uint16_t)how;
	m->granter_gen = rgt->gen;
	m->mfn = act->frame;
	m->l1_mfn = l1;
	m->l1_idx = idx;
	spin_unlock(&gt->maptrack_lock);
	if (host) {
		uint64_t prev = pv_mm_install_l1e(d, l1, idx, grant_pte(act->frame, op->flags,
									  READ_ONCE(e->flags)));

		/* Usually the slot was empty (Linux maps into unpopulated pages). */
		if (prev & PTE_P)
			pv_mm_flush(d);
	}
	op->handle = handle;
	op->dev_bus_addr = (uint64_t)act->frame << PAGE_SHIFT;
	return GNTST_okay;
err_refs:
	put_frame_refs(pg, refs);
err_unpin:
	gnt_unpin(e, act, how);
	return GNTST_general_error;
}

void gnttab_map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct gnt_lockset ls = { .n = 0 };
	struct domain *rd;

	/* Xen's choice for a request that maps nothing. */
	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		op->status = GNTST_bad_gntref;
		return;
	}
	rd = gnt_domain(v->domain, op->dom);
	if (!rd) {
		op->status = GNTST_bad_domain;
		return;
	}
	gnt_lockset_add(&ls, v->domain);
	gnt_lockset_add(&ls, rd);
	gnt_lockset_lock(&ls);
	op->status = map_locked(v, rd, op);
	gnt_lockset_unlock(&ls);
}

/*
 * Take down the PTE of host mapping @m if it still maps the frame (mm_lock
 * of @d held). False if the guest replaced it meanwhile (an implicit
 * unmap: mm.c already dropped the PTE's references).
 */
static bool clear_host_pte(struct domain *d, const struct grant_mapping *m)
{
	uint64_t cur;

	if (!pv_mm_is_l1(d, m->l1_mfn))
		return false;
	cur = READ_ONCE(((uint64_t *)mfn_to_virt(m->l1_mfn))[m->l1_idx]);
	if (!(cur & PTE_P) || ((cur & PTE_ADDR_MASK) >> PAGE_SHIFT) != m->mfn)
		return false;
	pv_mm_install_l1e(d, m->l1_mfn, m->l1_idx, 0);
	pv_mm_flush(d);
	return true;
}

/*
 * The granter of @m if it is still the domain that granted (same table
 * generation); NULL if it is gone and the frame is an orphan.
 */
static struct domain *live_granter(const struct grant_mapping *m)
{
	struct domain *rd = domain_lookup(m->granter);

	if (!rd || !rd->grant_table || rd->grant_table->gen != m->granter_gen)
		return NULL;
	return rd;
}

/*
 * Take down the @parts (GNTMAP_host_map/device_map) of mapping @handle of
 * @d, whose record @snap was read before the locks were taken and is
 * re-checked under them. The record, its pin and its references go with
 * its last part. @strict: a host PTE the guest has replaced meanwhile is
 * reported (GNTST_general_error), though the mapping is released anyway
 * since nothing maps the frame through it any more.
 */
static int16_t release_mapping(struct domain *d, uint32_t handle,
			       const struct grant_mapping *snap, uint32_t parts, bool strict)
{
	struct grant_table *gt = d->grant_table;
	struct domain *rd = live_granter(snap);
	struct gnt_lockset ls = { .n = 0 };
	unsigned int how = snap->pin_how;
	struct page_info *pg = mfn_to_page(snap->mfn);
	struct grant_mapping *m;
	int16_t st = GNTST_okay;

	gnt_lockset_add(&ls, d);
	gnt_lockset_add(&ls, rd);
	gnt_lockset_lock(&ls);
	spin_lock(&gt->maptrack_lock);
	m = maptrack_lookup(gt, handle);
	/* Another vCPU of ours unmapped it (and maybe mapped again) meanwhile. */
	if (!m || m->flags != snap->flags || m->mfn != snap->mfn ||
	    m->granter != snap->granter || m->granter_gen != snap->granter_gen) {
		st = GNTST_bad_handle;
		goto out;
	}
	if ((parts & GNTMAP_host_map) && !clear_host_pte(d, m) && strict)
		st = GNTST_general_error;
	m->flags &= ~parts;
	if (m->flags & (GNTMAP_host_map | GNTMAP_device_map))
		goto out;	/* the other part stays */
	if (rd)
		gnt_unpin(gnttab_entry(rd->grant_table, m->ref),
			  gnttab_active(rd->grant_table, m->ref), how);
	put_frame_refs(pg, (snap->granter != d->domain_id ? REF_FOREIGN : 0) |
			   ((how & GNT_PIN_WRITE) ? REF_WRITE : 0) | (rd ? 0 : REF_OWNER_GONE));
	maptrack_put(gt, handle);
out:
	spin_unlock(&gt->maptrack_lock);
	gnt_lockset_unlock(&ls);
	return st;
}

/*
 * Unmap names the parts it takes down, as on Xen: the host mapping when
 * host_addr != 0, the device mapping when dev_bus_addr != 0 (which must
 * then be the frame's address). Naming neither does nothing and is okay.
 */
void gnttab_unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	struct domain *d = v->domain;
	struct grant_table *gt = d->grant_table;
	struct grant_mapping snap, *m;
	uint32_t parts = 0;
	mfn_t l1 = INVALID_MFN;
	unsigned int idx = 0;
	bool located;

	spin_lock(&gt->maptrack_lock);
	m = maptrack_lookup(gt, op->handle);
	if (m)
		snap = *m;
	spin_unlock(&gt->maptrack_lock);
	if (!m) {
		op->status = GNTST_bad_handle;
		return;
	}
	if (op->dev_bus_addr && op->dev_bus_addr != (snap.mfn << PAGE_SHIFT)) {
		op->status = GNTST_bad_dev_addr;
		return;
	}
	if (op->dev_bus_addr)
		parts |= snap.flags & GNTMAP_device_map;
	if (op->host_addr && (snap.flags & GNTMAP_host_map)) {
		/* host_addr is read with the flags the mapping was made with. */
		spin_lock(&d->mm_lock);
		located = locate_pte(v, op->host_addr, snap.flags, &l1, &idx);
		spin_unlock(&d->mm_lock);
		if (!located || l1 != snap.l1_mfn || idx != snap.l1_idx) {
			op->status = GNTST_general_error;
			return;
		}
		parts |= GNTMAP_host_map;
	}
	op->status = parts ? release_mapping(d, op->handle, &snap, parts, true) : GNTST_okay;
}

void grant_table_release_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	uint32_t n;

	if (!gt)
		return;
	n = gt->maptrack_pages * MAPTRACK_PER_PAGE;
	for (uint32_t h = 0; h < n; h++) {
		struct grant_mapping snap, *m;

		spin_lock(&gt->maptrack_lock);
		m = maptrack_lookup(gt, h);
		if (m)
			snap = *m;
		spin_unlock(&gt->maptrack_lock);
		if (m)
			(void)release_mapping(d, h, &snap, GNTMAP_host_map | GNTMAP_device_map,
					      false);
	}
}
