// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID a PV guest sees. PV kernels ask through the forced-emulation
 * prefix ("ud2; .ascii \"xen\"; cpuid"), which traps as #UD; we answer
 * from the host's CPUID filtered by an explicit policy: features the guest
 * cannot use in ring 3 under our page tables are hidden (PSE, PGE, PCID,
 * SMEP, SMAP, ...), as are ones we do not virtualise yet (XSAVE/AVX,
 * RDTSCP). MCE/MCA are offered with a bankless MCG_CAP (emul-priv.c). Feature leaves are whitelisted, so a newer CPU's unknown
 * bits stay hidden. The hypervisor leaves say "XenVMMXenVMM".
 */
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/version.h>
#include <asm/cpu-defs.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define BIT(n)	(1u << (n))

/* Leaf 1 ECX and EDX bits we pass through (Intel SDM Vol. 2A, CPUID). */
#define L1_ECX_KEEP	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ | BIT(9) /* SSSE3 */ | \
			 BIT(12) /* FMA: harmless without AVX */ | BIT(13) /* CMPXCHG16B */ | \
			 BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ | BIT(22) /* MOVBE */ | \
			 BIT(23) /* POPCNT */ | BIT(25) /* AES */ | BIT(29) /* F16C */ | \
			 BIT(30) /* RDRAND */)
#define L1_ECX_HYPERVISOR BIT(31)
#define L1_EDX_KEEP	(BIT(0) /* FPU */ | BIT(2) /* DE */ | BIT(4) /* TSC */ | \
			 BIT(5) /* MSR */ | BIT(6) /* PAE */ | BIT(7) /* MCE */ | \
			 BIT(8) /* CX8 */ | BIT(9) /* APIC */ | BIT(11) /* SEP */ | \
			 BIT(14) /* MCA */ | BIT(15) /* CMOV */ | \
			 BIT(16) /* PAT */ | BIT(19) /* CLFLUSH */ | BIT(23) /* MMX */ | \
			 BIT(24) /* FXSR */ | BIT(25) /* SSE */ | BIT(26) /* SSE2 */ | \
			 BIT(28) /* HTT */)
#define L7_EBX_KEEP	(BIT(3) /* BMI1 */ | BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ | \
			 BIT(18) /* RDSEED */ | BIT(19) /* ADX */ | BIT(23) /* CLFLUSHOPT */ | \
			 BIT(24) /* CLWB */ | BIT(29) /* SHA */)
#define E1_ECX_KEEP	(BIT(0) /* LAHF */ | BIT(5) /* ABM */ | BIT(6) /* SSE4A */ | \
			 BIT(7) /* MisAlignSSE */ | BIT(8) /* 3DNowPrefetch */)
#define E1_EDX_KEEP	(L1_EDX_KEEP | BIT(11) /* SYSCALL */ | BIT(20) /* NX */ | \
			 BIT(22) /* MMXEXT */ | BIT(29) /* LM */)
#define E7_EDX_KEEP	BIT(CPUID_80000007_EDX_INVTSC_BIT)

#define HV_LEAF_BASE	0x40000000u
#define HV_LEAF_MAX	0x40000005u
#define HV_SIG_EBX	0x566e6558u	/* "XenV" */
#define HV_SIG_ECX	0x65584d4du	/* "MMXe" */
#define HV_SIG_EDX	0x4d4d566eu	/* "nVMM" */
#define HV_LEAF2_HYPERCALL_PAGES 1u
#define HV_LEAF2_MSR_BASE 0x40000000u
#define MAX_BASIC_LEAF	0xdu

/* ud2; "xen"; cpuid */
static const uint8_t forced_cpuid_prefix[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct cpuid_regs r;

	memset(out, 0, 4 * sizeof(out[0]));
	if (leaf >= HV_LEAF_BASE && leaf <= HV_LEAF_BASE + 0xffff) {
		switch (leaf) {
		case HV_LEAF_BASE:
			out[0] = HV_LEAF_MAX;
			out[1] = HV_SIG_EBX;
			out[2] = HV_SIG_ECX;
			out[3] = HV_SIG_EDX;
			break;
		case HV_LEAF_BASE + 1:
			out[0] = (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;
			break;
		case HV_LEAF_BASE + 2:
			out[0] = HV_LEAF2_HYPERCALL_PAGES;
			out[1] = HV_LEAF2_MSR_BASE;
			break;
		default:
			break;	/* time, HVM and address-width leaves: zeros */
		}
		return;
	}

	r = cpuid_count(leaf, sub);
	if (leaf < 0x80000000u) {
		uint32_t max = min(cpuid(0).eax, MAX_BASIC_LEAF);

		if (leaf > max)
			return;
		switch (leaf) {
		case 0:
			out[0] = max;
			out[1] = r.ebx;
			out[2] = r.ecx;
			out[3] = r.edx;
			break;
		case 1:
			out[0] = r.eax;
			out[1] = r.ebx;
			out[2] = (r.ecx & L1_ECX_KEEP) | L1_ECX_HYPERVISOR;
			out[3] = r.edx & L1_EDX_KEEP;
			break;
		case 7:
			if (sub == 0)
				out[1] = r.ebx & L7_EBX_KEEP;
			break;
		case 2: case 4:
			/* Cache descriptors: harmless and useful. */
			out[0] = r.eax;
			out[1] = r.ebx;
			out[2] = r.ecx;
			out[3] = r.edx;
			break;
		default:
			break;	/* monitor, power, perf, topology, XSAVE: hidden */
		}
		return;
	}

	if (leaf > cpuid(0x80000000u).eax)
		return;
	switch (leaf) {
	case 0x80000000u:
		out[0] = min(r.eax, 0x80000008u);
		out[1] = r.ebx;
		out[2] = r.ecx;
		out[3] = r.edx;
		break;
	case 0x80000001u:
		out[0] = r.eax;
		out[2] = r.ecx & E1_ECX_KEEP;
		out[3] = r.edx & E1_EDX_KEEP;
		break;
	case 0x80000002u: case 0x80000003u: case 0x80000004u:	/* brand string */
	case 0x80000005u: case 0x80000006u:			/* caches */
		out[0] = r.eax;
		out[1] = r.ebx;
		out[2] = r.ecx;
		out[3] = r.edx;
		break;
	case 0x80000007u:
		out[3] = r.edx & E7_EDX_KEEP;
		break;
	case 0x80000008u:
		out[0] = r.eax & 0xffff;	/* address sizes only */
		break;
	default:
		break;
	}
}

bool pv_emulate_forced_cpuid(struct cpu_regs *regs)
{
	uint8_t insn[sizeof(forced_cpuid_prefix)];
	uint32_t out[4];

	if (copy_from_guest_raw(insn, regs->rip, sizeof(insn)) ||
	    memcmp(insn, forced_cpuid_prefix, sizeof(insn)))
		return false;
	pv_cpuid((uint32_t)regs->rax, (uint32_t)regs->rcx, out);
	regs->rax = out[0];
	regs->rbx = out[1];
	regs->rcx = out[2];
	regs->rdx = out[3];
	regs->rip += sizeof(forced_cpuid_prefix);
	return true;
}
