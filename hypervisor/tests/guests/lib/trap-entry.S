/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and callback entry. The hypervisor bounces an exception to us
 * with, lowest address first (pv-abi-core.md 3.5):
 *	RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * Each stub pops RCX/R11 (restoring the interrupted values), pushes a zero
 * error code if the vector has none, then the vector, and joins trap_common,
 * which saves the other registers and calls trap_handle(struct trap_frame *).
 * The way back is HYPERVISOR_iret (3.4), whose frame
 *	RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS
 * is the remaining RIP..SS with four words pushed below it.
 */
#include <xen/xen.h>

#define HAS_EC 0x10000		/* TRAP_HAS_EC in lib.h */

.macro STUB name, vec, ec
	.balign 16
	.globl \name
\name:
	pop	%rcx
	pop	%r11
	.if \ec
	push	$(\vec | HAS_EC)
	.else
	push	$0
	push	$\vec
	.endif
	jmp	trap_common
.endm

	.text
.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31,128,129
	STUB trap_stub_\v, \v, 0
.endr
.irp v, 8,10,11,12,13,14,17,21,29,30
	STUB trap_stub_\v, \v, 1
.endr
	/* Callbacks: frames without an error code. */
	STUB event_callback_entry, 0x100, 0
	STUB failsafe_callback_entry, 0x101, 0
	STUB nmi_callback_entry, 0x102, 0
	STUB syscall_callback_entry, 0x103, 0

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	mov	%rsp, %rbx		/* callee-saved: the frame */
	and	$-16, %rsp		/* the ABI alignment for the C call */
	call	trap_handle
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
	/* RSP -> RIP, CS, RFLAGS, RSP, SS: complete the iret_context. */
	push	$0			/* flags: not VGCF_in_syscall */
	push	%rcx
	push	%r11
	push	%rax
	mov	$__HYPERVISOR_iret, %eax
	syscall
	ud2				/* iret does not return */

/* void do_iret(const struct iret_context *frame) */
	.globl do_iret
do_iret:
	mov	%rdi, %rsp
	mov	$__HYPERVISOR_iret, %eax
	syscall
	ud2

/* int ctx_save(struct jmp_ctx *c): 0 now, 1 when resumed by ctx_resume. */
	.globl ctx_save
ctx_save:
	mov	%rbx, 0(%rdi)
	mov	%rbp, 8(%rdi)
	mov	%r12, 16(%rdi)
	mov	%r13, 24(%rdi)
	mov	%r14, 32(%rdi)
	mov	%r15, 40(%rdi)
	lea	8(%rsp), %rax
	mov	%rax, 48(%rdi)		/* RSP after our return */
	mov	(%rsp), %rax
	mov	%rax, 56(%rdi)		/* our return address */
	xor	%eax, %eax
	ret

/* void ctx_resume(struct jmp_ctx *c) */
	.globl ctx_resume
ctx_resume:
	mov	0(%rdi), %rbx
	mov	8(%rdi), %rbp
	mov	16(%rdi), %r12
	mov	24(%rdi), %r13
	mov	32(%rdi), %r14
	mov	40(%rdi), %r15
	mov	48(%rdi), %rsp
	cld
	mov	$1, %eax
	jmp	*56(%rdi)

	.section .rodata
	.balign 8
	.globl trap_stub_addr
trap_stub_addr:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad trap_stub_\v
.endr
.irp v, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_stub_\v
.endr
