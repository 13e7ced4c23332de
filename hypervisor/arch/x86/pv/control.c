// SPDX-License-Identifier: GPL-2.0-only
/*
 * The toolstack control interface (ward/ctl.h, docs/control.md): dom0's
 * tools create, pause, unpause, shut down, destroy and list domains, and
 * read the hypervisor's message ring, through one hypercall. Every command
 * is decoded and checked in full before it changes anything; only dom0
 * may call it.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <public/sched.h>
#include <ward/ctl.h>
#include <asm/domain-build.h>
#include <asm/hypercall.h>
#include <asm/page.h>
#include <asm/time.h>

_Static_assert(sizeof(struct ward_ctl) == 144, "ward_ctl layout is ABI");
_Static_assert(sizeof(struct ward_dominfo) == 64, "ward_dominfo layout is ABI");

/* Largest images the hypervisor stages for the builder. */
#define CTL_KERNEL_MAX		MiB(64)
#define CTL_RAMDISK_MAX		MiB(256)
/* Memory kept free for the hypervisor's own use when domains are created. */
#define CTL_HV_RESERVE		MiB(16)
/* List entries copied per call at most, so a call is bounded. */
#define CTL_LIST_MAX		MAX_DOMAINS

/* A hypervisor copy of a guest buffer, for the builder. */
struct staged {
	void *p;
	unsigned int order;
};

static unsigned int order_for(size_t len)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < len)
		order++;
	return order;
}

static int stage(struct staged *s, uint64_t gva, uint64_t len)
{
	s->p = NULL;
	if (!len)
		return 0;
	s->order = order_for(len);
	s->p = alloc_pages(s->order);
	if (!s->p)
		return -ENOMEM;
	if (copy_from_guest_raw(s->p, gva, len)) {
		free_pages(s->p, s->order);
		s->p = NULL;
		return -EFAULT;
	}
	return 0;
}

static void unstage(struct staged *s)
{
	if (s->p)
		free_pages(s->p, s->order);
}

/* Copy a NUL-terminated string of at most @max bytes (NUL included). */
static int copy_string(char *dst, uint64_t gva, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (get_guest(dst[i], gva + i))
			return -EFAULT;
		if (!dst[i])
			return 0;
	}
	return -E2BIG;
}

static int ctl_create(struct ward_ctl *c)
{
	struct ward_ctl_create *cr = &c->u.create;
	struct staged kernel = { 0 }, ramdisk = { 0 };
	static char cmdline[WARD_CTL_CMDLINE_MAX];	/* guarded by create_lock */
	static DEFINE_SPINLOCK(create_lock);
	struct pv_build pb = { 0 };
	uint64_t pages = cr->mem_kb / (PAGE_SIZE / 1024);
	const char *why = NULL;
	int rc;

	/* Decode: nothing changes until every field checked out. */
	if (cr->flags || !cr->vcpus || cr->vcpus > WARD_CTL_MAX_VCPUS)
		return -EINVAL;
	if (cr->mem_kb < WARD_CTL_MIN_MEM_KB || cr->mem_kb > (UINT64_MAX >> 10))
		return -EINVAL;
	if (!cr->kernel_len || cr->kernel_len > CTL_KERNEL_MAX ||
	    cr->ramdisk_len > CTL_RAMDISK_MAX || (!cr->ramdisk && cr->ramdisk_len))
		return -EINVAL;
	if (cr->max_kb > (UINT64_MAX >> 10))
		return -EINVAL;
	if (pages + (CTL_HV_RESERVE >> PAGE_SHIFT) > page_alloc_free_frames())
		return -ENOMEM;

	spin_lock(&create_lock);
	cmdline[0] = '\0';
	rc = cr->cmdline ? copy_string(cmdline, cr->cmdline, sizeof(cmdline)) : 0;
	if (rc == -E2BIG)
		rc = -EINVAL;
	if (!rc)
		rc = stage(&kernel, cr->kernel, cr->kernel_len);
	if (!rc && cr->ramdisk)
		rc = stage(&ramdisk, cr->ramdisk, cr->ramdisk_len);
	if (rc)
		goto out;

	pb.kernel = kernel.p;
	pb.kernel_len = cr->kernel_len;
	pb.initrd = ramdisk.p;
	pb.initrd_len = cr->ramdisk ? cr->ramdisk_len : 0;
	pb.cmdline = cmdline;
	pb.mem = pages << PAGE_SHIFT;
	/* Bounded by the machine: more could never be populated anyway. */
	pb.max_mem = min(cr->max_kb / (PAGE_SIZE / 1024), page_alloc_total_frames())
		     << PAGE_SHIFT;
	pb.vcpus = cr->vcpus;
	pb.domid = DOMID_INVALID;
	rc = pv_build_domain(&pb, &why);
	if (rc) {
		pr_warn("ctl: create refused: %s\n", why);
		goto out;
	}
	/* Paused until the toolstack has its devices ready (WARD_CTL_unpause). */
	domain_pause(pb.d);
	pb.d->store_mfn = pb.store_mfn;
	pb.d->console_mfn = pb.console_mfn;
	pb.d->store_port = pb.store_port;
	pb.d->console_port = pb.console_port;
	c->domid = pb.d->domain_id;
	cr->store_mfn = pb.store_mfn;
	cr->console_mfn = pb.console_mfn;
	cr->store_port = pb.store_port;
	cr->console_port = pb.console_port;
	pr_dom_info(pb.d, "ctl: d%u created (%llu MiB, %u vCPU), paused\n", pb.d->domain_id,
		(unsigned long long)(pages >> (20 - PAGE_SHIFT)), cr->vcpus);
out:
	spin_unlock(&create_lock);
	unstage(&kernel);
	unstage(&ramdisk);
	return rc;
}

static void fill_info(struct ward_dominfo *di, struct domain *d)
{
	bool all_blocked = true, any_up = false;

	memset(di, 0, sizeof(*di));
	di->domid = d->domain_id;
	di->nr_vcpus = d->max_vcpus;
	di->tot_pages = d->tot_pages;
	di->max_pages = d->max_pages;
	di->store_mfn = d->store_mfn;
	di->console_mfn = d->console_mfn;
	di->store_port = d->store_port;
	di->console_port = d->console_port;
	if (d->is_dying)
		di->flags |= WARD_DOMINF_dying;
	if (d->is_shut_down) {
		di->flags |= WARD_DOMINF_shutdown;
		di->shutdown_reason = d->shutdown_code;
	}
	if (d->pause_count)
		di->flags |= WARD_DOMINF_paused;
	if (d->is_privileged)
		di->flags |= WARD_DOMINF_privileged;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		unsigned int pf = READ_ONCE(v->pause_flags);

		di->cpu_time_ns += v->runstate.time[RUNSTATE_running];
		if (READ_ONCE(v->processor) >= 0 && !vcpu_is_lazy(v))
			di->flags |= WARD_DOMINF_running;
		if (pf & VPF_DOWN)
			continue;
		any_up = true;
		if (!(pf & VPF_BLOCKED))
			all_blocked = false;
	}
	if (any_up && all_blocked)
		di->flags |= WARD_DOMINF_blocked;
}

struct list_ctx {
	struct ward_ctl_list *l;
	unsigned int nr;
	int rc;
};

static int list_one(struct domain *d, void *ctx)
{
	struct list_ctx *lc = ctx;
	struct ward_dominfo di;

	if (lc->nr >= lc->l->max)
		return 1;
	fill_info(&di, d);
	if (copy_to_guest_raw(lc->l->buf + (uint64_t)lc->nr * sizeof(di), &di, sizeof(di))) {
		lc->rc = -EFAULT;
		return 1;
	}
	lc->nr++;
	return 0;
}

static int ctl_list(struct ward_ctl *c)
{
	struct list_ctx lc = { &c->u.list, 0, 0 };

	if (c->u.list.max > CTL_LIST_MAX)
		c->u.list.max = CTL_LIST_MAX;
	if (c->domid >= MAX_DOMAINS) {
		c->u.list.nr = 0;
		return 0;
	}
	domain_for_each((domid_t)c->domid, list_one, &lc);
	c->u.list.nr = lc.nr;
	return lc.rc;
}

static int ctl_physinfo(struct ward_ctl *c)
{
	struct ward_ctl_physinfo *p = &c->u.physinfo;

	if (p->pad)
		return -EINVAL;
	p->nr_cpus = arch_cpus_online();
	p->total_pages = page_alloc_total_frames();
	p->free_pages = page_alloc_free_frames();
	p->cpu_khz = tsc_khz();
	return 0;
}

/* Bytes moved per step, so that console_lock is held only briefly. */
#define CTL_CONSOLE_CHUNK	256

static int ctl_console_read(struct ward_ctl *c)
{
	struct ward_ctl_console_read *r = &c->u.console_read;
	char chunk[CTL_CONSOLE_CHUNK];
	uint32_t len = r->len, done = 0;
	uint64_t pos = 0;
	size_t n;

	if (r->flags & ~WARD_CTL_CONSOLE_clear)
		return -EINVAL;
	if (len > WARD_CTL_CONSOLE_RING)
		len = WARD_CTL_CONSOLE_RING;
	/* Bounded by len: at most WARD_CTL_CONSOLE_RING / chunk steps. */
	while (done < len) {
		n = printk_ring_copy(&pos, chunk, min((size_t)(len - done), sizeof(chunk)));
		if (!n)
			break;
		/* A fault loses nothing: the ring is only cleared on success. */
		if (copy_to_guest_raw(r->buf + done, chunk, n))
			return -EFAULT;
		done += (uint32_t)n;
	}
	if (r->flags & WARD_CTL_CONSOLE_clear)
		printk_ring_clear(pos);
	r->len = done;
	return 0;
}

/*
 * Set @d's max_pages. Under mm_lock, which reservation_op (memory.c)
 * holds while it compares tot_pages with max_pages and grows tot_pages.
 */
static int ctl_set_max_mem(struct ward_ctl *c, struct domain *d)
{
	uint64_t kb = c->u.max_mem.max_kb;
	uint64_t pages = kb / (PAGE_SIZE / 1024);

	if (kb < WARD_CTL_MIN_MEM_KB || pages > d->arch.nr_pfns)
		return -EINVAL;
	spin_lock(&d->mm_lock);
	d->max_pages = pages;
	spin_unlock(&d->mm_lock);
	return 0;
}

/* The target of pause/unpause/shutdown/destroy: a live domU. */
static int target(const struct ward_ctl *c, struct domain **out)
{
	struct domain *d;

	if (c->domid == 0)
		return -EINVAL;	/* dom0 is not the toolstack's to stop */
	if (c->domid >= MAX_DOMAINS || !(d = domain_lookup((domid_t)c->domid)))
		return -ESRCH;
	*out = d;
	return 0;
}

long do_ward_ctl(unsigned long arg)
{
	struct domain *self = current_vcpu()->domain, *d = NULL;
	struct ward_ctl c;
	int rc;

	if (!self->is_privileged)
		return -EPERM;
	if (copy_from_guest_raw(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.version != WARD_CTL_VERSION)
		return -EACCES;
	if (c.pad)
		return -EINVAL;

	switch (c.cmd) {
	case WARD_CTL_create:
		rc = ctl_create(&c);
		break;
	case WARD_CTL_destroy:
		rc = target(&c, &d);
		if (!rc)
			domain_kill(d);
		return rc;
	case WARD_CTL_pause:
		rc = target(&c, &d);
		if (!rc)
			domain_pause(d);
		return rc;
	case WARD_CTL_unpause:
		rc = target(&c, &d);
		return rc ? rc : domain_unpause(d);
	case WARD_CTL_shutdown:
		rc = target(&c, &d);
		if (rc)
			return rc;
		if (c.u.shutdown.pad)
			return -EINVAL;
		return domain_shutdown(d, c.u.shutdown.reason) ? 0 : -EINVAL;
	case WARD_CTL_list:
		rc = ctl_list(&c);
		break;
	case WARD_CTL_physinfo:
		rc = ctl_physinfo(&c);
		break;
	case WARD_CTL_console_read:
		rc = ctl_console_read(&c);
		break;
	case WARD_CTL_set_max_mem:
		rc = target(&c, &d);
		return rc ? rc : ctl_set_max_mem(&c, d);
	default:
		return -ENOSYS;
	}
	if (rc)
		return rc;
	/*
	 * A create whose result cannot be copied out leaves a paused domain
	 * the caller does not know the id of; WARD_CTL_list finds it.
	 */
	return copy_to_guest_raw(arg, &c, sizeof(c)) ? -EFAULT : 0;
}
