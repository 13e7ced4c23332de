// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI devices dom0 announces (PHYSDEVOP_pci_device_add/remove). Linux as
 * dom0 reports each device it finds so that the hypervisor can set up
 * MSI and passthrough for it; without an answer it warns, once per
 * device, that passthrough or MSI might fail.
 *
 * Ward assigns no device to any domain and does not program MSI, so it
 * has nothing to record yet: dom0 owns every device. The calls are
 * validated (privilege, readable arguments) and accepted. Unknown flag
 * bits are ignored, as Xen 4.17 does (checked by the platform-op guest). When device
 * passthrough comes, this is where the device list starts.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <public/physdev.h>
#include <asm/hypercall.h>

/* The fixed part of physdev_pci_device_add, before the optional PXM array. */
#define PCI_DEVICE_ADD_FIXED	offsetof(struct physdev_pci_device_add, optarr)

long physdev_pci_op(unsigned long cmd, unsigned long arg)
{
	const struct domain *d = current_vcpu()->domain;

	switch (cmd) {
	case PHYSDEVOP_pci_device_add: {
		struct physdev_pci_device_add add;
		uint32_t pxm;

		if (!d->is_privileged)
			return -EPERM;
		if (copy_from_guest_raw(&add, arg, PCI_DEVICE_ADD_FIXED))
			return -EFAULT;
		/* The proximity domain follows when the caller says so. */
		if ((add.flags & XEN_PCI_DEV_PXM) &&
		    copy_from_guest_raw(&pxm, arg + PCI_DEVICE_ADD_FIXED, sizeof(pxm)))
			return -EFAULT;
		return 0;
	}
	case PHYSDEVOP_pci_device_remove: {
		struct physdev_pci_device dev;

		if (!d->is_privileged)
			return -EPERM;
		return copy_from_guest_raw(&dev, arg, sizeof(dev)) ? -EFAULT : 0;
	}
	default:
		return -ENOSYS;
	}
}
