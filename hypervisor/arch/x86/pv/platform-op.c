// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_op: dom0 asks about (and would manage) the physical machine.
 * Linux as dom0 calls it at boot to learn the physical CPUs (drivers/xen/
 * pcpu.c, the APIC id in arch/x86/xen/apic.c, xen-acpi-processor), and
 * for firmware information, time, sleep and power management.
 *
 * Ward answers the CPU queries. Everything else is -ENOSYS: firmware
 * information (EDD, EFI, VBE) Ward never collected, setting the hardware
 * clock, ACPI sleep (the hypervisor powers off on SCHEDOP_shutdown), CPU
 * power management, microcode, hotplug. Linux treats each as absent.
 *
 * Order of checks, as in public/platform.h: a privileged caller (-EPERM),
 * then the interface version (-EACCES), then the sub-op.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/platform.h>
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/pcpu.h>
#include <asm/processor.h>

#define CPUID_VENDOR_LEAF	0
#define CPUID_SIGNATURE_LEAF	1
#define FAMILY_EXTENDED		0xf
#define MODEL_EXTENDED_FAMILY	6

_Static_assert(sizeof(struct xen_platform_op) == 136, "ABI: public/platform.h");

uint32_t pcpu_max_present(void)
{
	uint32_t id, n = 0;

	while (n + 1 < NR_CPUS && arch_cpu_apic_id(n + 1, &id))
		n++;
	return n;
}

static uint32_t acpi_id_of(uint32_t apic_id, uint32_t cpu)
{
	const struct acpi_cpus *ac = acpi_get_cpus();

	for (unsigned int i = 0; i < ac->count; i++)
		if (ac->apic_ids[i] == apic_id)
			return ac->acpi_ids[i];
	return cpu;	/* no MADT: the CPU number, as firmware usually numbers them */
}

static int get_cpuinfo(struct xenpf_pcpuinfo *info)
{
	uint32_t cpu = info->xen_cpuid, apic_id;

	/* Any number that is not a present CPU, however large: 0 (Xen). */
	info->max_present = pcpu_max_present();
	if (cpu >= NR_CPUS || !arch_cpu_apic_id(cpu, &apic_id)) {
		info->flags = XEN_PCPU_FLAGS_INVALID;
		info->apic_id = info->acpi_id = 0;
		return 0;
	}
	info->flags = XEN_PCPU_FLAGS_ONLINE;	/* every present CPU runs */
	info->apic_id = apic_id;
	info->acpi_id = acpi_id_of(apic_id, cpu);
	return 0;
}

void pcpu_signature(uint32_t *family, uint32_t *model, uint32_t *stepping)
{
	uint32_t sig = cpuid(CPUID_SIGNATURE_LEAF).eax;

	*family = (sig >> 8) & 0xf;
	*model = (sig >> 4) & 0xf;
	if (*family == FAMILY_EXTENDED || *family == MODEL_EXTENDED_FAMILY)
		*model |= ((sig >> 16) & 0xf) << 4;
	if (*family == FAMILY_EXTENDED)
		*family += (sig >> 20) & 0xff;
	*stepping = sig & 0xf;
}

static int get_cpu_version(struct xenpf_pcpu_version *ver)
{
	uint32_t cpu = ver->xen_cpuid, apic_id;
	struct cpuid_regs r;

	ver->max_present = pcpu_max_present();
	memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
	ver->family = ver->model = ver->stepping = 0;
	if (cpu >= NR_CPUS || !arch_cpu_apic_id(cpu, &apic_id))
		return 0;	/* not present: all zero */
	/* All CPUs of a machine are alike; this one speaks for @cpu. */
	r = cpuid(CPUID_VENDOR_LEAF);
	memcpy(ver->vendor_id, &r.ebx, 4);
	memcpy(ver->vendor_id + 4, &r.edx, 4);
	memcpy(ver->vendor_id + 8, &r.ecx, 4);
	pcpu_signature(&ver->family, &ver->model, &ver->stepping);
	return 0;
}

long do_platform_op(unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	struct xen_platform_op op;
	int rc;

	if (!d->is_privileged)
		return -EPERM;
	if (copy_from_guest_raw(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XENPF_INTERFACE_VERSION)
		return -EACCES;

	switch (op.cmd) {
	case XENPF_get_cpuinfo:
		rc = get_cpuinfo(&op.u.pcpu_info);
		break;
	case XENPF_get_cpu_version:
		rc = get_cpu_version(&op.u.pcpu_version);
		break;
	default:
		return -ENOSYS;
	}
	if (rc)
		return rc;
	return copy_to_guest_raw(arg, &op, sizeof(op)) ? -EFAULT : 0;
}
