// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain lifetime: creation, shutdown, crash and destruction. A crash
 * stops only that domain: its vCPUs come off the CPUs, its frames go back
 * to the allocator once nothing uses them, and everything else goes on.
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/grant-table.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/errno.h>
#include <hv/virq.h>
#include <public/sched.h>
#include <asm/ipi.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/pv.h>

/*
 * Indexed by domid; guarded by domlist_lock. id_taken also covers ids a
 * creation has claimed but not yet published; next_id is where the search
 * for a free domU id starts.
 */
static struct domain *domains[MAX_DOMAINS];
static bool id_taken[MAX_DOMAINS];
static domid_t next_id = 1;
static DEFINE_SPINLOCK(domlist_lock);

/* After how long domain_kill says that it still waits for a vCPU. */
#define KILL_WARN_NS	(2ULL * 1000 * 1000 * 1000)

static const char *const shutdown_names[] = {
	[SHUTDOWN_poweroff] = "poweroff",
	[SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",
	[SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog",
	[SHUTDOWN_soft_reset] = "soft_reset",
};

struct domain *domain_lookup(domid_t id)
{
	struct domain *d = NULL;
	unsigned long flags;

	if (id >= MAX_DOMAINS)
		return NULL;
	flags = spin_lock_irqsave(&domlist_lock);
	d = domains[id];
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

/* Claim @id, or with DOMID_INVALID the next free domU id; DOMID_INVALID if none. */
static domid_t claim_id(domid_t id)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	domid_t got = DOMID_INVALID;

	if (id != DOMID_INVALID) {
		if (id < MAX_DOMAINS && !id_taken[id])
			got = id;
	} else {
		for (unsigned int i = 0; i < MAX_DOMAINS - 1; i++) {
			domid_t c = (domid_t)(1 + (next_id - 1 + i) % (MAX_DOMAINS - 1));

			if (!id_taken[c]) {
				got = c;
				next_id = (domid_t)(c % (MAX_DOMAINS - 1) + 1);
				break;
			}
		}
	}
	if (got != DOMID_INVALID)
		id_taken[got] = true;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return got;
}

static void release_id(domid_t id)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);

	if (domains[id] == NULL)
		id_taken[id] = false;
	spin_unlock_irqrestore(&domlist_lock, flags);
}

struct domain *domain_create(domid_t req_id, unsigned int max_vcpus, bool privileged)
{
	struct domain *d;
	unsigned long flags;
	domid_t id;

	if (!max_vcpus || max_vcpus > MAX_VCPUS)
		return NULL;
	id = claim_id(req_id);
	if (id == DOMID_INVALID)
		return NULL;
	d = xzalloc(sizeof(*d));
	if (!d) {
		release_id(id);
		return NULL;
	}
	d->domain_id = id;
	d->is_privileged = privileged;
	d->max_vcpus = max_vcpus;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->mm_lock);
	spin_lock_init(&d->con_lock);
	d->shared_info = alloc_pages(0);
	if (!d->shared_info)
		goto err;
	/* The wall clock at system time 0, version even (public/xen.h). */
	d->shared_info->wc_version = 2;
	d->shared_info->wc_sec = (uint32_t)wallclock_at_boot();
	d->shared_info->xen_wc_sec_hi = (uint32_t)(wallclock_at_boot() >> 32);
	/* A hypervisor page the domain may map (and so reference) as its own. */
	page_share_xen_heap(mfn_to_page(virt_to_mfn(d->shared_info)), id);
	for (unsigned int i = 0; i < max_vcpus; i++) {
		struct vcpu *v = xzalloc(sizeof(*v));

		if (!v)
			goto err;
		v->domain = d;
		v->vcpu_id = i;
		v->processor = -1;
		v->pause_flags = VPF_DOWN;
		/* The ABI has vcpu_info for the first XEN_LEGACY_MAX_VCPUS in shared_info. */
		v->vcpu_info = &d->shared_info->vcpu_info[i];
		/* Events start masked (Linux unmasks them much later). */
		v->vcpu_info->evtchn_upcall_mask = 1;
		vcpu_timers_init(v);
		pv_vcpu_init(v);
		d->vcpu[i] = v;
	}
	if (domain_evtchn_init(d) || grant_table_init(d))
		goto err;
	flags = spin_lock_irqsave(&domlist_lock);
	domains[id] = d;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
err:
	grant_table_destroy(d);
	domain_evtchn_destroy(d);
	for (unsigned int i = 0; i < max_vcpus; i++)
		xfree(d->vcpu[i]);
	if (d->shared_info)
		page_unshare_xen_heap(mfn_to_page(virt_to_mfn(d->shared_info)));
	free_pages(d->shared_info, 0);
	xfree(d);
	release_id(id);
	return NULL;
}

mfn_t domain_alloc_frame(struct domain *d)
{
	mfn_t mfn = alloc_frames(0);
	unsigned long flags;

	if (mfn == INVALID_MFN)
		return INVALID_MFN;
	memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
	mfn_to_page(mfn)->owner = d->domain_id;
	mfn_to_page(mfn)->type_info = 0;
	page_own(mfn_to_page(mfn));
	flags = spin_lock_irqsave(&d->lock);
	d->tot_pages++;
	spin_unlock_irqrestore(&d->lock, flags);
	return mfn;
}

bool domain_owns_frame(const struct domain *d, mfn_t mfn)
{
	const struct page_info *pg;

	if (mfn >= page_alloc_nr_frames())
		return false;
	pg = mfn_to_page(mfn);
	return pg->state == PGS_INUSE && pg->owner == d->domain_id;
}

bool domain_shutdown(struct domain *d, unsigned int reason)
{
	if (reason >= ARRAY_SIZE(shutdown_names) || !shutdown_names[reason])
		return false;
	spin_lock(&d->lock);
	if (d->is_shut_down) {
		spin_unlock(&d->lock);
		return true;
	}
	d->is_shut_down = true;
	d->shutdown_code = reason;
	spin_unlock(&d->lock);
	console_io_flush(d);
	pr_dom_info(d, "d%u: shut down: %s\n", d->domain_id, shutdown_names[reason]);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_or_fetch(&d->vcpu[i]->pause_flags, VPF_DOWN, __ATOMIC_SEQ_CST);
		vcpu_timers_stop(d->vcpu[i]);
		vcpu_sleep(d->vcpu[i]);
	}
	if (d->domain_id == 0)
		dom0_gone(d);
	else
		domain_notify_dom0();
	return true;
}

void domain_crash(struct domain *d, const char *why)
{
	struct vcpu *curr = current_vcpu();

	spin_lock(&d->lock);
	if (d->is_dying) {
		spin_unlock(&d->lock);
		return;
	}
	d->is_dying = true;
	d->is_shut_down = true;
	d->shutdown_code = SHUTDOWN_crash;
	spin_unlock(&d->lock);

	console_io_flush(d);
	pr_err("d%u: crashed: %s\n", d->domain_id, why);
	if (curr && curr->domain == d)
		pv_dump_guest_state(curr, guest_regs());
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_or_fetch(&d->vcpu[i]->pause_flags, VPF_DYING, __ATOMIC_SEQ_CST);
		vcpu_timers_stop(d->vcpu[i]);
		vcpu_sleep(d->vcpu[i]);
	}
	if (d->domain_id == 0)
		dom0_gone(d);
	else
		domain_notify_dom0();
}

void domain_notify_dom0(void)
{
	struct domain *d0 = domain_lookup(0);

	if (d0 && !d0->is_dying)
		send_guest_global_virq(d0, VIRQ_DOM_EXC);
}

void domain_pause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	bool first = d->pause_count++ == 0;

	spin_unlock_irqrestore(&d->lock, flags);
	if (!first)
		return;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_or_fetch(&d->vcpu[i]->pause_flags, VPF_PAUSED, __ATOMIC_SEQ_CST);
		vcpu_sleep(d->vcpu[i]);
	}
}

int domain_unpause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	bool last;

	if (!d->pause_count) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EINVAL;
	}
	last = --d->pause_count == 0;
	spin_unlock_irqrestore(&d->lock, flags);
	if (!last)
		return 0;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_and_fetch(&d->vcpu[i]->pause_flags, ~VPF_PAUSED, __ATOMIC_SEQ_CST);
		vcpu_wake(d->vcpu[i]);
	}
	return 0;
}

int domain_for_each(domid_t first, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	/*
	 * Domains are created and destroyed only by dom0's single control
	 * path and at boot, so one seen here stays while fn runs.
	 */
	for (unsigned int id = first; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup((domid_t)id);
		int rc;

		if (d && (rc = fn(d, ctx)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Wait until no CPU runs @v and the scheduler has let go of it. A vCPU on
 * another CPU leaves it at that CPU's next exit to the guest: at once if
 * it is in the guest (vcpu_sleep kicked it), else when its hypercall is
 * over, which may take seconds (a guest's biggest batch). Never gives up:
 * freeing its domain earlier would free memory that CPU still uses, and
 * leaking it would let a guest eat the machine's memory. We hold no lock
 * that CPU could need, and serve its TLB flushes meanwhile.
 */
static void wait_vcpu_off_cpus(struct vcpu *v)
{
	uint64_t warn_at = now_ns() + KILL_WARN_NS;

	while (!sched_vcpu_gone(v)) {
		tlb_flush_service();
		cpu_relax();
		if (warn_at && now_ns() > warn_at) {
			pr_warn("d%uv%u: still on CPU %d; waiting for it to leave\n",
				v->domain->domain_id, v->vcpu_id, READ_ONCE(v->processor));
			warn_at = 0;
		}
	}
}

void domain_kill(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);

	if (d->is_destroyed) {
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	d->is_destroyed = true;
	d->is_dying = true;
	spin_unlock_irqrestore(&d->lock, flags);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_or_fetch(&d->vcpu[i]->pause_flags, VPF_DYING, __ATOMIC_SEQ_CST);
		vcpu_sleep(d->vcpu[i]);
	}
	/*
	 * Its page tables, frames and vCPUs must not go while a CPU still
	 * runs one of them. Only then are the timers killed: until a vCPU is
	 * off, its hypercalls (set_singleshot_timer, set_periodic_timer,
	 * SCHEDOP_poll) may re-arm them, and a periodic callback on another
	 * CPU re-arms itself; kill_timer() waits for that callback and makes
	 * any later set_timer() a no-op, so none fires into a freed vCPU.
	 */
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		wait_vcpu_off_cpus(d->vcpu[i]);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		vcpu_timers_kill(d->vcpu[i]);
	domain_destroy(d);
	domain_notify_dom0();
}

void domain_free_orphan(struct page_info *pg)
{
	pg->owner = PAGE_OWNER_NONE;
	pg->count_info = 0;
	pg->type_info = 0;
	free_frames((mfn_t)(pg - mfn_to_page(0)), 0);
}

void domain_destroy(struct domain *d)
{
	unsigned long flags, orphans = 0;
	mfn_t n = page_alloc_nr_frames();
	domid_t id = d->domain_id;

	flags = spin_lock_irqsave(&domlist_lock);
	if (domains[d->domain_id] == d)
		domains[d->domain_id] = NULL;
	spin_unlock_irqrestore(&domlist_lock, flags);
	/*
	 * domain_lookup takes no reference: another CPU may be in the middle
	 * of a hypercall that found @d just before it was unpublished (an
	 * event send, a grant copy from a domU). Wait until every other CPU
	 * has been back in a guest or idle, so none is. This never gives up
	 * (asm/ipi.h): the domain is neither freed under that CPU nor leaked.
	 */
	cpu_sync_others();

	/*
	 * Now nothing new can reach @d but through its links: ports bound to
	 * it (a peer's send, a PIRQ's interrupt) and its grant mappings. Cut
	 * them, then wait once more for any CPU that followed one before the
	 * cut: a send raises the port after dropping the locks, an interrupt
	 * handler delivers to the owner it read.
	 */
	domain_evtchn_close_all(d);
	/* Its grant PTEs live in its L1s: undo them before the frames go. */
	grant_table_release_mappings(d);
	cpu_sync_others();

	domain_evtchn_destroy(d);
	/* A vcpu_info may live in any of its frames, grant frames included. */
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		vcpu_release_info(d->vcpu[i]);
	grant_table_destroy(d);
	pv_domain_destroy(d);
	/*
	 * Owned frames are found in the frame table (no per-domain list yet).
	 * The domain's own references die with it; a frame another domain
	 * still maps stays as an orphan until that reference goes.
	 */
	for (mfn_t mfn = 0; mfn < n; mfn++) {
		struct page_info *pg = mfn_to_page(mfn);

		if (pg->state != PGS_INUSE || pg->owner != d->domain_id ||
		    (pg->count_info & PGC_XEN_HEAP))
			continue;
		if (page_orphan(pg))
			domain_free_orphan(pg);
		else
			orphans++;
	}
	if (orphans)
		pr_dom_info(d, "d%u: %lu frames stay until other domains unmap them\n", d->domain_id,
			orphans);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		xfree(d->vcpu[i]);
	page_unshare_xen_heap(mfn_to_page(virt_to_mfn(d->shared_info)));
	free_pages(d->shared_info, 0);
	xfree(d);
	release_id(id);
}

/*
 * dom0 is gone. In test mode the run ends here; otherwise a powered-off
 * dom0 powers the machine off, a rebooting one reboots it, and a crashed
 * one leaves the machine up so its dump can be read.
 */
void dom0_gone(struct domain *d)
{
	pr_info("ward: dom0 is gone (%s)\n",
		d->is_dying ? "crashed" : d->is_shut_down ? shutdown_names[d->shutdown_code] :
		"all vCPUs down");
	if (opt_test_exit)
		arch_power_off(0);
	if (d->is_dying)
		return;
	switch (d->shutdown_code) {
	case SHUTDOWN_reboot:
		arch_reboot();
	case SHUTDOWN_poweroff:
		arch_power_off(0);
	default:
		return;
	}
}
