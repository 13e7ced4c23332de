// SPDX-License-Identifier: GPL-2.0-only
/*
 * start_ward: the boot CPU's path from head.S to the idle loop. The order
 * matters: traps first (so every later fault is reported), then the boot
 * information (copied out before anything can overwrite it), then memory,
 * then the platform (time, APIC, other CPUs).
 */
#include <hv/arch.h>
#include <hv/bootinfo.h>
#include <hv/bug.h>
#include <hv/cmdline.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <hv/version.h>
#include <hv/sched.h>
#include <asm/domain-build.h>
#include <asm/m2p.h>
#include <asm/page.h>

/* Test-mode exit code when there is no dom0 to run (QEMU status 5). */
#define FATAL_NO_DOM0	2

/* Filled once on the boot CPU, read-only afterwards. */
static struct boot_info boot_info;

/* dom0_mem=SIZE: memory for dom0 (used by the domain builder, issue 3). */
static uint64_t dom0_mem;
size_param("dom0_mem", dom0_mem);

/* test_exit: power QEMU off through isa-debug-exit when done or on a fatal error. */
bool opt_test_exit;
boolean_param("test_exit", opt_test_exit);

/* fault=pf|gp|ud|de: fault on purpose after boot, to test the register dump. */
static char fault_kind[8];
string_param("fault", fault_kind);

static int set_loglvl(const char *v)
{
	return printk_set_level_name(v) ? 0 : -1;
}
custom_param("loglvl", set_loglvl);

/* guest_loglvl=: the threshold for lines about domUs (LOG_G_*). */
static int set_guest_loglvl(const char *v)
{
	return printk_set_guest_level_name(v) ? 0 : -1;
}
custom_param("guest_loglvl", set_guest_loglvl);

const char *hypervisor_cmdline(void);
const char *hypervisor_cmdline(void)
{
	return boot_info.cmdline;
}

unsigned int host_memory_map(const struct mem_range **map)
{
	*map = boot_info.mem;
	return boot_info.nr_mem;
}

static void cmdline_report(const char *msg)
{
	pr_warn("%s\n", msg);
}

static void print_boot_info(const struct boot_info *bi)
{
	pr_info("Boot loader: %s (multiboot%u)\n", bi->loader[0] ? bi->loader : "unknown",
		bi->protocol);
	pr_info("Command line: %s\n", bi->cmdline);
	pr_info("Memory map:\n");
	for (unsigned int i = 0; i < bi->nr_mem; i++)
		pr_info("  %016llx - %016llx %s\n", (unsigned long long)bi->mem[i].start,
			(unsigned long long)bi->mem[i].end, mem_type_name(bi->mem[i].type));
	pr_info("Modules: %u\n", bi->nr_mods);
	for (unsigned int i = 0; i < bi->nr_mods; i++)
		pr_info("  module %u: %#llx-%#llx (%llu KiB) %s\n", i,
			(unsigned long long)bi->mods[i].start, (unsigned long long)bi->mods[i].end,
			(unsigned long long)(bi->mods[i].end - bi->mods[i].start) >> 10,
			bi->mods[i].cmdline);
	if (bi->warnings)
		pr_warn("boot info: %u item(s) truncated or dropped\n", bi->warnings);
}

/*
 * Set up the frame table and hand free RAM to the allocator. Only RAM
 * below 4 GiB is added before paging_init, because until then only the
 * boot page tables' first 4 GiB are mapped.
 */
static void mm_init(const struct boot_info *bi)
{
	struct mem_range excl[BOOT_MAX_MODULES + 2];
	static struct mem_range ranges[BOOT_MAX_MEMRANGES * 2];
	size_t nx = 0, nr;
	uint64_t img_s, img_e, top = 0, ft_bytes;
	struct page_info *ft = NULL;

	/* Real-mode memory stays untouched: BIOS data, EBDA, AP trampoline. */
	excl[nx++] = (struct mem_range){ 0, MiB(1), MEM_RESERVED };
	arch_image_range(&img_s, &img_e);
	excl[nx++] = (struct mem_range){ img_s, img_e, MEM_RESERVED };
	for (unsigned int i = 0; i < bi->nr_mods; i++)
		excl[nx++] = (struct mem_range){ bi->mods[i].start, bi->mods[i].end, MEM_RESERVED };

	nr = bootinfo_free_ranges(bi, excl, nx, ranges, ARRAY_SIZE(ranges));
	for (size_t i = 0; i < nr; i++)
		top = max(top, ranges[i].end);
	if (!nr)
		panic("no usable RAM in the memory map");

	/* The frame table goes at the start of the first free range that holds it. */
	ft_bytes = ROUNDUP(PFN_DOWN(top) * sizeof(struct page_info), (uint64_t)PAGE_SIZE);
	for (size_t i = 0; i < nr; i++) {
		if (ranges[i].end > GiB(4) || ranges[i].end - ranges[i].start < ft_bytes)
			continue;
		ft = maddr_to_virt(ranges[i].start);
		ranges[i].start += ft_bytes;
		break;
	}
	if (!ft)
		panic("no room below 4 GiB for a %llu KiB frame table",
		      (unsigned long long)ft_bytes >> 10);
	page_alloc_init(ft, PFN_DOWN(top));

	for (size_t i = 0; i < nr; i++) {
		uint64_t s = ranges[i].start, e = min(ranges[i].end, GiB(4));

		if (s < e)
			page_alloc_add_range(PFN_DOWN(s), PFN_DOWN(e));
	}
	arch_paging_init(bi);
	for (size_t i = 0; i < nr; i++) {
		uint64_t s = max(ranges[i].start, GiB(4)), e = ranges[i].end;

		if (s < e)
			page_alloc_add_range(PFN_DOWN(s), PFN_DOWN(e));
	}
	heap_init();
	pr_info("Memory: %llu MiB free of %llu MiB managed (frame table %llu KiB)\n",
		(unsigned long long)(page_alloc_free_frames() >> (20 - PAGE_SHIFT)),
		(unsigned long long)(page_alloc_total_frames() >> (20 - PAGE_SHIFT)),
		(unsigned long long)ft_bytes >> 10);
}

void start_ward(uint32_t magic, uint64_t info_pa);
void start_ward(uint32_t magic, uint64_t info_pa)
{
	const char *why;
	unsigned int problems;

	arch_early_init();
	printk("\n");
	pr_info("%s %s (x86-64 PV hypervisor)\n", WARD_NAME, WARD_VERSION_STRING);

	if (bootinfo_parse(&boot_info, magic, info_pa, arch_boot_phys_read, &why))
		panic("boot information unusable: %s", why);
	problems = cmdline_parse(boot_info.cmdline, __param_start,
				 (size_t)(__param_end - __param_start), cmdline_report);
	print_boot_info(&boot_info);
	if (problems)
		pr_warn("Command line: %u problem(s), see above\n", problems);

	mm_init(&boot_info);
	if (dom0_mem)
		pr_info("dom0_mem: %llu MiB requested\n", (unsigned long long)(dom0_mem >> 20));

	if (fault_kind[0])
		arch_self_test_fault(fault_kind);

	arch_platform_init(&boot_info);
	m2p_init();
	pr_info("ward: %u CPU(s) online\n", arch_cpus_online());

	if (dom0_build(&boot_info, dom0_mem)) {
		pr_err("ward: no dom0 to run\n");
		if (opt_test_exit)
			arch_power_off(FATAL_NO_DOM0);
		arch_idle_loop();
	}
	pr_info("ward: starting dom0\n");
	arch_smp_boot_done();
	sched_start_cpu();
}
