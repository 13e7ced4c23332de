/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register frame entry.S builds on every exception and interrupt, in
 * push order reversed: the general registers, then vector and error code,
 * then what the CPU pushed.
 */
#pragma once
#ifndef __ASSEMBLY__
#include <hv/types.h>

struct cpu_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10;
	uint64_t r9, r8, rax, rcx, rdx, rsi, rdi;
	uint64_t vector;
	uint64_t error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* General register @n (0-15, the ModRM/REX encoding) of frame @r. */
static inline uint64_t *regs_gpr(struct cpu_regs *r, unsigned int n)
{
	uint64_t *tbl[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
			      &r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
			      &r->r12, &r->r13, &r->r14, &r->r15 };

	return tbl[n & 15];
}
#endif

/* Pseudo vector recorded for entries through SYSCALL (not an IDT vector). */
#define VECTOR_SYSCALL	0x100

/* Offsets used by entry.S; pinned by a static assert in traps.c. */
#define REGS_VECTOR	(15 * 8)
#define REGS_RIP	(17 * 8)
#define REGS_CS		(18 * 8)
#define REGS_SIZE	(22 * 8)
