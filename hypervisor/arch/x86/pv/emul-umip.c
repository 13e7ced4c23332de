// SPDX-License-Identifier: GPL-2.0-only
/*
 * sgdt, sidt, sldt, str and smsw under CR4.UMIP (cpu.c). Guests run in
 * ring 3, where these would show the hypervisor's GDT and IDT addresses
 * and its selectors; with UMIP they raise #GP(0) instead. On Xen 4.17,
 * which does not use UMIP, they simply run, so a PV kernel or program may
 * use them: we emulate them in guest kernel and user mode alike, with
 * values that reveal nothing (Linux's own UMIP emulation answers user
 * space the same way): GDT and IDT base and limit 0, LDT and task
 * selectors 0, and for smsw the CR0 mov from CR0 shows the guest. The
 * guest's CPUID does not offer UMIP, so it never expects the #GP.
 *
 * Decoding covers every 64-bit form: legacy prefixes (operand and address
 * size, FS/GS overrides; the other segment prefixes mean nothing in
 * 64-bit mode), REX, ModRM, SIB, disp8/disp32 and RIP-relative operands.
 * A store the instruction cannot make is the fault it would raise: #GP(0)
 * for a non-canonical address, else #PF for a write there (present, as
 * for a protection fault, in the hypervisor's range).
 */
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/cpu.h>
#include <asm/cpu-defs.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define PREFIX_OPSIZE		0x66
#define PREFIX_ADSIZE		0x67
#define PREFIX_FS		0x64
#define PREFIX_GS		0x65
#define PREFIX_ES		0x26
#define PREFIX_CS		0x2e
#define PREFIX_SS		0x36
#define PREFIX_DS		0x3e
#define REX_MIN			0x40
#define REX_MAX			0x4f
#define REX_W			0x8
#define REX_R			0x4
#define REX_X			0x2
#define REX_B			0x1
#define OPC_TWO_BYTE		0x0f
#define OPC2_GROUP6		0x00	/* /0 sldt, /1 str */
#define OPC2_GROUP7		0x01	/* /0 sgdt, /1 sidt, /4 smsw */
#define MODRM_MOD(m)		((m) >> 6)
#define MODRM_REG(m)		(((m) >> 3) & 7)
#define MODRM_RM(m)		((m) & 7)
#define MOD_REG			3
#define RM_SIB			4
#define RM_RIP_REL		5	/* with mod 0 */
#define SIB_NO_INDEX		4	/* without REX.X */
#define SIB_NO_BASE		5	/* with mod 0 */
#define DESC_PTR_SIZE		10	/* limit (2) and base (8) in 64-bit mode */

enum umip_op { UMIP_SGDT, UMIP_SIDT, UMIP_SLDT, UMIP_STR, UMIP_SMSW };

struct umip_insn {
	const uint8_t *b;
	unsigned int len, pos;
	unsigned int rex, opsize;	/* operand size in bytes: 2, 4 or 8 */
	bool adsize32;
	unsigned long seg_base;
	enum umip_op op;
	uint8_t modrm;
};

static bool next_byte(struct umip_insn *in, uint8_t *out)
{
	if (in->pos >= in->len)
		return false;
	*out = in->b[in->pos++];
	return true;
}

/* Prefixes and the opcode: true if it is one of the five. */
static bool decode_op(struct umip_insn *in)
{
	uint8_t c, opc;

	in->opsize = 4;
	for (;;) {
		if (!next_byte(in, &c))
			return false;
		if (c >= REX_MIN && c <= REX_MAX) {
			in->rex = c;
			continue;
		}
		if (c == PREFIX_OPSIZE)
			in->opsize = 2;
		else if (c == PREFIX_ADSIZE)
			in->adsize32 = true;
		else if (c == PREFIX_FS)
			in->seg_base = rdmsr(MSR_FS_BASE);
		else if (c == PREFIX_GS)
			in->seg_base = rdmsr(MSR_GS_BASE);	/* the mode's live base */
		else if (c != PREFIX_ES && c != PREFIX_CS && c != PREFIX_SS && c != PREFIX_DS)
			break;
		in->rex = 0;	/* a REX counts only right before the opcode */
	}
	if (in->rex & REX_W)
		in->opsize = 8;
	if (c != OPC_TWO_BYTE || !next_byte(in, &opc) || !next_byte(in, &in->modrm))
		return false;
	switch (opc << 8 | MODRM_REG(in->modrm)) {
	case OPC2_GROUP7 << 8 | 0:
		in->op = UMIP_SGDT;
		return MODRM_MOD(in->modrm) != MOD_REG;	/* mod 3: vmcall, ... */
	case OPC2_GROUP7 << 8 | 1:
		in->op = UMIP_SIDT;
		return MODRM_MOD(in->modrm) != MOD_REG;	/* mod 3: monitor, ... */
	case OPC2_GROUP7 << 8 | 4:
		in->op = UMIP_SMSW;
		return true;
	case OPC2_GROUP6 << 8 | 0:
		in->op = UMIP_SLDT;
		return true;
	case OPC2_GROUP6 << 8 | 1:
		in->op = UMIP_STR;
		return true;
	default:
		return false;
	}
}

static bool read_disp(struct umip_insn *in, unsigned int size, long *disp)
{
	uint8_t b[4];

	for (unsigned int i = 0; i < size; i++)
		if (!next_byte(in, &b[i]))
			return false;
	*disp = size == 1 ? (int8_t)b[0] : (int32_t)(b[0] | b[1] << 8 | b[2] << 16 |
						     (uint32_t)b[3] << 24);
	return true;
}

/* The memory operand's linear address (ModRM mod != 3). */
static bool decode_ea(struct umip_insn *in, struct cpu_regs *regs, unsigned long *ea)
{
	unsigned int mod = MODRM_MOD(in->modrm), rm = MODRM_RM(in->modrm);
	unsigned long addr = 0;
	bool rip_rel = false;
	long disp = 0;
	uint8_t sib;

	if (rm == RM_SIB) {
		unsigned int index, base;

		if (!next_byte(in, &sib))
			return false;
		index = ((sib >> 3) & 7) | ((in->rex & REX_X) ? 8 : 0);
		base = (sib & 7) | ((in->rex & REX_B) ? 8 : 0);
		if (index != SIB_NO_INDEX)
			addr += *regs_gpr(regs, index) << (sib >> 6);
		if ((base & 7) == SIB_NO_BASE && mod == 0) {
			if (!read_disp(in, 4, &disp))
				return false;
		} else {
			addr += *regs_gpr(regs, base);
		}
	} else if (rm == RM_RIP_REL && mod == 0) {
		rip_rel = true;
		if (!read_disp(in, 4, &disp))
			return false;
	} else {
		addr += *regs_gpr(regs, rm | ((in->rex & REX_B) ? 8 : 0));
	}
	if ((mod == 1 && !read_disp(in, 1, &disp)) || (mod == 2 && !read_disp(in, 4, &disp)))
		return false;
	/* RIP-relative counts from the end of the instruction, now known. */
	addr += (unsigned long)disp + (rip_rel ? regs->rip + in->pos : 0);
	if (in->adsize32)
		addr = (uint32_t)addr;
	*ea = addr + in->seg_base;
	return true;
}

/*
 * Store @len bytes at @ea for the guest; false when the instruction
 * could not, with the fault it raises delivered (RIP still at it).
 */
static bool store(struct cpu_regs *regs, unsigned long ea, const void *val, size_t len)
{
	if (!is_canonical(ea) || !is_canonical(ea + len - 1)) {
		pv_inject_trap(regs, X86_EXC_GP, true, 0);
		return false;
	}
	if (!guest_range_ok(ea, len)) {
		pv_inject_page_fault(regs, ea, PFEC_PRESENT | PFEC_WRITE);
		return false;
	}
	if (copy_to_guest_raw(ea, val, len)) {
		pv_inject_page_fault(regs, ea, PFEC_WRITE);
		return false;
	}
	return true;
}

bool pv_emulate_umip(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[PV_MAX_INSN_LEN];
	struct umip_insn in = { .b = insn };
	unsigned long ea = 0, val;
	uint8_t table[DESC_PTR_SIZE] = { 0 };	/* limit 0, base 0 */
	uint64_t *reg;

	if (!cpu_has_umip)
		return false;
	in.len = pv_fetch_insn(regs, insn);
	if (!decode_op(&in))
		return false;
	if (MODRM_MOD(in.modrm) != MOD_REG && !decode_ea(&in, regs, &ea))
		return false;

	val = in.op == UMIP_SMSW ? pv_guest_cr0(v) : 0;	/* sldt, str: no selector */
	if (in.op == UMIP_SGDT || in.op == UMIP_SIDT) {
		if (store(regs, ea, table, sizeof(table)))
			regs->rip += in.pos;
		return true;
	}
	if (MODRM_MOD(in.modrm) != MOD_REG) {
		uint16_t word = (uint16_t)val;	/* a memory operand is always 16 bits */

		if (store(regs, ea, &word, sizeof(word)))
			regs->rip += in.pos;
		return true;
	}
	/* A register: 16 bits merge, 32 bits zero-extend, 64 bits whole. */
	reg = regs_gpr(regs, MODRM_RM(in.modrm) | ((in.rex & REX_B) ? 8 : 0));
	if (in.opsize == 2)
		*reg = (*reg & ~0xffffUL) | (uint16_t)val;
	else if (in.opsize == 4)
		*reg = (uint32_t)val;
	else
		*reg = val;
	regs->rip += in.pos;
	return true;
}
