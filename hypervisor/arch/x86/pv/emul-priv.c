// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulation of the privileged instructions a PV kernel still executes in
 * ring 3, which raise #GP: rdmsr/wrmsr under an explicit MSR policy,
 * control-register moves, port I/O by the virtual IOPL, cli/sti, and the
 * cache flushes. Only guest kernel mode gets here. Anything else, and any
 * MSR or CR outside the policy, is reflected to the guest as #GP (Linux's
 * *_safe accessors expect exactly that).
 */
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/acpi.h>
#include <asm/cpu-defs.h>
#include <asm/io.h>
#include <asm/io-port.h>
#include <asm/processor.h>
#include <asm/hypercall.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define PREFIX_OPSIZE		0x66
#define PREFIX_REX_MIN		0x40
#define PREFIX_REX_MAX		0x4f
#define REX_B			0x1
#define REX_R			0x4
#define OPC_TWO_BYTE		0x0f
#define OPC_IN_IMM_B		0xe4
#define OPC_IN_IMM		0xe5
#define OPC_OUT_IMM_B		0xe6
#define OPC_OUT_IMM		0xe7
#define OPC_IN_DX_B		0xec
#define OPC_IN_DX		0xed
#define OPC_OUT_DX_B		0xee
#define OPC_OUT_DX		0xef
#define OPC_CLI			0xfa
#define OPC_STI			0xfb
#define OPC2_CLTS		0x06
#define OPC2_INVD		0x08
#define OPC2_WBINVD		0x09
#define OPC2_MOV_FROM_CR	0x20
#define OPC2_MOV_FROM_DR	0x21
#define OPC2_MOV_TO_CR		0x22
#define OPC2_MOV_TO_DR		0x23
#define OPC2_WRMSR		0x30
#define OPC2_RDTSC		0x31
#define OPC2_RDMSR		0x32

/* MSRs with a policy (numbers from the Intel SDM Vol. 4). */
#define MSR_IA32_TSC		0x00000010
#define MSR_IA32_PLATFORM_ID	0x00000017
#define MSR_IA32_UCODE_REV	0x0000008b
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_IA32_MISC_ENABLE	0x000001a0
/* Machine check globals (SDM vol. 3, 15.3.1): a machine with no banks. */
#define MSR_IA32_MCG_CAP	0x00000179
#define MSR_IA32_MCG_STATUS	0x0000017a
#define MISC_ENABLE_BTS_UNAVAIL	(1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ULL << 12)
#define APIC_BASE_DEFAULT	0xfee00000ULL

/* CR4 bits a guest may change; the rest read back as ours. */
#define VCR4_GUEST_BITS		(X86_CR4_TSD | X86_CR4_DE)
#define VCR4_FIXED_BITS		(X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

#define ALL_ONES_8		0xffU
#define ALL_ONES_16		0xffffU
#define ALL_ONES_32		0xffffffffU

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_FS_BASE:
		*val = rdmsr(MSR_FS_BASE);
		return true;
	case MSR_GS_BASE:		/* guest kernel mode: the live base */
		*val = rdmsr(MSR_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:	/* the inactive (user) base */
		*val = v->arch.gs_base_user;
		return true;
	case MSR_PAT:
		*val = rdmsr(MSR_PAT);	/* what is really loaded while the guest runs */
		return true;
	case MSR_EFER:
		*val = rdmsr(MSR_EFER);
		return true;
	case MSR_APIC_BASE:
		*val = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (v->vcpu_id ? 0 : APIC_BASE_BSP);
		return true;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
		return true;
	case MSR_IA32_TSC:
		*val = rdtsc();
		return true;
	/*
	 * CPUID offers MCE/MCA (as Xen's virtual MCE does) so Linux's MCE
	 * core comes up; with no banks and no MCG_CTL there is nothing to
	 * report, and real machine checks stay the hypervisor's.
	 */
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_MCG_STATUS:
		*val = 0;
		return true;
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_PLATFORM_ID:
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK:
	case MSR_IA32_SYSENTER_CS: case MSR_IA32_SYSENTER_ESP: case MSR_IA32_SYSENTER_EIP:
		*val = 0;
		return true;
	default:
		return false;
	}
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_FS_BASE:
		if (!is_canonical(val))
			return false;
		wrmsr(MSR_FS_BASE, val);
		return true;
	case MSR_GS_BASE:
		if (!is_canonical(val))
			return false;
		wrmsr(MSR_GS_BASE, val);
		return true;
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(val))
			return false;
		v->arch.gs_base_user = val;
		return true;
	case MSR_PAT:
		/* The PAT is the hypervisor's; an identical write is harmless. */
		return val == rdmsr(MSR_PAT);
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK:
	case MSR_IA32_SYSENTER_CS: case MSR_IA32_SYSENTER_ESP: case MSR_IA32_SYSENTER_EIP:
		return true;	/* the entry points are ours; callbacks replace them */
	case MSR_IA32_MCG_STATUS:
		return val == 0;	/* clearing a status that is always clear */
	default:
		return false;
	}
}

static bool io_allowed(const struct vcpu *v)
{
	return v->arch.in_kernel ? v->arch.iopl >= 1 : v->arch.iopl == 3;
}

/*
 * Port I/O of a guest kernel with enough virtual IOPL. dom0 reaches the
 * ports io-port.c allows; everything else (and every port for a domU)
 * reads as all ones and swallows writes, which makes device probes fail
 * cleanly (pv-abi-core.md §3.11).
 */
static bool port_passes(const struct vcpu *v, unsigned int port, unsigned int size,
			bool write, uint32_t val)
{
	struct io_port_owned own;

	if (!v->domain->is_privileged)
		return false;
	acpi_pm1_cnt_ports(&own.pm1a_cnt, &own.pm1b_cnt);
	return io_port_allowed(&own, port, size, write, val);
}

static void emulate_in(const struct vcpu *v, struct cpu_regs *r, unsigned int port,
		       unsigned int size)
{
	bool pass = port_passes(v, port, size, false, 0);

	switch (size) {
	case 1:
		r->rax = (r->rax & ~0xffUL) | (pass ? inb((uint16_t)port) : ALL_ONES_8);
		break;
	case 2:
		r->rax = (r->rax & ~0xffffUL) | (pass ? inw((uint16_t)port) : ALL_ONES_16);
		break;
	default:
		r->rax = pass ? inl((uint16_t)port) : ALL_ONES_32;	/* zero-extends, as the CPU */
		break;
	}
}

static void emulate_out(const struct vcpu *v, const struct cpu_regs *r, unsigned int port,
			unsigned int size)
{
	uint32_t val = (uint32_t)r->rax;

	if (!port_passes(v, port, size, true, val))
		return;
	switch (size) {
	case 1: outb((uint16_t)port, (uint8_t)val); break;
	case 2: outw((uint16_t)port, (uint16_t)val); break;
	default: outl((uint16_t)port, val); break;
	}
}

unsigned int pv_fetch_insn(const struct cpu_regs *regs, uint8_t insn[PV_MAX_INSN_LEN])
{
	unsigned int len = 0;

	/* One byte at a time: the instruction may end a page. */
	while (len < PV_MAX_INSN_LEN && !copy_from_guest_raw(&insn[len], regs->rip + len, 1))
		len++;
	return len;
}

unsigned long pv_guest_cr0(const struct vcpu *v)
{
	return (read_cr0() & ~X86_CR0_TS) | (v->arch.vcr0_ts ? X86_CR0_TS : 0);
}

bool pv_emulate_privileged(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[PV_MAX_INSN_LEN];
	unsigned int len = pv_fetch_insn(regs, insn), i = 0, rex = 0, opsize = 4;
	uint64_t val;

	for (; i < len; i++) {
		if (insn[i] == PREFIX_OPSIZE)
			opsize = 2;
		else if (insn[i] >= PREFIX_REX_MIN && insn[i] <= PREFIX_REX_MAX)
			rex = insn[i];
		else
			break;
	}
	if (i >= len)
		return false;

	switch (insn[i]) {
	case OPC_IN_IMM_B: case OPC_IN_IMM: case OPC_OUT_IMM_B: case OPC_OUT_IMM:
	case OPC_IN_DX_B: case OPC_IN_DX: case OPC_OUT_DX_B: case OPC_OUT_DX: {
		bool imm = insn[i] < OPC_IN_DX_B;
		bool in = !(insn[i] & 2);
		unsigned int size = (insn[i] & 1) ? opsize : 1;

		unsigned int port = imm ? 0 : (uint16_t)regs->rdx;

		if (!io_allowed(v) || (imm && i + 1 >= len))
			return false;
		if (imm)
			port = insn[i + 1];
		if (in)
			emulate_in(v, regs, port, size);
		else
			emulate_out(v, regs, port, size);
		regs->rip += i + 1 + (imm ? 1 : 0);
		return true;
	}
	case OPC_CLI:
	case OPC_STI:
		/*
		 * The guest kernel's interrupt flag is its upcall mask, and the
		 * real IF stays on whatever it does, so cli/sti change nothing.
		 * Linux runs cli before it has raised its IOPL or installed a
		 * trap table, so refusing it would kill it.
		 */
		if (!v->arch.in_kernel && !io_allowed(v))
			return false;
		regs->rip += i + 1;
		return true;
	case OPC_TWO_BYTE:
		break;
	default:
		return false;
	}

	if (++i >= len)
		return false;
	switch (insn[i]) {
	case OPC2_WRMSR:
		if (!msr_write(v, (uint32_t)regs->rcx,
			       ((regs->rdx & ALL_ONES_32) << 32) | (regs->rax & ALL_ONES_32)))
			return false;
		break;
	case OPC2_RDMSR:
		if (!msr_read(v, (uint32_t)regs->rcx, &val))
			return false;
		regs->rax = val & ALL_ONES_32;
		regs->rdx = val >> 32;
		break;
	case OPC2_RDTSC:
		val = rdtsc();
		regs->rax = val & ALL_ONES_32;
		regs->rdx = val >> 32;
		break;
	case OPC2_WBINVD:
	case OPC2_INVD:
		break;	/* caches are the hypervisor's business */
	case OPC2_CLTS:
		v->arch.vcr0_ts = false;
		write_cr0(read_cr0() & ~X86_CR0_TS);
		break;
	case OPC2_MOV_FROM_DR:
	case OPC2_MOV_TO_DR: {
		/*
		 * The guest kernel's own "mov %drN": the same rules as
		 * HYPERVISOR_set_debugreg (guest addresses only, no GD); what
		 * it refuses is the #GP a CPU gives for a bad DR7 value.
		 */
		unsigned int modrm, dr, reg;

		if (i + 1 >= len)
			return false;
		modrm = insn[++i];
		dr = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
		reg = (modrm & 7) | ((rex & REX_B) ? 8 : 0);
		if (insn[i - 1] == OPC2_MOV_FROM_DR) {
			dr = pv_debugreg_index(v, dr);
			if (dr >= NR_DEBUGREGS)
				return false;
			*regs_gpr(regs, reg) = v->arch.debugreg[dr];
		} else if (do_set_debugreg(dr, *regs_gpr(regs, reg))) {
			return false;
		}
		break;
	}
	case OPC2_MOV_FROM_CR:
	case OPC2_MOV_TO_CR: {
		unsigned int modrm, cr, reg;

		if (i + 1 >= len)
			return false;
		modrm = insn[++i];
		cr = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
		reg = (modrm & 7) | ((rex & REX_B) ? 8 : 0);
		if (insn[i - 1] == OPC2_MOV_FROM_CR) {
			switch (cr) {
			case 0:
				val = pv_guest_cr0(v);
				break;
			case 2: val = v->vcpu_info->arch.cr2; break;
			case 3: val = v->arch.kernel_cr3 << 12; break;
			case 4: val = v->arch.vcr4; break;
			default: return false;
			}
			*regs_gpr(regs, reg) = val;
		} else {
			val = *regs_gpr(regs, reg);
			switch (cr) {
			case 0:
				/* Only TS is the guest's to change. */
				v->arch.vcr0_ts = val & X86_CR0_TS;
				write_cr0(v->arch.vcr0_ts ? read_cr0() | X86_CR0_TS :
					  read_cr0() & ~X86_CR0_TS);
				break;
			case 2:
				v->vcpu_info->arch.cr2 = val;
				break;
			case 4:
				v->arch.vcr4 = (val & VCR4_GUEST_BITS) | VCR4_FIXED_BITS;
				break;
			default:
				return false;	/* CR3 goes through mmuext_op */
			}
		}
		break;
	}
	default:
		return false;
	}
	regs->rip += i + 1;
	return true;
}
