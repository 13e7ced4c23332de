/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * void preserve_probe(uint64_t out[8])
 * Issue xen_version(XENVER_version, NULL) with known values in every
 * register a hypercall must preserve (pv-abi-core.md 3.2) and store what
 * comes back: RBX RBP R9 R12 R13 R14 R15, then the change of RSP.
 */
#include <xen/xen.h>

	.text
	.globl preserve_probe
preserve_probe:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, probe_out(%rip)
	mov	%rsp, probe_rsp(%rip)
	movabs	$0x1111111111111111, %rbx
	movabs	$0x2222222222222222, %rbp
	movabs	$0x9999999999999999, %r9
	movabs	$0xcccccccccccccccc, %r12
	movabs	$0xdddddddddddddddd, %r13
	movabs	$0xeeeeeeeeeeeeeeee, %r14
	movabs	$0xffffffffffffffff, %r15
	mov	$__HYPERVISOR_xen_version, %eax
	xor	%edi, %edi			/* XENVER_version */
	xor	%esi, %esi
	syscall
	mov	%rsp, %rax
	mov	probe_out(%rip), %rdi
	mov	%rbx, 0(%rdi)
	mov	%rbp, 8(%rdi)
	mov	%r9, 16(%rdi)
	mov	%r12, 24(%rdi)
	mov	%r13, 32(%rdi)
	mov	%r14, 40(%rdi)
	mov	%r15, 48(%rdi)
	sub	probe_rsp(%rip), %rax
	mov	%rax, 56(%rdi)
	mov	probe_rsp(%rip), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

	.bss
	.balign 8
probe_out:
	.skip 8
probe_rsp:
	.skip 8
