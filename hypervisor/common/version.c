// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen_version: who we are, as the ABI asks. We report the ABI generation
 * we implement (the headers' 4.17) so guests take the paths they take on
 * that Xen; the extraversion says it is Ward.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/version.h>
#include <public/features.h>
#include <public/version.h>
#include <asm/hypercall.h>

#define WARD_EXTRAVERSION	".0-ward"
#define WARD_CAPABILITIES	"xen-3.0-x86_64"
#define WARD_CHANGESET		"ward " WARD_VERSION_STRING
#define WARD_COMPILER		"gcc " __VERSION__
#define WARD_COMPILE_BY		"ward"
#define WARD_COMPILE_DOMAIN	"localdomain"

extern const char *hypervisor_cmdline(void);

static uint32_t feature_submap0(const struct domain *d)
{
	/*
	 * Linux 6.1 panics in xen_setup_features() without the last two:
	 * mmu_update must honour MMU_PT_UPDATE_PRESERVE_AD (PV MMU, issue 4)
	 * and grant mappings the GNTMAP avail bits (grant tables, issue 9).
	 */
	uint32_t map = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
		       (1u << XENFEAT_gnttab_map_avail_bits);

	/* writable_page_tables is not reported for PV guests, as on Xen 4.17. */
	if (d->is_privileged)
		map |= 1u << XENFEAT_dom0;
	return map;
}

/* Copy a NUL-padded string of the ABI's fixed size out to the guest. */
static long put_fixed_string(unsigned long arg, const char *s, size_t size)
{
	char buf[1024];

	if (size > sizeof(buf))
		return -EINVAL;
	memset(buf, 0, size);
	strlcpy(buf, s, size);
	return copy_to_guest_raw(arg, buf, size) ? -EFAULT : 0;
}

long do_xen_version(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;

	switch (cmd) {
	case XENVER_version:
		return (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;
	case XENVER_extraversion:
		return put_fixed_string(arg, WARD_EXTRAVERSION, sizeof(xen_extraversion_t));
	case XENVER_capabilities:
		return put_fixed_string(arg, WARD_CAPABILITIES, sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return put_fixed_string(arg, WARD_CHANGESET, sizeof(xen_changeset_info_t));
	case XENVER_compile_info: {
		xen_compile_info_t ci;

		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, WARD_COMPILER, sizeof(ci.compiler));
		strlcpy(ci.compile_by, WARD_COMPILE_BY, sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, WARD_COMPILE_DOMAIN, sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
		return copy_to_guest_raw(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_platform_parameters: {
		xen_platform_parameters_t p = { .virt_start = HYPERVISOR_VIRT_START };

		return copy_to_guest_raw(arg, &p, sizeof(p)) ? -EFAULT : 0;
	}
	case XENVER_get_features: {
		xen_feature_info_t fi;

		if (copy_from_guest_raw(&fi, arg, sizeof(fi)))
			return -EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi.submap = feature_submap0(d);
		return copy_to_guest_raw(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle: {
		xen_domain_handle_t h;

		memset(h, 0, sizeof(h));	/* domain UUIDs come with the toolstack */
		return copy_to_guest_raw(arg, h, sizeof(h)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
		if (!d->is_privileged)
			return -EPERM;
		return put_fixed_string(arg, hypervisor_cmdline(), sizeof(xen_commandline_t));
	default:
		return -ENOSYS;
	}
}
