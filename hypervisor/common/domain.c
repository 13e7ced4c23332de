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
#include <public/sched.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/pv.h>

/* Indexed by domid; guarded by domlist_lock. */
static struct domain *domains[MAX_DOMAINS];
static DEFINE_SPINLOCK(domlist_lock);

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

struct domain *domain_create(domid_t id, unsigned int max_vcpus, bool privileged)
{
	struct domain *d;
	unsigned long flags;

	if (id >= MAX_DOMAINS || !max_vcpus || max_vcpus > MAX_VCPUS)
		return NULL;
	d = xzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->domain_id = id;
	d->is_privileged = privileged;
	d->max_vcpus = max_vcpus;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->mm_lock);
	d->shared_info = alloc_pages(0);
	if (!d->shared_info)
		goto err;
	/* The wall clock at system time 0, version even (public/xen.h). */
	d->shared_info->wc_version = 2;
	d->shared_info->wc_sec = (uint32_t)wallclock_at_boot();
	d->shared_info->xen_wc_sec_hi = (uint32_t)(wallclock_at_boot() >> 32);
	/* A hypervisor page the domain may map (and so reference) as its own. */
	mfn_to_page(virt_to_mfn(d->shared_info))->owner = id;
	mfn_to_page(virt_to_mfn(d->shared_info))->count_info = PGC_XEN_HEAP;
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
	if (domains[id]) {
		spin_unlock_irqrestore(&domlist_lock, flags);
		goto err;
	}
	domains[id] = d;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
err:
	grant_table_destroy(d);
	domain_evtchn_destroy(d);
	for (unsigned int i = 0; i < max_vcpus; i++)
		xfree(d->vcpu[i]);
	if (d->shared_info) {
		mfn_to_page(virt_to_mfn(d->shared_info))->owner = UINT16_MAX;
		mfn_to_page(virt_to_mfn(d->shared_info))->count_info = 0;
	}
	free_pages(d->shared_info, 0);
	xfree(d);
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
	pr_info("d%u: shut down: %s\n", d->domain_id, shutdown_names[reason]);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		__atomic_or_fetch(&d->vcpu[i]->pause_flags, VPF_DOWN, __ATOMIC_SEQ_CST);
		vcpu_timers_stop(d->vcpu[i]);
		vcpu_sleep(d->vcpu[i]);
	}
	if (d->domain_id == 0)
		dom0_gone(d);
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
}

void domain_destroy(struct domain *d)
{
	unsigned long flags;
	mfn_t n = page_alloc_nr_frames();

	flags = spin_lock_irqsave(&domlist_lock);
	if (domains[d->domain_id] == d)
		domains[d->domain_id] = NULL;
	spin_unlock_irqrestore(&domlist_lock, flags);

	domain_evtchn_destroy(d);
	/* Its grant PTEs live in its L1s: undo them before the frames go. */
	grant_table_release_mappings(d);
	grant_table_destroy(d);
	pv_domain_destroy(d);
	/* Owned frames are found in the frame table (no per-domain list yet). */
	for (mfn_t mfn = 0; mfn < n; mfn++) {
		struct page_info *pg = mfn_to_page(mfn);

		if (pg->state == PGS_INUSE && pg->owner == d->domain_id &&
		    !(pg->count_info & PGC_XEN_HEAP)) {
			pg->owner = UINT16_MAX;
			pg->count_info = 0;
			pg->type_info = 0;
			free_frames(mfn, 0);
		}
	}
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		xfree(d->vcpu[i]);
	{
		struct page_info *sp = mfn_to_page(virt_to_mfn(d->shared_info));

		sp->owner = UINT16_MAX;
		sp->count_info = 0;
		sp->type_info = 0;
	}
	free_pages(d->shared_info, 0);
	xfree(d);
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
