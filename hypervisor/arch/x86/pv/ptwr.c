// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
 * may write its own L1 entries with ordinary instructions. The frames are
 * mapped read-only, so the write faults; we decode the instruction, take
 * the 8-byte value it stores, run it through the same validation as
 * mmu_update, store it, and step over the instruction. Linux relies on
 * this for its native PTE updates (ptep_get_and_clear is an xchg).
 *
 * Handled: mov r64/imm32 to memory, xchg, cmpxchg (locked or not), all
 * 64-bit and 8-byte aligned. Anything else is the guest's page fault.
 */
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/page-type.h>
#include <hv/sched.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define MAX_INSN_LEN	15
#define PFX_LOCK	0xf0
#define PFX_OPSIZE	0x66
#define PFX_SEG_FS	0x64
#define PFX_SEG_GS	0x65
#define REX_MIN		0x40
#define REX_MAX		0x4f
#define REX_W		0x8
#define REX_R		0x4
#define OPC_MOV_RM_R	0x89	/* mov r/m64, r64 */
#define OPC_MOV_RM_IMM	0xc7	/* mov r/m64, imm32 (sign-extended) */
#define OPC_XCHG	0x87	/* xchg r/m64, r64 */
#define OPC_TWO_BYTE	0x0f
#define OPC2_CMPXCHG	0xb1	/* cmpxchg r/m64, r64 */
#define MODRM_MOD(m)	((m) >> 6)
#define MODRM_REG(m)	(((m) >> 3) & 7)
#define MODRM_RM(m)	((m) & 7)
#define RM_SIB		4
#define RM_RIP_OR_DISP32 5
#define SIB_BASE(s)	((s) & 7)
#define EFLAGS_ZF	(1UL << 6)

enum ptwr_op { PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG };

struct ptwr_insn {
	enum ptwr_op op;
	unsigned int len;
	unsigned int reg;	/* source register number (REX.R applied) */
	bool imm;
	uint64_t imm_val;
};

static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
	uint64_t *tbl[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
			      &r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
			      &r->r12, &r->r13, &r->r14, &r->r15 };

	return tbl[n & 15];
}

/* Length of the ModRM (+SIB, displacement) memory operand at @p. */
static int modrm_len(const uint8_t *p, unsigned int avail)
{
	unsigned int mod, rm, n = 1;

	if (!avail)
		return -1;
	mod = MODRM_MOD(p[0]);
	rm = MODRM_RM(p[0]);
	if (mod == 3)
		return -1;	/* a register operand: not a memory store */
	if (rm == RM_SIB) {
		if (avail < 2)
			return -1;
		if (mod == 0 && SIB_BASE(p[1]) == RM_RIP_OR_DISP32)
			n += 4;
		n++;
	} else if (mod == 0 && rm == RM_RIP_OR_DISP32) {
		n += 4;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n <= avail ? (int)n : -1;
}

static bool decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in)
{
	unsigned int i = 0, rex = 0;
	int ml;

	while (i < avail && (b[i] == PFX_LOCK || b[i] == PFX_SEG_FS || b[i] == PFX_SEG_GS))
		i++;
	if (i < avail && b[i] >= REX_MIN && b[i] <= REX_MAX)
		rex = b[i++];
	if (!(rex & REX_W) || i >= avail)
		return false;	/* only 8-byte stores write a whole entry */
	switch (b[i]) {
	case OPC_MOV_RM_R:
		in->op = PTWR_MOV;
		break;
	case OPC_XCHG:
		in->op = PTWR_XCHG;
		break;
	case OPC_MOV_RM_IMM:
		in->op = PTWR_MOV;
		in->imm = true;
		break;
	case OPC_TWO_BYTE:
		if (++i >= avail || b[i] != OPC2_CMPXCHG)
			return false;
		in->op = PTWR_CMPXCHG;
		break;
	default:
		return false;
	}
	i++;
	ml = modrm_len(&b[i], avail - i);
	if (ml < 0)
		return false;
	in->reg = MODRM_REG(b[i]) | ((rex & REX_R) ? 8 : 0);
	if (in->imm && MODRM_REG(b[i]) != 0)
		return false;	/* C7 /0 only */
	i += (unsigned int)ml;
	if (in->imm) {
		int32_t imm;

		if (i + sizeof(imm) > avail)
			return false;
		memcpy(&imm, &b[i], sizeof(imm));
		in->imm_val = (uint64_t)(int64_t)imm;
		i += sizeof(imm);
	}
	in->len = i;
	return true;
}

/* The L1 frame whose entry the faulting write at @cr2 hits, or INVALID_MFN. */
static mfn_t target_l1(const struct vcpu *v, unsigned long cr2)
{
	mfn_t mfn = v->arch.kernel_cr3;

	/* Walk to the L1 mapping cr2, then take the frame that entry maps. */
	for (int shift = L4_SHIFT; shift >= L1_SHIFT; shift -= 9) {
		uint64_t e = ((const uint64_t *)mfn_to_virt(mfn))[PT_INDEX(cr2, shift)];

		if (!(e & PTE_P))
			return INVALID_MFN;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	}
	if (mfn >= page_alloc_nr_frames() || !domain_owns_frame(v->domain, mfn) ||
	    page_get_type(mfn_to_page(mfn)) != PGT_l1)
		return INVALID_MFN;
	return mfn;
}

bool pv_emulate_ptwr(struct cpu_regs *regs, unsigned long cr2, uint32_t ec)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	uint8_t insn[MAX_INSN_LEN];
	struct ptwr_insn in = { 0 };
	unsigned int len = 0, idx;
	uint64_t new, cur;
	mfn_t l1;
	bool ok;

	/* Only a kernel-mode write to a present, read-only page qualifies. */
	if (!(d->arch.vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
	    !v->arch.in_kernel || (ec & (PFEC_RSVD | PFEC_INSN)) ||
	    (ec & (PFEC_PRESENT | PFEC_WRITE)) != (PFEC_PRESENT | PFEC_WRITE) || (cr2 & 7))
		return false;
	while (len < MAX_INSN_LEN && !copy_from_guest_raw(&insn[len], regs->rip + len, 1))
		len++;
	if (!decode(insn, len, &in))
		return false;

	spin_lock(&d->mm_lock);
	l1 = target_l1(v, cr2);
	if (l1 == INVALID_MFN) {
		spin_unlock(&d->mm_lock);
		return false;
	}
	idx = (cr2 & ~PAGE_MASK) / sizeof(uint64_t);
	cur = ((const uint64_t *)mfn_to_virt(l1))[idx];
	new = in.imm ? in.imm_val : *gpr(regs, in.reg);
	if (in.op == PTWR_CMPXCHG && regs->rax != cur) {
		regs->rax = cur;	/* compare failed: no store */
		regs->rflags &= ~EFLAGS_ZF;
		ok = true;
	} else {
		ok = !pv_mm_write_entry(d, l1, 1, idx, new);
		if (ok && in.op == PTWR_XCHG)
			*gpr(regs, in.reg) = cur;
		if (ok && in.op == PTWR_CMPXCHG)
			regs->rflags |= EFLAGS_ZF;
	}
	spin_unlock(&d->mm_lock);
	if (!ok)
		return false;	/* an invalid entry: the guest's #PF */
	write_cr3(read_cr3());	/* the old entry may be cached */
	regs->rip += in.len;
	return true;
}
