// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_io (18) and xen_version (17): the success paths with their
 * visible effects, every documented error, and the guest-handle rules
 * every hypercall shares (unmapped, non-canonical and hypervisor-range
 * pointers are -EFAULT). Also checks that a hypercall preserves the
 * registers pv-abi-core.md 3.2 says it must.
 */
#include "lib.h"

const char test_title[] = "console-version: console_io and xen_version";

static void *const bad_ptrs[] = {
	BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL, BAD_PTR_M2P, BAD_PTR_HYPERVISOR,
};
static const char *const bad_ptr_names[] = {
	"unmapped", "non-canonical", "M2P (hypervisor range)",
	"hypervisor range",
};

static void test_write(void)
{
	static const char msg[] = "console-version: a CONSOLEIO_write line\n";

	/* Xen returns 0, not the byte count (Linux does not rely on either). */
	check_rc("write", HYPERVISOR_console_io(CONSOLEIO_write,
						sizeof(msg) - 1, msg), 0);
}

static void test_write_len0(void)
{
	check_rc("write len 0", HYPERVISOR_console_io(CONSOLEIO_write, 0, "x"),
		 0);
	/* Nothing is read, so even NULL is fine. */
	check_rc("write len 0 NULL", HYPERVISOR_console_io(CONSOLEIO_write, 0,
							   NULL), 0);
}

static void test_write_bad_pointers(void)
{
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_ptrs); i++) {
		snprintf(what, sizeof(what), "write from %s", bad_ptr_names[i]);
		check_rc(what, HYPERVISOR_console_io(CONSOLEIO_write, 16,
						     bad_ptrs[i]),
			 -XEN_EFAULT);
	}
}

/* Two pages of our bss; the second is unmapped by the case below. */
static char crossing[2 * PAGE_SIZE] __page_aligned;

static void test_write_crossing(void)
{
	char *buf = crossing + PAGE_SIZE - 8;
	long rc;

	memset(buf, '\n', 8);	/* whatever gets printed is blank lines */
	rc = unmap_page(crossing + PAGE_SIZE);
	if (rc) {
		test_fail("update_va_mapping(unmap) rc %ld %s: needed to make a hole",
			  rc, errno_name(rc));
		return;
	}
	check_rc("write crossing into an unmapped page",
		 HYPERVISOR_console_io(CONSOLEIO_write, 16, buf), -XEN_EFAULT);
}

static void test_bad_cmd(void)
{
	check_rc("console_io cmd 2", HYPERVISOR_console_io(2, 1, "x"),
		 -XEN_ENOSYS);
	check_rc("console_io cmd 0x7fffffff",
		 HYPERVISOR_console_io(0x7fffffff, 1, "x"), -XEN_ENOSYS);
}

static void test_read(void)
{
	char buf[16];
	long rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf);

	/* Nobody types on the test console: 0 bytes, but any count is legal. */
	CHECK(rc >= 0 && rc <= (long)sizeof(buf), "read: rc %ld %s", rc,
	      errno_name(rc));
}

/* preserve.S: RBX RBP R9 R12 R13 R14 R15 after a hypercall, then dRSP. */
void preserve_probe(uint64_t out[8]);
static const uint64_t magic[] = {
	0x1111111111111111, 0x2222222222222222, 0x9999999999999999,
	0xcccccccccccccccc, 0xdddddddddddddddd, 0xeeeeeeeeeeeeeeee,
	0xffffffffffffffff,
};

static void test_preserved_registers(void)
{
	static const char *const names[] = {
		"RBX", "RBP", "R9", "R12", "R13", "R14", "R15",
	};
	uint64_t out[8];
	size_t i;

	preserve_probe(out);
	for (i = 0; i < ARRAY_SIZE(magic); i++)
		CHECK(out[i] == magic[i], "%s changed by a hypercall: %lx, was %lx",
		      names[i], out[i], magic[i]);
	CHECK(out[7] == 0, "RSP moved by %ld across a hypercall", (long)out[7]);
}

static void test_version(void)
{
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);

	printk("  version %ld.%ld\n", v >> 16, v & 0xffff);
	CHECK(v > 0 && (v >> 16) >= 3, "XENVER_version %lx: major < 3", v);
	CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) == v,
	      "XENVER_version changed between two calls");
}

/*
 * Run xen_version CMD into a buffer of SIZE bytes that sits between two
 * guard areas: the call must succeed and write nothing outside the buffer.
 */
static bool version_into(const char *what, int cmd, void *buf, size_t size)
{
	static uint8_t area[2048 + 64];
	uint8_t *p = area + 32;
	size_t i;
	long rc;

	memset(area, 0xa5, sizeof(area));
	rc = HYPERVISOR_xen_version(cmd, p);
	memcpy(buf, p, size);
	if (!check_rc(what, rc, 0))
		return false;
	for (i = 0; i < sizeof(area); i++) {
		if ((i < 32 || i >= 32 + size) && area[i] != 0xa5) {
			test_fail("%s: wrote byte %ld outside its %zu-byte buffer",
				  what, (long)i - 32, size);
			return false;
		}
	}
	return true;
}

static void test_strings(void)
{
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	xen_changeset_info_t changeset;
	xen_compile_info_t compile;

	if (version_into("extraversion", XENVER_extraversion, extra,
			 sizeof(extra))) {
		CHECK(strnlen(extra, sizeof(extra)) < sizeof(extra),
		      "extraversion not NUL-terminated");
		printk("  extraversion \"%s\"\n", extra);
	}
	if (version_into("capabilities", XENVER_capabilities, caps,
			 sizeof(caps))) {
		CHECK(strnlen(caps, sizeof(caps)) < sizeof(caps),
		      "capabilities not NUL-terminated");
		printk("  capabilities \"%s\"\n", caps);
		CHECK(strstr(caps, "xen-3.0-x86_64"),
		      "capabilities \"%s\" lack xen-3.0-x86_64", caps);
	}
	if (version_into("changeset", XENVER_changeset, changeset,
			 sizeof(changeset)))
		CHECK(strnlen(changeset, sizeof(changeset)) < sizeof(changeset),
		      "changeset not NUL-terminated");
	version_into("compile_info", XENVER_compile_info, &compile,
		     sizeof(compile));
}

static void test_features(void)
{
	/* pv-abi-core.md 6: what a 64-bit PV dom0 must and must not see. */
	const uint32_t must = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
			      (1u << XENFEAT_gnttab_map_avail_bits) |
			      (1u << XENFEAT_dom0);
	const uint32_t must_not = (1u << XENFEAT_writable_page_tables) |
				  (1u << XENFEAT_auto_translated_physmap) |
				  (1u << XENFEAT_supervisor_mode_kernel) |
				  (1u << XENFEAT_hvm_callback_vector) |
				  (1u << XENFEAT_hvm_safe_pvclock) |
				  (1u << XENFEAT_hvm_pirqs);
	xen_feature_info_t fi = { .submap_idx = 0 };

	if (!check_rc("get_features 0",
		      HYPERVISOR_xen_version(XENVER_get_features, &fi), 0))
		return;
	printk("  submap 0 = 0x%08x\n", fi.submap);
	CHECK((fi.submap & must) == must, "features 0x%x lack 0x%x", fi.submap,
	      must & ~fi.submap);
	CHECK(!(fi.submap & must_not), "features 0x%x have 0x%x", fi.submap,
	      fi.submap & must_not);

	fi.submap_idx = XENFEAT_NR_SUBMAPS;
	fi.submap = 0xdeadbeef;
	check_rc("get_features past XENFEAT_NR_SUBMAPS",
		 HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
}

static void test_parameters(void)
{
	xen_platform_parameters_t pp;
	xen_domain_handle_t handle;
	long rc;

	if (version_into("platform_parameters", XENVER_platform_parameters,
			 &pp, sizeof(pp)))
		CHECK(pp.virt_start == HYPERVISOR_VIRT_START,
		      "virt_start %lx, expected %lx", (unsigned long)pp.virt_start,
		      HYPERVISOR_VIRT_START);
	rc = HYPERVISOR_xen_version(XENVER_pagesize, NULL);
	CHECK(rc == PAGE_SIZE, "pagesize %ld", rc);
	version_into("guest_handle", XENVER_guest_handle, handle,
		     sizeof(handle));
}

static void test_version_errors(void)
{
	static const int cmds[] = {
		XENVER_extraversion, XENVER_capabilities,
		XENVER_platform_parameters, XENVER_get_features,
	};
	char what[80];
	size_t i, j;

	check_rc("xen_version cmd 64", HYPERVISOR_xen_version(64, NULL),
		 -XEN_ENOSYS);
	check_rc("xen_version cmd 0x7fffffff",
		 HYPERVISOR_xen_version(0x7fffffff, NULL), -XEN_ENOSYS);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (j = 0; j < ARRAY_SIZE(bad_ptrs); j++) {
			snprintf(what, sizeof(what), "xen_version %d to %s",
				 cmds[i], bad_ptr_names[j]);
			check_rc(what, HYPERVISOR_xen_version(cmds[i],
							      bad_ptrs[j]),
				 -XEN_EFAULT);
		}
	}
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "console write", test_write },
		{ "console write of 0 bytes", test_write_len0 },
		{ "console write from bad pointers", test_write_bad_pointers },
		{ "console write crossing into a hole", test_write_crossing },
		{ "console_io unknown cmd", test_bad_cmd },
		{ "console read", test_read },
		{ "hypercall preserves registers", test_preserved_registers },
		{ "XENVER_version", test_version },
		{ "version strings", test_strings },
		{ "XENVER_get_features", test_features },
		{ "platform parameters, pagesize, handle", test_parameters },
		{ "xen_version errors", test_version_errors },
	};

	run_cases(cases, ARRAY_SIZE(cases));
}
