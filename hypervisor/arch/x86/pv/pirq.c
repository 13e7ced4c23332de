// SPDX-License-Identifier: GPL-2.0-only
/*
 * dom0's physical interrupts (PIRQs). Linux as dom0 names each device
 * interrupt line (GSI) it wants with PHYSDEVOP_map_pirq, tells its
 * trigger mode and polarity with PHYSDEVOP_setup_gsi (from the ACPI
 * tables), binds it to an event channel (EVTCHNOP_bind_pirq, when a
 * driver requests the IRQ), and, for level-triggered lines, says when it
 * has serviced one with PHYSDEVOP_eoi.
 *
 * Ward routes the GSI's IOAPIC pin to vector IOAPIC_VECTOR_BASE + gsi on
 * the boot CPU while it is bound. An interrupt marks the port pending; a
 * level-triggered pin stays masked from then until dom0's EOI, so the
 * line cannot storm while dom0 has not yet run its handler (that is what
 * XENIRQSTAT_needs_eoi tells Linux). Edge-triggered pins stay unmasked.
 *
 * Only the privileged domain has PIRQs, and a PIRQ is its GSI (Linux asks
 * for exactly that for GSIs). COM1's line is the hypervisor's, as on Xen
 * ("Already setup the GSI :4"). MSIs are not supported yet.
 *
 * Lock order: a domain's evtchn_lock, then pirq_lock (bind and unbind run
 * under the former). The interrupt path takes pirq_lock alone and drops
 * it before it raises the event, which takes evtchn_lock and re-checks
 * that the port still is this PIRQ's (it may have been closed between).
 * Closing a PIRQ's port, also while a domain is destroyed, unbinds it
 * first (event-channel.c), so no new interrupt names a dying domain.
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <hv/spinlock.h>
#include <hv/virq.h>
#include <public/physdev.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hypercall.h>
#include <asm/ioapic.h>
#include <asm/pirq.h>

/* COM1's ISA IRQ: the hypervisor's console line (identity-mapped GSI). */
#define GSI_COM1		4
#define TRIGGER_LEVEL		1
#define POLARITY_LOW		1

struct pirq {
	bool mapped;		/* PHYSDEVOP_map_pirq done */
	bool setup;		/* PHYSDEVOP_setup_gsi done (else: edge, high) */
	bool level;
	bool active_low;
	bool awaiting_eoi;	/* level: masked until dom0's EOI */
	uint32_t port;		/* bound event channel; 0: unbound */
	struct domain *owner;	/* while bound */
};

/* All of dom0's PIRQs, indexed by GSI; guarded by pirq_lock. */
static struct pirq pirqs[IOAPIC_MAX_GSIS];
static DEFINE_SPINLOCK(pirq_lock);

static bool pirq_valid(int64_t pirq)
{
	return pirq >= 0 && pirq < IOAPIC_MAX_GSIS && ioapic_has_gsi((uint32_t)pirq);
}

int arch_pirq_bind_check(struct domain *d, uint32_t pirq)
{
	unsigned long f;
	int rc = 0;

	if (!d->is_privileged)
		return -EPERM;
	if (!pirq_valid(pirq))
		return -EINVAL;
	if (pirq == GSI_COM1)
		return -EPERM;
	f = spin_lock_irqsave(&pirq_lock);
	if (!pirqs[pirq].mapped)
		rc = -EINVAL;
	else if (pirqs[pirq].port)
		rc = -EEXIST;
	spin_unlock_irqrestore(&pirq_lock, f);
	return rc;
}

void arch_pirq_bind(struct domain *d, uint32_t pirq, uint32_t port)
{
	struct pirq *p = &pirqs[pirq];
	uint32_t bsp_apic_id = 0;
	unsigned long f;

	BUG_ON(!arch_cpu_apic_id(0, &bsp_apic_id));
	f = spin_lock_irqsave(&pirq_lock);
	p->port = port;
	p->owner = d;
	p->awaiting_eoi = false;
	ioapic_route(pirq, (uint8_t)(IOAPIC_VECTOR_BASE + pirq), bsp_apic_id, p->level,
		     p->active_low);
	ioapic_set_masked(pirq, false);
	spin_unlock_irqrestore(&pirq_lock, f);
}

void arch_pirq_unbind(struct domain *d, uint32_t pirq)
{
	unsigned long f;

	if (!pirq_valid(pirq))
		return;
	f = spin_lock_irqsave(&pirq_lock);
	if (pirqs[pirq].owner == d) {
		ioapic_set_masked(pirq, true);
		pirqs[pirq].port = 0;
		pirqs[pirq].owner = NULL;
		pirqs[pirq].awaiting_eoi = false;
	}
	spin_unlock_irqrestore(&pirq_lock, f);
}

void pirq_interrupt(uint32_t gsi)
{
	struct domain *owner = NULL;
	uint32_t port = 0;
	unsigned long f;

	f = spin_lock_irqsave(&pirq_lock);
	if (gsi < IOAPIC_MAX_GSIS && pirqs[gsi].port) {
		owner = pirqs[gsi].owner;
		port = pirqs[gsi].port;
		if (pirqs[gsi].level) {
			ioapic_set_masked(gsi, true);
			pirqs[gsi].awaiting_eoi = true;
		}
	} else if (ioapic_has_gsi(gsi)) {
		ioapic_set_masked(gsi, true);	/* nobody listens: keep it quiet */
	}
	spin_unlock_irqrestore(&pirq_lock, f);
	apic_eoi();
	if (owner)
		send_guest_pirq(owner, port, gsi);
}

static long map_pirq(struct domain *d, unsigned long arg)
{
	struct physdev_map_pirq m;
	unsigned long f;

	if (copy_from_guest_raw(&m, arg, sizeof(m)))
		return -EFAULT;
	if (m.domid != DOMID_SELF && m.domid != d->domain_id)
		return -EPERM;	/* PIRQs for other domains: with passthrough */
	if (m.type != MAP_PIRQ_TYPE_GSI)
		return -EINVAL;	/* MSI is not supported yet */
	if (!pirq_valid(m.index) || (m.pirq >= 0 && m.pirq != m.index))
		return -EINVAL;
	f = spin_lock_irqsave(&pirq_lock);
	pirqs[m.index].mapped = true;
	spin_unlock_irqrestore(&pirq_lock, f);
	m.pirq = m.index;
	return copy_to_guest_raw(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

static long unmap_pirq(struct domain *d, unsigned long arg)
{
	struct physdev_unmap_pirq u;
	unsigned long f;
	long rc = 0;

	if (copy_from_guest_raw(&u, arg, sizeof(u)))
		return -EFAULT;
	if (u.domid != DOMID_SELF && u.domid != d->domain_id)
		return -EPERM;
	if (!pirq_valid(u.pirq))
		return -EINVAL;
	f = spin_lock_irqsave(&pirq_lock);
	if (pirqs[u.pirq].port)
		rc = -EBUSY;	/* close the event channel first */
	else
		pirqs[u.pirq].mapped = false;
	spin_unlock_irqrestore(&pirq_lock, f);
	return rc;
}

static long setup_gsi(unsigned long arg)
{
	struct physdev_setup_gsi s;
	unsigned long f;
	long rc = 0;

	if (copy_from_guest_raw(&s, arg, sizeof(s)))
		return -EFAULT;
	if (!pirq_valid(s.gsi) || s.triggering > TRIGGER_LEVEL || s.polarity > POLARITY_LOW)
		return -EINVAL;
	if (s.gsi == GSI_COM1)
		return -EEXIST;	/* the hypervisor's, set up long ago */
	f = spin_lock_irqsave(&pirq_lock);
	if (pirqs[s.gsi].setup) {
		rc = -EEXIST;
	} else {
		pirqs[s.gsi].setup = true;
		pirqs[s.gsi].level = s.triggering == TRIGGER_LEVEL;
		pirqs[s.gsi].active_low = s.polarity == POLARITY_LOW;
	}
	spin_unlock_irqrestore(&pirq_lock, f);
	return rc;
}

long pirq_physdev_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	unsigned long f;

	if (!d->is_privileged)
		return -EPERM;
	switch (cmd) {
	case PHYSDEVOP_map_pirq:
		return map_pirq(d, arg);
	case PHYSDEVOP_unmap_pirq:
		return unmap_pirq(d, arg);
	case PHYSDEVOP_setup_gsi:
		return setup_gsi(arg);
	case PHYSDEVOP_irq_status_query: {
		struct physdev_irq_status_query q;

		if (copy_from_guest_raw(&q, arg, sizeof(q)))
			return -EFAULT;
		if (!pirq_valid(q.irq))
			return -EINVAL;
		f = spin_lock_irqsave(&pirq_lock);
		q.flags = pirqs[q.irq].level ? XENIRQSTAT_needs_eoi : 0;
		spin_unlock_irqrestore(&pirq_lock, f);
		return copy_to_guest_raw(arg, &q, sizeof(q)) ? -EFAULT : 0;
	}
	case PHYSDEVOP_alloc_irq_vector: {
		/*
		 * Linux asks this for each GSI it maps and only checks that it
		 * succeeds; the vector is the one the GSI will use here.
		 */
		struct physdev_irq irq;

		if (copy_from_guest_raw(&irq, arg, sizeof(irq)))
			return -EFAULT;
		if (!pirq_valid(irq.irq))
			return -EINVAL;
		irq.vector = IOAPIC_VECTOR_BASE + irq.irq;
		return copy_to_guest_raw(arg, &irq, sizeof(irq)) ? -EFAULT : 0;
	}
	case PHYSDEVOP_apic_read: {
		/* dom0 reads IOAPIC registers (Linux: version, IDs); writes are ours. */
		struct physdev_apic a;

		if (copy_from_guest_raw(&a, arg, sizeof(a)))
			return -EFAULT;
		if (!ioapic_phys() || a.apic_physbase != ioapic_phys())
			return -EINVAL;
		a.value = ioapic_read_reg(a.reg);
		return copy_to_guest_raw(arg, &a, sizeof(a)) ? -EFAULT : 0;
	}
	case PHYSDEVOP_eoi: {
		struct physdev_eoi e;

		if (copy_from_guest_raw(&e, arg, sizeof(e)))
			return -EFAULT;
		if (!pirq_valid(e.irq))
			return -EINVAL;
		f = spin_lock_irqsave(&pirq_lock);
		if (pirqs[e.irq].awaiting_eoi && pirqs[e.irq].owner == d) {
			pirqs[e.irq].awaiting_eoi = false;
			ioapic_set_masked(e.irq, false);
		}
		spin_unlock_irqrestore(&pirq_lock, f);
		return 0;
	}
	default:
		return -ENOSYS;
	}
}
