// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU feature detection and per-CPU control-register setup. SMEP and SMAP
 * are turned on wherever the CPU has them: the hypervisor then can neither
 * run nor (outside the guest-access helpers) read guest-user pages. So is
 * UMIP: guests run in ring 3, where sgdt/sidt/sldt/str/smsw would show
 * them our descriptor tables; with UMIP they #GP and pv/emul-umip.c
 * answers them.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/serial.h>

/* Written by cpu_detect() on the boot CPU before any AP starts; read-only after. */
bool cpu_has_nx, cpu_has_smep, cpu_has_page1g;
/* entry.S tests these on every guest entry (CLEAR_AC, the #GP fast path). */
bool cpu_has_smap __hot_data, cpu_has_umip __hot_data;
bool cpu_has_invariant_tsc;
unsigned int cpu_phys_addr_bits = CPU_PHYS_ADDR_BITS_DEFAULT;
static char cpu_vendor[13];

void cpu_detect(void)
{
	struct cpuid_regs r = cpuid(0);
	uint32_t max_basic = r.eax, max_ext;
	char vendor[13];

	__builtin_memcpy(vendor, &r.ebx, 4);
	__builtin_memcpy(vendor + 4, &r.edx, 4);
	__builtin_memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';

	if (max_basic >= 7) {
		r = cpuid_count(7, 0);
		cpu_has_smep = r.ebx & (1u << CPUID_7_EBX_SMEP_BIT);
		cpu_has_smap = r.ebx & (1u << CPUID_7_EBX_SMAP_BIT);
		cpu_has_umip = r.ecx & (1u << CPUID_7_ECX_UMIP_BIT);
	}
	max_ext = cpuid(0x80000000).eax;
	if (max_ext >= 0x80000001) {
		r = cpuid(0x80000001);
		cpu_has_nx = r.edx & (1u << CPUID_EXT_EDX_NX_BIT);
		cpu_has_page1g = r.edx & (1u << CPUID_EXT_EDX_PAGE1G_BIT);
	}
	if (max_ext >= 0x80000008)
		cpu_phys_addr_bits = cpuid(0x80000008).eax & 0xff;
	if (max_ext >= 0x80000007)
		cpu_has_invariant_tsc = cpuid(0x80000007).edx & (1u << CPUID_80000007_EDX_INVTSC_BIT);

	strlcpy(cpu_vendor, vendor, sizeof(cpu_vendor));
}

void cpu_report(void)
{
	pr_info("CPU: %s, features:%s%s%s%s%s%s\n", cpu_vendor, cpu_has_nx ? " nx" : "",
		cpu_has_smep ? " smep" : "", cpu_has_smap ? " smap" : "",
		cpu_has_umip ? " umip" : "", cpu_has_page1g ? " page1gb" : "",
		cpu_has_invariant_tsc ? " invtsc" : "");
	if (!cpu_has_nx)
		pr_warn("CPU has no NX: W^X cannot be enforced for data pages\n");
}

void cpu_init_protection(void)
{
	unsigned long cr4 = read_cr4();

	/* Guests use SSE: FXSAVE/FXRSTOR and SIMD exceptions on; no FPU emulation. */
	write_cr0((read_cr0() | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP) & ~X86_CR0_EM);
	if (cpu_has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	cr4 |= X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (cpu_has_smep)
		cr4 |= X86_CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= X86_CR4_SMAP;
	if (cpu_has_umip)
		cr4 |= X86_CR4_UMIP;
	write_cr4(cr4);
	__asm__ __volatile__("fninit");
}

extern char bsp_stack_block[];

void arch_early_init(void)
{
	struct cpu_info *ci = stack_block_cpu_info(bsp_stack_block);

	ci->self = ci;
	ci->cpu = 0;
	serial_init();
	idt_init();
	cpu_detect();
	cpu_init_protection();
}
