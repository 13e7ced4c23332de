// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
 * may write its own L1 entries with ordinary instructions. The frames are
 * mapped read-only, so the write faults; we decode the instruction, take
 * the 8-byte value it stores, run it through the same validation as
 * mmu_update, store it, and step over the instruction. Linux relies on
 * this for its native PTE updates (ptep_get_and_clear is an xchg).
 *
 * Handled, with any LOCK or segment prefix (Linux rewrites LOCK to a DS
 * prefix on uniprocessor kernels): mov, xchg and cmpxchg of 8 bytes, and
 * the read-modify-write forms Linux's bit helpers use on one field of an
 * entry: and/or with an immediate (byte, dword or qword) and bts/btr with
 * an immediate or register bit. The field is applied to the current entry
 * and the whole new entry is validated. Anything else is the guest's #PF.
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
#define REX_MIN		0x40
#define REX_MAX		0x4f
#define REX_W		0x8
#define REX_R		0x4
#define OPC_GRP1_B_IMM8	0x80	/* and/or r/m8, imm8 */
#define OPC_GRP1_IMM32	0x81	/* and/or r/m32/64, imm32 */
#define OPC_GRP1_IMM8	0x83	/* and/or r/m32/64, imm8 sign-extended */
#define OPC_MOV_RM_R	0x89	/* mov r/m64, r64 */
#define OPC_MOV_RM_IMM	0xc7	/* mov r/m64, imm32 (sign-extended) */
#define OPC_XCHG	0x87	/* xchg r/m64, r64 */
#define OPC_TWO_BYTE	0x0f
#define OPC2_BTS_R	0xab	/* bts r/m, r */
#define OPC2_BTR_R	0xb3	/* btr r/m, r */
#define OPC2_GRP8_IMM	0xba	/* /5 bts, /6 btr r/m, imm8 */
#define OPC2_CMPXCHG	0xb1	/* cmpxchg r/m64, r64 */
#define GRP1_OR		1
#define GRP1_AND	4
#define GRP8_BTS	5
#define GRP8_BTR	6
#define MODRM_MOD(m)	((m) >> 6)
#define MODRM_REG(m)	(((m) >> 3) & 7)
#define MODRM_RM(m)	((m) & 7)
#define RM_SIB		4
#define RM_RIP_OR_DISP32 5
#define SIB_BASE(s)	((s) & 7)
#define EFLAGS_CF	(1UL << 0)
#define EFLAGS_ZF	(1UL << 6)
#define EFLAGS_SF	(1UL << 7)
#define EFLAGS_OF	(1UL << 11)

static bool is_segment_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

enum ptwr_op { PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG, PTWR_AND, PTWR_OR, PTWR_BTS, PTWR_BTR };

struct ptwr_insn {
	enum ptwr_op op;
	unsigned int len;
	unsigned int size;	/* operand bytes: 1, 4 or 8 */
	unsigned int reg;	/* source register number (REX.R applied) */
	bool imm;
	uint64_t imm_val;
};

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

/* Read a little-endian immediate of @n bytes, sign-extended to 64 bits. */
static bool read_imm(const uint8_t *b, unsigned int *i, unsigned int avail, unsigned int n,
		     uint64_t *out)
{
	int64_t v = 0;

	if (*i + n > avail)
		return false;
	if (n == 1)
		v = (int8_t)b[*i];
	else {
		int32_t x;

		memcpy(&x, &b[*i], sizeof(x));
		v = x;
	}
	*i += n;
	*out = (uint64_t)v;
	return true;
}

static bool decode(const uint8_t *b, unsigned int avail, struct ptwr_insn *in)
{
	unsigned int i = 0, rex = 0, modrm_at, grp, opsize = 4;
	uint8_t opc;
	int ml;

	while (i < avail && (b[i] == PFX_LOCK || b[i] == PFX_OPSIZE || is_segment_prefix(b[i]))) {
		if (b[i] == PFX_OPSIZE)
			return false;	/* 16-bit fields: not something PTE code does */
		i++;
	}
	if (i < avail && b[i] >= REX_MIN && b[i] <= REX_MAX)
		rex = b[i++];
	if (rex & REX_W)
		opsize = 8;
	if (i >= avail)
		return false;
	opc = b[i++];
	if (opc == OPC_TWO_BYTE) {
		if (i >= avail)
			return false;
		opc = b[i++];
		switch (opc) {
		case OPC2_CMPXCHG: in->op = PTWR_CMPXCHG; break;
		case OPC2_BTS_R: in->op = PTWR_BTS; break;
		case OPC2_BTR_R: in->op = PTWR_BTR; break;
		case OPC2_GRP8_IMM: in->op = PTWR_BTS; in->imm = true; break;
		default: return false;
		}
		in->size = opsize;
	} else {
		switch (opc) {
		case OPC_MOV_RM_R: in->op = PTWR_MOV; break;
		case OPC_XCHG: in->op = PTWR_XCHG; break;
		case OPC_MOV_RM_IMM: in->op = PTWR_MOV; in->imm = true; break;
		case OPC_GRP1_B_IMM8: case OPC_GRP1_IMM32: case OPC_GRP1_IMM8:
			in->op = PTWR_AND;	/* refined from ModRM.reg below */
			in->imm = true;
			break;
		default: return false;
		}
		in->size = opc == OPC_GRP1_B_IMM8 ? 1 : opsize;
	}
	modrm_at = i;
	ml = modrm_len(&b[i], avail - i);
	if (ml < 0)
		return false;
	grp = MODRM_REG(b[modrm_at]);
	in->reg = grp | ((rex & REX_R) ? 8 : 0);
	i += (unsigned int)ml;

	if (opc == OPC_GRP1_B_IMM8 || opc == OPC_GRP1_IMM32 || opc == OPC_GRP1_IMM8) {
		if (grp != GRP1_AND && grp != GRP1_OR)
			return false;
		in->op = grp == GRP1_AND ? PTWR_AND : PTWR_OR;
		if (!read_imm(b, &i, avail, opc == OPC_GRP1_IMM32 ? 4 : 1, &in->imm_val))
			return false;
	} else if (opc == OPC2_GRP8_IMM && b[modrm_at - 1] == OPC2_GRP8_IMM &&
		   in->op == PTWR_BTS && in->imm) {
		if (grp != GRP8_BTS && grp != GRP8_BTR)
			return false;
		in->op = grp == GRP8_BTS ? PTWR_BTS : PTWR_BTR;
		if (!read_imm(b, &i, avail, 1, &in->imm_val))
			return false;
		in->imm_val &= 0xff;
	} else if (opc == OPC_MOV_RM_IMM) {
		if (grp != 0 || !read_imm(b, &i, avail, 4, &in->imm_val))
			return false;
	}
	/* Whole-entry stores must be 8 bytes; bit and logic ops may touch a field. */
	if ((in->op == PTWR_MOV || in->op == PTWR_XCHG || in->op == PTWR_CMPXCHG) && in->size != 8)
		return false;
	in->len = i;
	return true;
}

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
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
	unsigned int len = 0, idx, shift;
	uint64_t new, cur, field, src, mask, result, flags_set = 0, flags_clear = 0;
	bool store = true;
	mfn_t l1;
	int rc = 0;

	/* Only a kernel-mode write to a present, read-only page qualifies. */
	if (!(d->arch.vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
	    !v->arch.in_kernel || (ec & (PFEC_RSVD | PFEC_INSN)) ||
	    (ec & (PFEC_PRESENT | PFEC_WRITE)) != (PFEC_PRESENT | PFEC_WRITE))
		return false;
	while (len < MAX_INSN_LEN && !copy_from_guest_raw(&insn[len], regs->rip + len, 1))
		len++;
	if (!decode(insn, len, &in))
		return false;
	/* The accessed field must lie inside one entry, naturally placed. */
	shift = (cr2 & 7) * 8;
	if ((cr2 & 7) + in.size > 8 || (cr2 & (in.size - 1)))
		return false;
	mask = size_mask(in.size);
	src = (in.imm ? in.imm_val : *regs_gpr(regs, in.reg)) & mask;

	spin_lock(&d->mm_lock);
	l1 = target_l1(v, cr2);
	if (l1 == INVALID_MFN) {
		spin_unlock(&d->mm_lock);
		return false;
	}
	idx = (cr2 & ~PAGE_MASK) / sizeof(uint64_t);
	cur = ((const uint64_t *)mfn_to_virt(l1))[idx];
	field = (cur >> shift) & mask;
	switch (in.op) {
	case PTWR_MOV:
	case PTWR_XCHG:
		result = src;
		break;
	case PTWR_CMPXCHG:
		if ((regs->rax & mask) != field) {
			regs->rax = field;	/* compare failed: no store */
			flags_clear = EFLAGS_ZF;
			store = false;
		} else {
			flags_set = EFLAGS_ZF;
		}
		result = src;
		break;
	case PTWR_AND:
	case PTWR_OR:
		result = in.op == PTWR_AND ? field & src : field | src;
		flags_clear = EFLAGS_CF | EFLAGS_OF | EFLAGS_ZF | EFLAGS_SF;
		flags_set = (result ? 0 : EFLAGS_ZF) |
			    ((result >> (in.size * 8 - 1)) & 1 ? EFLAGS_SF : 0);
		break;
	default: {	/* BTS, BTR */
		uint64_t bit = 1ULL << (src & (in.size * 8 - 1));

		result = in.op == PTWR_BTS ? field | bit : field & ~bit;
		flags_clear = EFLAGS_CF;
		flags_set = (field & bit) ? EFLAGS_CF : 0;
		break;
	}
	}
	new = (cur & ~(mask << shift)) | ((result & mask) << shift);
	if (store)
		rc = pv_mm_write_entry(d, l1, 1, idx, new);
	spin_unlock(&d->mm_lock);
	if (rc)
		return false;	/* an invalid entry: the guest's #PF */
	if (in.op == PTWR_XCHG)
		*regs_gpr(regs, in.reg) = (*regs_gpr(regs, in.reg) & ~mask) | field;
	regs->rflags = (regs->rflags & ~flags_clear) | flags_set;
	/*
	 * No flush, as on hardware: a PTE store does not flush, and the guest
	 * flushes what it needs. The TLB-flush clock keeps stale entries
	 * harmless to everyone else (mm.c).
	 */
	regs->rip += in.len;
	return true;
}
