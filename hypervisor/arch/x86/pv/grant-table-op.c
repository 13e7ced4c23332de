// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_grant_table_op(cmd, uop, count), hypercall 20, for PV guests
 * (design 1.3). Batched ops (map, unmap, copy) report per-op GNTST_*
 * statuses and the call returns 0 once it walked the array: Linux BUG()s
 * on any other return from a map/unmap/copy batch. The call itself fails
 * only for an unknown cmd (-ENOSYS), a count out of range (-EINVAL) or an
 * unreadable/unwritable array (-EFAULT, ops before it took effect).
 *
 * A batch continues itself (asm/hypercall.h), so it may be as long as
 * the ABI's 32-bit count allows, as on Xen. Each op takes and drops its own locks, so a
 * long batch never holds a lock for long.
 *
 * What Linux 6.1 issues (drivers/xen, arch/x86/xen, blkback, netback,
 * gntdev): map, unmap, copy, setup_table, query_size, set_version, and
 * get_status_frames for v2 only. unmap_and_replace, transfer,
 * get_status_frames, swap_grant_ref and cache_flush are -ENOSYS here.
 *
 * setup_table and query_size need count == 1, else -EINVAL;
 * set/get_version ignore count (one struct): both as on Xen 4.17.
 */
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant-table.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/sched.h>
#include <asm/hypercall.h>
#include <asm/page.h>
#include <asm/pv.h>
#include "grant-lock.h"

/*
 * The table a setup_table/query_size names: our own, or (for a privileged
 * caller) another domain's. Status GNTST_bad_domain / permission_denied.
 */
static struct domain *table_domain(struct domain *d, domid_t id, int16_t *status)
{
	struct domain *td;

	if (id == DOMID_SELF || id == d->domain_id)
		return d;
	td = domain_lookup(id);
	if (!td || !td->grant_table) {
		*status = GNTST_bad_domain;
		return NULL;
	}
	if (!d->is_privileged) {
		*status = GNTST_permission_denied;
		return NULL;
	}
	return td;
}

static long gnttab_setup_table(struct domain *d, unsigned long uop)
{
	XEN_GUEST_HANDLE(gnttab_setup_table_t) h = guest_handle_from_ulong(gnttab_setup_table_t, uop);
	struct gnttab_setup_table op;
	struct grant_table *gt;
	struct domain *td;

	if (copy_from_guest(&op, h, 1))
		return -EFAULT;
	op.status = GNTST_okay;
	td = table_domain(d, op.dom, &op.status);
	if (!td)
		goto out;
	gt = td->grant_table;
	spin_lock(&gt->lock);
	op.status = gnttab_grow(gt, td->domain_id, op.nr_frames);
	for (unsigned int i = 0; !op.status && i < op.nr_frames; i++) {
		xen_pfn_t mfn = virt_to_mfn(gt->shared[i]);

		if (copy_to_guest_offset(op.frame_list, i, &mfn, 1))
			op.status = GNTST_bad_virt_addr;
	}
	spin_unlock(&gt->lock);
out:
	return copy_to_guest(h, &op, 1) ? -EFAULT : 0;
}

static long gnttab_query_size(struct domain *d, unsigned long uop)
{
	XEN_GUEST_HANDLE(gnttab_query_size_t) h = guest_handle_from_ulong(gnttab_query_size_t, uop);
	struct gnttab_query_size op;
	struct domain *td;

	if (copy_from_guest(&op, h, 1))
		return -EFAULT;
	op.status = GNTST_okay;
	td = table_domain(d, op.dom, &op.status);
	if (td) {
		op.nr_frames = READ_ONCE(td->grant_table->nr_frames);
		op.max_nr_frames = td->grant_table->max_frames;
	}
	return copy_to_guest(h, &op, 1) ? -EFAULT : 0;
}

/*
 * Only version 1 exists here. Asking for 2 is -ENOSYS, what Xen answers
 * when v2 is disabled; Linux then stays on v1 (it only asks for 2 when
 * frames lie above 2^44 bytes anyway). The version in force is written
 * back either way.
 */
static long gnttab_set_version(struct domain *d, unsigned long uop)
{
	XEN_GUEST_HANDLE(gnttab_set_version_t) h = guest_handle_from_ulong(gnttab_set_version_t, uop);
	struct gnttab_set_version op;
	long rc = 0;

	if (copy_from_guest(&op, h, 1))
		return -EFAULT;
	if (op.version == 2)
		rc = -ENOSYS;
	else if (op.version != 1)
		rc = -EINVAL;
	op.version = d->grant_table->version;
	if (copy_to_guest(h, &op, 1))
		return -EFAULT;
	return rc;
}

static long gnttab_get_version(struct domain *d, unsigned long uop)
{
	XEN_GUEST_HANDLE(gnttab_get_version_t) h = guest_handle_from_ulong(gnttab_get_version_t, uop);
	struct gnttab_get_version op;
	struct domain *td = d;

	if (copy_from_guest(&op, h, 1))
		return -EFAULT;
	if (op.dom != DOMID_SELF && op.dom != d->domain_id) {
		td = domain_lookup(op.dom);
		if (!td || !td->grant_table)
			return -ESRCH;
		if (!d->is_privileged)
			return -EPERM;
	}
	op.version = td->grant_table->version;
	return copy_to_guest(h, &op, 1) ? -EFAULT : 0;
}

/* One side of a copy while it is held. */
struct copy_side {
	struct domain *od;		/* owner of the frame */
	grant_entry_v1_t *e;		/* a grant side: its entry, else NULL */
	struct grant_active *act;
	unsigned int how;
	mfn_t mfn;
};

/* Resolve @p's domain (no locks yet). */
static int16_t copy_side_domain(struct domain *d, const struct gnttab_copy_ptr *p, bool gref,
				struct copy_side *s)
{
	if (!gref) {
		/*
		 * A local frame: ours, named as DOMID_SELF (Linux's way). Xen 4.17
		 * refuses any other name, even our own id: permission_denied, or
		 * bad_domain for a domain that does not exist.
		 */
		if (p->domid == DOMID_SELF) {
			s->od = d;
			return GNTST_okay;
		}
		return domain_lookup(p->domid) ? GNTST_permission_denied : GNTST_bad_domain;
	}
	s->od = gnt_domain(d, p->domid);
	return s->od ? GNTST_okay : GNTST_bad_domain;
}

/* Pin or check side @s (locks held). */
static int16_t copy_side_get(struct domain *d, const struct gnttab_copy_ptr *p, bool gref,
			     bool write, struct copy_side *s)
{
	struct grant_table *gt = s->od->grant_table;
	int16_t st;

	s->how = GNT_PIN_HOST | (write ? GNT_PIN_WRITE : 0);
	if (gref) {
		if (p->u.ref >= gnttab_nr_entries(gt))
			return GNTST_bad_gntref;
		s->e = gnttab_entry(gt, p->u.ref);
		s->act = gnttab_active(gt, p->u.ref);
		st = gnt_pin(s->e, s->act, d->domain_id, s->how, gnt_frame_ok, s->od);
		if (st)
			return st;
		s->mfn = s->act->frame;
	} else {
		if (p->u.gmfn > UINT32_MAX || !gnt_frame_ok((uint32_t)p->u.gmfn, d))
			return GNTST_bad_page;
		s->mfn = p->u.gmfn;
	}
	/* A destination must be writable memory, never a page table. */
	if (write && get_page_type(mfn_to_page(s->mfn), PGT_writable, NULL, NULL)) {
		if (s->e)
			gnt_unpin(s->e, s->act, s->how);
		s->e = NULL;
		return GNTST_general_error;
	}
	return GNTST_okay;
}

static void copy_side_put(struct copy_side *s, bool write)
{
	if (write)
		put_page_type(mfn_to_page(s->mfn), NULL, NULL);
	if (s->e)
		gnt_unpin(s->e, s->act, s->how);
}

static int16_t gnttab_copy_one(struct domain *d, const struct gnttab_copy *op)
{
	bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
	struct copy_side src = { 0 }, dst = { 0 };
	struct gnt_lockset ls = { .n = 0 };
	int16_t st;

	if ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
	    (unsigned int)op->dest.offset + op->len > PAGE_SIZE)
		return GNTST_bad_copy_arg;
	st = copy_side_domain(d, &op->source, src_gref, &src);
	if (!st)
		st = copy_side_domain(d, &op->dest, dst_gref, &dst);
	if (st)
		return st;
	gnt_lockset_add(&ls, d);
	gnt_lockset_add(&ls, src.od);
	gnt_lockset_add(&ls, dst.od);
	gnt_lockset_lock(&ls);
	st = copy_side_get(d, &op->source, src_gref, false, &src);
	if (st)
		goto out;
	st = copy_side_get(d, &op->dest, dst_gref, true, &dst);
	if (st) {
		copy_side_put(&src, false);
		goto out;
	}
	/* The owners' mm_locks are held: neither frame can go away meanwhile. */
	memmove((uint8_t *)mfn_to_virt(dst.mfn) + op->dest.offset,
		(const uint8_t *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
	copy_side_put(&dst, true);
	copy_side_put(&src, false);
out:
	gnt_lockset_unlock(&ls);
	return st;
}

/* One op of a batch, done in place on the hypervisor's copy. */
typedef void (*gnttab_one_fn)(struct vcpu *v, void *op);

static void map_one(struct vcpu *v, void *op)
{
	gnttab_map_one(v, op);
}

static void unmap_one(struct vcpu *v, void *op)
{
	gnttab_unmap_one(v, op);
}

static void copy_one(struct vcpu *v, void *op)
{
	struct gnttab_copy *c = op;

	c->status = gnttab_copy_one(v->domain, c);
}

/*
 * The batched ops: copy each op in, act, copy it back with its status.
 * A fault on op i leaves ops < i done and returns -EFAULT (a mapping made
 * before its copy-out faulted stays, and is released with the domain).
 */
static long gnttab_batch(struct vcpu *v, unsigned long cmd, unsigned long uop,
			 unsigned long count, size_t size, gnttab_one_fn one)
{
	union {
		struct gnttab_map_grant_ref map;
		struct gnttab_unmap_grant_ref unmap;
		struct gnttab_copy copy;
	} op;

	BUG_ON(size > sizeof(op));
	for (unsigned long i = 0; i < count; i++) {
		/* Ops carry their own status: continuing needs only where we are. */
		if (i && hypercall_preempt_check())
			return hypercall_continue(cmd, uop + i * size, count - i, 0);
		if (copy_from_guest_raw(&op, uop + i * size, size))
			return -EFAULT;
		one(v, &op);
		if (copy_to_guest_raw(uop + i * size, &op, size))
			return -EFAULT;
	}
	return 0;
}

long do_grant_table_op(unsigned long cmd, unsigned long uop, unsigned long count)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;

	if (count > GNTTAB_BATCH_MAX)
		return -EINVAL;	/* the ABI's count is 32-bit */
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return gnttab_batch(v, cmd, uop, count, sizeof(struct gnttab_map_grant_ref),
				    map_one);
	case GNTTABOP_unmap_grant_ref:
		return gnttab_batch(v, cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref),
				    unmap_one);
	case GNTTABOP_copy:
		return gnttab_batch(v, cmd, uop, count, sizeof(struct gnttab_copy), copy_one);
	case GNTTABOP_setup_table:
		return count == 1 ? gnttab_setup_table(d, uop) : -EINVAL;
	case GNTTABOP_query_size:
		return count == 1 ? gnttab_query_size(d, uop) : -EINVAL;
	case GNTTABOP_set_version:
		return gnttab_set_version(d, uop);	/* count ignored, as on Xen */
	case GNTTABOP_get_version:
		return gnttab_get_version(d, uop);
	default:
		/* transfer, unmap_and_replace, v2 and debug ops: unused by Linux 6.1 PV. */
		return -ENOSYS;
	}
}
