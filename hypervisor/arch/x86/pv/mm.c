// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PV MMU: guests own their page tables, the hypervisor validates every
 * change. Page-table frames are typed (hv/page-type.h) and never writable
 * by the guest; each present entry holds a reference on what it points to
 * (and, if writable, a "writable" type use), so no frame is both a page
 * table and writable, and guests map only frames they own.
 *
 * Entries are adjusted as on Xen for 64-bit PV: present entries get the
 * user bit (guest kernels run in ring 3) and lose the global bit. Guest
 * L4 slots 256-271 always hold the hypervisor's entries.
 *
 * All changes to a domain's page tables happen under its mm_lock. TLB
 * maintenance is the guest's, as on hardware and on Xen: an update flushes
 * only what its flags (or an MMUEXT flush op) ask for. What a stale
 * translation could do to anyone but the guest itself is ruled out by the
 * TLB-flush clock (asm/tlb-clock.h): a frame whose last writable mapping
 * or page-table use went is flushed from every CPU that may still cache it
 * before it takes another type or is freed and reused (page-type.c,
 * page-alloc.c), under the lock, before its contents are validated.
 */
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/page-type.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/hypercall.h>
#include <asm/time.h>
#include <asm/ipi.h>
#include <asm/percpu.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/tlb-clock.h>

/* Bits a guest may not set in a present entry: PS at L2-L4 (no superpages). */
#define PTE_FLAGS_MASK		(~PTE_ADDR_MASK)
/* The most requests one batch may name (it continues itself as it goes). */
#define MMU_BATCH_MAX		(HC_CONT_FLAG - 1)
#define MMUEXT_BATCH_MAX	(HC_CONT_FLAG - 1)
#define LDT_MAX_ENTRIES		8192
/* The first MiB: BIOS and legacy device memory, I/O space for dom0 on Xen. */
#define LOW_MEM_FRAMES		(MiB(1) >> PAGE_SHIFT)

static int validate_table(struct page_info *pg, enum page_type type, void *ctx);
static void devalidate_table(struct page_info *pg, enum page_type type, void *ctx);
static bool defer_table(struct page_info *pg, enum page_type type, void *ctx);
static unsigned int type_level(enum page_type type);

static mfn_t pte_mfn(uint64_t e)
{
	return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static struct page_info *owned_page(const struct domain *d, mfn_t mfn)
{
	if (mfn >= page_alloc_nr_frames())
		return NULL;
	if (!domain_owns_frame(d, mfn))
		return NULL;
	return mfn_to_page(mfn);
}

/*
 * A privileged domain (dom0) may map the memory of other live domains
 * into its own page tables (the toolstack builds and serves domUs that
 * way); the reference is then taken for the frame's real owner, which we
 * return in @owner. The owner's lock is not held: the frame may change
 * hands meanwhile, which get_page_foreign() catches (hv/page-type.h).
 */
static struct page_info *foreign_page(const struct domain *d, mfn_t mfn, domid_t *owner)
{
	struct page_info *pg;
	struct domain *od;

	if (!d->is_privileged || mfn >= page_alloc_nr_frames())
		return NULL;
	pg = mfn_to_page(mfn);
	*owner = READ_ONCE(pg->owner);
	if (pg->state != PGS_INUSE || (pg->count_info & PGC_XEN_HEAP) ||
	    *owner == d->domain_id)
		return NULL;
	od = domain_lookup(*owner);
	return od && !od->is_dying ? pg : NULL;
}

static int get_typed(struct domain *d, mfn_t mfn, enum page_type type)
{
	struct page_info *pg = owned_page(d, mfn);
	int rc;

	if (!pg || !get_page(pg, d->domain_id))
		return -EINVAL;
	rc = get_page_type(pg, type, validate_table, d);
	if (rc)
		put_page(pg);
	return rc;
}

static void put_typed(struct domain *d, mfn_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	put_page_type_deferred(pg, devalidate_table, defer_table, d);
	put_page(pg);
}

/*
 * Preemptible validation (asm/domain.h struct pv_val_holds). Only inside
 * mmu_update and mmuext_op, whose continuations re-issue the same request,
 * is the holds list active; elsewhere (the builder, VCPUOP_initialise) a
 * validation runs to its end as before.
 */
static struct pv_val_holds *val_holds(const struct domain *d)
{
	struct vcpu *v = current_vcpu();

	return v && v->domain == d && v->arch.val.active ? &v->arch.val : NULL;
}

/* A table just validated from scratch: keep it so across a yield. */
static void val_hold(struct domain *d, mfn_t mfn)
{
	struct pv_val_holds *h = val_holds(d);
	enum page_type type = page_get_type(mfn_to_page(mfn));

	if (!h || h->nr == PV_VAL_HOLDS_MAX || get_typed(d, mfn, type))	/* a count only */
		return;
	h->fresh++;	/* kept: progress this attempt does not lose */
	h->level[h->nr] = (uint8_t)type_level(type);
	h->mfn[h->nr++] = (uint32_t)mfn;
}

/*
 * A level-@level table completed: its entries now keep its subtables, the
 * level-@level - 1 holds on top of the stack. Dropping a hold is always
 * safe (a table still used stays typed); it only gives back progress.
 */
static void val_collapse(struct domain *d, struct pv_val_holds *h, unsigned int level)
{
	while (h->nr && h->level[h->nr - 1] == level - 1)
		put_typed(d, h->mfn[--h->nr]);
}

/* Drop every hold (their tables stay typed if still used). */
static void val_release_all(struct domain *d, struct pv_val_holds *h)
{
	while (h->nr)
		put_typed(d, h->mfn[--h->nr]);
}

/*
 * Tables an attempt completes before it may yield: each attempt first
 * walks again down to where the last one stopped (cheap, but up to 3 x 511
 * entries), which must not be all it does.
 */
#define VAL_MIN_FRESH		16

/* Yield now? Only once this attempt kept enough progress in holds. */
static bool val_should_yield(const struct domain *d)
{
	const struct pv_val_holds *h = val_holds(d);

	return h && h->fresh >= VAL_MIN_FRESH && hypercall_preempt_check();
}

/* A table's last use went: queue it dead (false), or release it now (true). */
static bool defer_table(struct page_info *pg, enum page_type type, void *ctx)
{
	struct domain *d = ctx;
	struct vcpu *v = current_vcpu();
	struct pv_dead_queue *q;

	if (pg->type_info & PGT_QUEUED)
		return false;	/* brought back and dead again: still queued */
	/* Not on behalf of one of its vCPUs (there is none to bury it): now. */
	if (!v || v->domain != d)
		return true;
	q = &v->arch.dead;
	if (q->nr == PV_DEAD_MAX || !get_page(pg, d->domain_id))
		return true;
	q->mfn[q->nr++] = (uint32_t)(pg - mfn_to_page(0));
	return false;
}

/*
 * Bury queued dead tables, one at a time (burying one may queue its
 * subtables); false when the slice ran out first, with at least one done.
 */
static bool bury_dead(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct pv_dead_queue *q = &v->arch.dead;
	unsigned int done = 0;

	while (q->nr) {
		struct page_info *pg;

		if (done && hypercall_preempt_check())
			return false;
		pg = mfn_to_page(q->mfn[--q->nr]);
		page_type_bury(pg, devalidate_table, d);
		put_page(pg);
		done++;
	}
	return true;
}

/*
 * Start (or, @continuing, resume) an mmu_update or mmuext_op: false when
 * burying what earlier requests left dead took the slice (continue).
 */
static bool val_begin(struct vcpu *v, bool continuing)
{
	v->arch.val.active = true;
	v->arch.val.fresh = 0;
	/* Holds of an attempt the guest never came back to are stale now. */
	if (!continuing)
		val_release_all(v->domain, &v->arch.val);
	return bury_dead(v);
}

/*
 * The requests ran (to the end, to an error, or @yielded): without a
 * yield no table needs a hold any more, and what died is buried before
 * the guest goes on, as a Linux that unpins a tree and then writes to its
 * pages needs. false: that took the slice (continue, nothing left to do).
 */
static bool val_end(struct vcpu *v, bool yielded)
{
	bool done = true;

	if (!yielded) {
		val_release_all(v->domain, &v->arch.val);
		done = bury_dead(v);
	}
	v->arch.val.active = false;
	return done;
}

/* A table entry's references: a type use of @mfn as @type; -ERESTART: yield. */
static int get_table_entry(struct domain *d, mfn_t mfn, enum page_type type)
{
	struct page_info *pg = owned_page(d, mfn);
	bool fresh = pg && !page_type_count(pg);
	int rc = get_typed(d, mfn, type);

	if (!rc && fresh)
		val_hold(d, mfn);
	return rc;
}

/* The references an entry at @level (1-4) holds; 0 or -EINVAL. */
static int get_entry(struct domain *d, unsigned int level, uint64_t e)
{
	mfn_t mfn = pte_mfn(e);
	struct page_info *pg;

	if (!(e & PTE_P))
		return 0;
	if (level == 1) {
		domid_t owner = d->domain_id;
		bool foreign = false;

		pg = owned_page(d, mfn);
		if (!pg) {
			pg = foreign_page(d, mfn, &owner);
			foreign = pg != NULL;
		}
		if (!pg && pv_io_frame_ok(d, mfn, e & PTE_RW))
			return 0;	/* I/O memory: no references (io-mem.c) */
		/*
		 * Xen's values: -EBUSY for RAM that is not ours or is in use as a
		 * table; -EINVAL for I/O memory this domain may not map.
		 */
		if (!pg || !(foreign ? get_page_foreign(pg, owner) : get_page(pg, d->domain_id)))
			return mfn < page_alloc_nr_frames() && mfn >= LOW_MEM_FRAMES &&
			       mfn_to_page(mfn)->state != PGS_RESERVED ? -EBUSY : -EINVAL;
		if ((e & PTE_RW) && get_page_type(pg, PGT_writable, validate_table, d)) {
			if (foreign)
				put_page_foreign(pg);	/* the owner is alive: not an orphan */
			else
				put_page(pg);
			return -EBUSY;
		}
		return 0;
	}
	if (e & PTE_PS)
		return -EINVAL;	/* PV guests have no superpages */
	return get_table_entry(d, mfn, (enum page_type)(PGT_l1 + level - 2));
}

static void put_entry(struct domain *d, unsigned int level, uint64_t e)
{
	struct page_info *pg;

	if (!(e & PTE_P))
		return;
	if (level == 1 && pv_io_frame(pte_mfn(e)))
		return;	/* I/O memory holds no references */
	pg = mfn_to_page(pte_mfn(e));
	if (level == 1) {
		/* Another domain's frame (or an orphan of a dead one) dom0 mapped. */
		bool foreign = pg->owner != d->domain_id;

		if ((e & PTE_RW) && !(pg->count_info & PGC_ORPHAN))
			put_page_type(pg, devalidate_table, d);
		if (!foreign)
			put_page(pg);
		else if (put_page_foreign(pg))
			domain_free_orphan(pg);
		return;
	}
	put_typed(d, pte_mfn(e));
}

static uint64_t adjust_entry(uint64_t e)
{
	return (e & PTE_P) ? (e | PTE_US) & ~PTE_G : e;
}

static bool is_hv_slot(unsigned int level, unsigned int idx)
{
	return level == 4 && idx >= HV_SLOT_FIRST && idx <= HV_SLOT_LAST;
}

static unsigned int type_level(enum page_type type)
{
	return (unsigned int)(type - PGT_l1) + 1;
}

static int validate_table(struct page_info *pg, enum page_type type, void *ctx)
{
	struct domain *d = ctx;
	unsigned int level = type_level(type);
	uint64_t *t = mfn_to_virt((mfn_t)(pg - mfn_to_page(0)));
	const uint64_t *idle = idle_l4_table();
	struct pv_val_holds *h = val_holds(d);
	unsigned int i;

	int rc = 0;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e;

		if (is_hv_slot(level, i)) {
			t[i] = idle[i];
			continue;
		}
		e = READ_ONCE(t[i]);
		rc = get_entry(d, level, e);
		if (rc)
			goto undo;
		t[i] = adjust_entry(e);
		/*
		 * An L1's 512 leaves are one unit; above, after each entry, the
		 * walk may yield. Undoing this table's entries then keeps the
		 * subtables already validated: they are held.
		 */
		if (level > 1 && i + 1 < PT_ENTRIES && val_should_yield(d)) {
			i++;
			rc = -ERESTART;
			goto undo;
		}
	}
	/* Done: this table's entries now keep its subtables; drop their holds. */
	if (h && level > 1)
		val_collapse(d, h, level);
	return 0;
undo:
	while (i--)
		if (!is_hv_slot(level, i))
			put_entry(d, level, t[i]);
	return rc;
}

static void devalidate_table(struct page_info *pg, enum page_type type, void *ctx)
{
	struct domain *d = ctx;
	unsigned int level = type_level(type);
	const uint64_t *t = mfn_to_virt((mfn_t)(pg - mfn_to_page(0)));

	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (!is_hv_slot(level, i))
			put_entry(d, level, t[i]);
}

/*
 * Replace entry @idx of the level-@level table @mfn with @val: take the new
 * entry's references first, then write, then drop the old one's, so a
 * failed update changes nothing. @preserve_ad keeps the A/D bits now set.
 */
static int mod_entry(struct domain *d, mfn_t mfn, unsigned int level, unsigned int idx,
		     uint64_t val, bool preserve_ad)
{
	uint64_t *t = mfn_to_virt(mfn), old = t[idx];

	if (is_hv_slot(level, idx))
		return -EINVAL;
	int rc;

	if (preserve_ad)
		val |= old & (PTE_A | PTE_D);
	rc = get_entry(d, level, val);
	if (rc)
		return rc;
	t[idx] = adjust_entry(val);
	put_entry(d, level, old);
	return 0;
}

int pv_mm_write_entry(struct domain *d, mfn_t mfn, unsigned int level, unsigned int idx,
		      uint64_t val)
{
	return mod_entry(d, mfn, level, idx, val, false);
}

/*
 * foreigndom: DOMID_SELF, or another domain whose frames a privileged
 * caller maps (foreign_page() accepts them). Naming oneself or a domain
 * that does not exist is -ESRCH, as on Xen; others may not name any.
 */
static long check_foreigndom(const struct domain *d, unsigned long foreigndom)
{
	if (foreigndom == DOMID_SELF)
		return 0;
	if (foreigndom == d->domain_id || foreigndom > DOMID_FIRST_RESERVED ||
	    !domain_lookup((domid_t)foreigndom))
		return -ESRCH;
	return d->is_privileged ? 0 : -EPERM;
}

/*
 * The CPUs that run the vCPUs of @d named in @vcpumask (a guest's mask:
 * bit n for vCPU n; names beyond max_vcpus mean nothing), this one's bit
 * included when the current vCPU is named. A named vCPU held lazily by
 * an idle CPU counts as running there (v->processor; see flush_domain).
 */
static cpumask_t vcpumask_cpus(const struct domain *d, unsigned long vcpumask)
{
	cpumask_t mask = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < d->max_vcpus && i < sizeof(vcpumask) * 8; i++) {
		int cpu;

		if (!(vcpumask & (1UL << i)))
			continue;
		cpu = READ_ONCE(d->vcpu[i]->processor);
		if (cpu >= 0)
			mask |= CPU_BIT(cpu);
	}
	return mask;
}

/* This CPU and every CPU now running one of @d's vCPUs. */
static cpumask_t domain_cpus(const struct domain *d)
{
	return CPU_BIT(smp_processor_id()) | vcpumask_cpus(d, ~0UL);
}

/*
 * Flush the TLB of this CPU and of every CPU now running one of @d's
 * vCPUs. A vCPU not on a CPU has nothing cached: switching it out loads
 * other page tables, and guest entries are never global. An idle CPU
 * that still holds a vCPU's page tables (sched.c, lazy idle switching)
 * keeps v->processor, so it is flushed here as if it ran it. One that
 * comes onto a CPU after vcpumask_cpus looked loads its CR3 after our
 * writes.
 */
static void flush_domain(const struct domain *d)
{
	flush_tlb_mask(domain_cpus(d));
}

/*
 * An INVLPG of @va on the CPUs in @mask: this CPU drops just that page;
 * the others are flushed whole (a cross-CPU request carries no address),
 * which covers it.
 */
static void flush_va_mask(cpumask_t mask, unsigned long va)
{
	cpumask_t me = CPU_BIT(smp_processor_id());

	if (mask & me) {
		invlpg(va);
		mask &= ~me;
	}
	if (mask)
		flush_tlb_mask(mask);
}

/* The L1 frame mapping @va in @v's current page tables, or INVALID_MFN. */
static mfn_t find_l1(const struct vcpu *v, unsigned long va)
{
	mfn_t mfn = v->arch.in_kernel ? v->arch.kernel_cr3 : v->arch.user_cr3;

	for (int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9) {
		uint64_t e = ((const uint64_t *)mfn_to_virt(mfn))[PT_INDEX(va, shift)];

		if (!(e & PTE_P))
			return INVALID_MFN;
		mfn = pte_mfn(e);
	}
	return mfn;
}

/*
 * For grant mappings (grant-map.c), mm_lock held. The L1 page table of
 * @d in which @va's entry lives, through @v's current page tables, or
 * INVALID_MFN when there is none (or it is not a validated L1).
 */
mfn_t pv_mm_l1_of_va(const struct vcpu *v, unsigned long va)
{
	mfn_t l1;

	if (!guest_range_ok(va, 1))
		return INVALID_MFN;
	l1 = find_l1(v, va);
	if (l1 == INVALID_MFN || !owned_page(v->domain, l1) ||
	    page_get_type(mfn_to_page(l1)) != PGT_l1)
		return INVALID_MFN;
	return l1;
}

/* Is @mfn one of @d's validated L1 page tables? */
bool pv_mm_is_l1(const struct domain *d, mfn_t mfn)
{
	const struct page_info *pg = owned_page(d, mfn);

	return pg && page_get_type(pg) == PGT_l1;
}

/*
 * Store @val, whose references the caller already holds exactly as a
 * validated entry would (a page reference, plus a writable type use if it
 * has PTE_RW), into entry @idx of @d's L1 @l1, and drop the references of
 * the entry it replaces, which it returns. The caller flushes the TLB if
 * that one was present.
 */
uint64_t pv_mm_install_l1e(struct domain *d, mfn_t l1, unsigned int idx, uint64_t val)
{
	uint64_t *t = mfn_to_virt(l1), old = t[idx];

	WRITE_ONCE(t[idx], adjust_entry(val));
	put_entry(d, 1, old);
	return old;
}

void pv_mm_flush(const struct domain *d)
{
	flush_domain(d);
}

static bool guest_va(unsigned long va)
{
	return guest_range_ok(va, 1);
}

/*
 * The TLB maintenance update_va_mapping's @flags ask for, after the entry
 * for @va was written: none, an INVLPG or a full flush, here (LOCAL), on
 * every CPU running the domain (ALL), or on those of the vCPUs named by
 * the mask the upper bits point at (MULTI). An unreadable mask is -EFAULT,
 * as on Xen; the entry stays written.
 */
static long uvm_flush(struct domain *d, unsigned long va, unsigned long flags)
{
	unsigned long type = flags & UVMF_FLUSHTYPE_MASK;
	unsigned long maskp = flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL);
	unsigned long vcpus;

	if (type == UVMF_NONE)
		return 0;
	if (flags & UVMF_ALL) {
		if (type == UVMF_INVLPG)
			flush_va_mask(domain_cpus(d), va);
		else
			flush_domain(d);
		return 0;
	}
	if (!maskp) {
		if (type == UVMF_INVLPG)
			invlpg(va);
		else
			tlb_flush_local();
		return 0;
	}
	if (get_guest(vcpus, maskp))
		return -EFAULT;
	if (type == UVMF_INVLPG)
		flush_va_mask(vcpumask_cpus(d, vcpus), va);
	else
		flush_tlb_mask(vcpumask_cpus(d, vcpus));
	return 0;
}

long do_update_va_mapping(unsigned long va, unsigned long val, unsigned long flags)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	mfn_t l1;
	long rc;

	if (!guest_va(va))
		return -EINVAL;
	spin_lock(&d->mm_lock);
	l1 = find_l1(v, va);
	if (l1 == INVALID_MFN || page_get_type(mfn_to_page(l1)) != PGT_l1)
		rc = -EINVAL;
	else
		rc = mod_entry(d, l1, 1, PT_INDEX(va, L1_SHIFT), val, false);
	spin_unlock(&d->mm_lock);
	return rc ? rc : uvm_flush(d, va, flags);
}

/* As update_va_mapping, with the mapped frame belonging to @domid. */
long do_update_va_mapping_otherdomain(unsigned long va, unsigned long val,
				      unsigned long flags, unsigned long domid)
{
	long rc = check_foreigndom(current_vcpu()->domain, domid);

	return rc ? rc : do_update_va_mapping(va, val, flags);
}

long do_mmu_update(unsigned long reqs, unsigned long count, unsigned long pdone,
		   unsigned long foreigndom)
{
	XEN_GUEST_HANDLE(mmu_update_t) h = guest_handle_from_ulong(mmu_update_t, reqs);
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	bool continuing = count & HC_CONT_FLAG;
	unsigned long before = hc_cont_begin(&count, pdone);	/* done in earlier calls */
	unsigned int i = 0, done;
	bool preempted = false;
	long rc = 0;

	if (count > MMU_BATCH_MAX)
		return -EINVAL;
	rc = check_foreigndom(d, foreigndom);
	if (rc) {
		done = (unsigned int)before;
		if (pdone)
			(void)copy_to_guest_raw(pdone, &done, sizeof(done));
		return rc;
	}
	uint64_t t_lock = now_ns();
	spin_lock(&d->mm_lock);
	hypercall_slice_extend(t_lock);
	if (!val_begin(v, continuing))
		preempted = true;
	for (; !preempted && i < count; i++) {
		mmu_update_t req;
		unsigned int cmd;
		mfn_t mfn;
		struct page_info *pg;

		if (i && hypercall_preempt_check()) {
			preempted = true;
			break;
		}
		if (copy_from_guest_offset(&req, h, i, 1)) {
			rc = -EFAULT;
			break;
		}
		cmd = req.ptr & (sizeof(uint64_t) - 1);
		mfn = req.ptr >> PAGE_SHIFT;
		pg = owned_page(d, mfn);
		if (!pg) {
			rc = -EINVAL;
			break;
		}
		if (cmd == MMU_MACHPHYS_UPDATE) {
			m2p_set(mfn, req.val);
			continue;
		}
		/* Our guests are not translated: NO_TRANSLATE is a normal update. */
		if (cmd == MMU_PT_UPDATE_NO_TRANSLATE)
			cmd = MMU_NORMAL_PT_UPDATE;
		if (cmd != MMU_NORMAL_PT_UPDATE && cmd != MMU_PT_UPDATE_PRESERVE_AD) {
			rc = -ENOSYS;
			break;
		}
		if (page_type_is_table(page_get_type(pg))) {
			unsigned int idx = (req.ptr & ~PAGE_MASK) / sizeof(uint64_t);

			rc = mod_entry(d, mfn, type_level(page_get_type(pg)), idx, req.val,
				       cmd == MMU_PT_UPDATE_PRESERVE_AD);
			if (rc == -ERESTART) {
				/* The subtree it hooks yielded: this request again. */
				rc = 0;
				preempted = true;
				break;
			}
		} else if (!get_page_type(pg, PGT_writable, validate_table, d)) {
			/* Not a page table (yet): a plain write to its own frame. */
			((uint64_t *)mfn_to_virt(mfn))[(req.ptr & ~PAGE_MASK) / 8] = req.val;
			put_page_type(pg, devalidate_table, d);
		} else {
			rc = -EINVAL;
		}
		if (rc)
			break;
	}
	if (!val_end(v, preempted))
		preempted = true;	/* again from request i: after an error, to fail there */
	spin_unlock(&d->mm_lock);
	/* No flush: the guest asks for what it needs (mmuext_op, UVMF flags). */
	if (preempted)
		return hypercall_continue(reqs + i * sizeof(mmu_update_t),
					  hc_cont_save(count - i, pdone, (unsigned int)(before + i)),
					  pdone, foreigndom);
	/* As Xen: an unwritable count is ignored; the batch's own result stands. */
	done = (unsigned int)(before + i);
	if (pdone)
		(void)copy_to_guest_raw(pdone, &done, sizeof(done));
	return rc;
}

/* Switch @v's kernel or user root to @mfn (0: none, user only). */
static long new_baseptr(struct vcpu *v, mfn_t mfn, bool user)
{
	struct domain *d = v->domain;
	mfn_t *slot = user ? &v->arch.user_cr3 : &v->arch.kernel_cr3;
	mfn_t old = *slot;
	int rc;

	/*
	 * Only the vCPU itself or one that is on no CPU, lazily neither
	 * (VCPUOP_initialise of one that never ran): an idle CPU must never
	 * keep a root loaded that its vCPU no longer holds (sched.c, 3).
	 */
	ASSERT(v == current_vcpu() || READ_ONCE(v->processor) < 0);
	if (!mfn && !user)
		return -EINVAL;
	rc = mfn ? get_typed(d, mfn, PGT_l4) : 0;
	if (rc)
		return rc == -ERESTART ? rc : -EINVAL;
	*slot = mfn;
	/* The kernel root is live in kernel mode, the user root in user mode. */
	if (v == current_vcpu() && user == !v->arch.in_kernel)
		tlb_load_cr3(mfn << PAGE_SHIFT);
	if (old)
		put_typed(d, old);
	return 0;
}

void pv_mm_clear_roots(struct vcpu *v)
{
	struct domain *d = v->domain;

	/* Nobody may have them in CR3, lazily either (sched.c, 3). */
	ASSERT(READ_ONCE(v->processor) < 0);
	spin_lock(&d->mm_lock);
	if (v->arch.kernel_cr3)
		put_typed(d, v->arch.kernel_cr3);
	if (v->arch.user_cr3)
		put_typed(d, v->arch.user_cr3);
	v->arch.kernel_cr3 = 0;
	v->arch.user_cr3 = 0;
	spin_unlock(&d->mm_lock);
}

long pv_mm_set_root(struct vcpu *v, mfn_t l4, bool user)
{
	long rc;

	spin_lock(&v->domain->mm_lock);
	rc = new_baseptr(v, l4, user);
	spin_unlock(&v->domain->mm_lock);
	return rc;
}

static long do_one_mmuext(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	mfn_t mfn = op->arg1.mfn;
	struct page_info *pg;
	long rc;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		pg = owned_page(d, mfn);
		if (!pg || (pg->type_info & PGT_PINNED))
			return -EINVAL;
		rc = get_typed(d, mfn, (enum page_type)(PGT_l1 + op->cmd - MMUEXT_PIN_L1_TABLE));
		if (rc)
			return rc;
		pg->type_info |= PGT_PINNED;
		return 0;
	case MMUEXT_UNPIN_TABLE:
		pg = owned_page(d, mfn);
		if (!pg || !(pg->type_info & PGT_PINNED))
			return -EINVAL;
		pg->type_info &= ~PGT_PINNED;
		put_typed(d, mfn);
		return 0;
	case MMUEXT_NEW_BASEPTR:
		return new_baseptr(v, mfn, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return new_baseptr(v, mfn, true);
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI: {
		unsigned long mask;

		/*
		 * The mask must be readable; flushing every CPU that runs one
		 * of the domain's vCPUs covers whatever it names.
		 */
		if (get_guest(mask, (unsigned long)op->arg2.vcpumask.p))
			return -EINVAL;
		if (op->cmd == MMUEXT_INVLPG_MULTI && guest_va(op->arg1.linear_addr))
			flush_va_mask(vcpumask_cpus(d, mask), op->arg1.linear_addr);
		else
			flush_tlb_mask(vcpumask_cpus(d, mask));
		return 0;
	}
	case MMUEXT_TLB_FLUSH_LOCAL:
		tlb_flush_local();
		return 0;
	case MMUEXT_TLB_FLUSH_ALL:
		flush_domain(d);
		return 0;
	case MMUEXT_INVLPG_ALL:
		if (guest_va(op->arg1.linear_addr))
			flush_va_mask(domain_cpus(d), op->arg1.linear_addr);
		else
			flush_domain(d);
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		/* An address that maps nothing of the guest's needs no flush (Xen ignores it). */
		if (guest_va(op->arg1.linear_addr))
			invlpg(op->arg1.linear_addr);
		return 0;
	case MMUEXT_FLUSH_CACHE:
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		return d->is_privileged ? 0 : -EPERM;
	case MMUEXT_SET_LDT:
		/* An empty LDT is what Linux sets at boot; its base is then unused. */
		if (!op->arg2.nr_ents)
			return 0;
		if (op->arg2.nr_ents > LDT_MAX_ENTRIES ||
		    (op->arg1.linear_addr & ~PAGE_MASK) || !guest_va(op->arg1.linear_addr))
			return -EINVAL;
		return -ENOSYS;	/* non-empty LDTs need LDT mapping: not yet */
	case MMUEXT_MARK_SUPER:
	case MMUEXT_UNMARK_SUPER:
		return -EOPNOTSUPP;	/* PV superpages are not supported, as on Xen 4.17 */
	case MMUEXT_CLEAR_PAGE:
		pg = owned_page(d, mfn);
		if (!pg || get_page_type(pg, PGT_writable, validate_table, d))
			return -EINVAL;
		memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
		put_page_type(pg, devalidate_table, d);
		return 0;
	case MMUEXT_COPY_PAGE: {
		struct page_info *src = owned_page(d, op->arg2.src_mfn);

		pg = owned_page(d, mfn);
		if (!src || !pg || get_page_type(pg, PGT_writable, validate_table, d))
			return -EINVAL;
		memcpy(mfn_to_virt(mfn), mfn_to_virt(op->arg2.src_mfn), PAGE_SIZE);
		put_page_type(pg, devalidate_table, d);
		return 0;
	}
	default:
		return -ENOSYS;
	}
}

long do_mmuext_op(unsigned long ops, unsigned long count, unsigned long pdone,
		  unsigned long foreigndom)
{
	XEN_GUEST_HANDLE(mmuext_op_t) h = guest_handle_from_ulong(mmuext_op_t, ops);
	struct vcpu *v = current_vcpu();
	bool continuing = count & HC_CONT_FLAG;
	unsigned long before = hc_cont_begin(&count, pdone);	/* done in earlier calls */
	unsigned int i = 0, done;
	bool preempted = false;
	long rc = 0;

	if (count > MMUEXT_BATCH_MAX)
		return -EINVAL;
	rc = check_foreigndom(v->domain, foreigndom);
	if (rc) {
		done = (unsigned int)before;
		if (pdone)
			(void)copy_to_guest_raw(pdone, &done, sizeof(done));
		return rc;
	}
	uint64_t t_lock = now_ns();
	spin_lock(&v->domain->mm_lock);
	hypercall_slice_extend(t_lock);
	if (!val_begin(v, continuing))
		preempted = true;
	for (; !preempted && i < count; i++) {
		struct mmuext_op op;

		if (i && hypercall_preempt_check()) {
			preempted = true;
			break;
		}
		if (copy_from_guest_offset(&op, h, i, 1)) {
			rc = -EFAULT;
			break;
		}
		rc = do_one_mmuext(v, &op);
		if (rc == -ERESTART) {
			/* A pin or new root yielded in its validation: this op again. */
			rc = 0;
			preempted = true;
			break;
		}
		if (rc)
			break;
	}
	if (!val_end(v, preempted))
		preempted = true;	/* again from op i: after an error, to fail there */
	spin_unlock(&v->domain->mm_lock);
	if (preempted)
		return hypercall_continue(ops + i * sizeof(struct mmuext_op),
					  hc_cont_save(count - i, pdone, (unsigned int)(before + i)),
					  pdone, foreigndom);
	done = (unsigned int)(before + i);
	if (pdone)
		(void)copy_to_guest_raw(pdone, &done, sizeof(done));
	return rc;
}

int pv_mm_take_initial_tables(struct vcpu *v, mfn_t l4)
{
	struct domain *d = v->domain;
	struct page_info *pg = mfn_to_page(l4);
	int rc;

	spin_lock(&d->mm_lock);
	/* One use for the pin, one for being CR3, as Linux expects at entry. */
	rc = get_typed(d, l4, PGT_l4);
	if (!rc) {
		pg->type_info |= PGT_PINNED;
		rc = get_typed(d, l4, PGT_l4);
	}
	spin_unlock(&d->mm_lock);
	return rc;
}
