/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application processor start-up. smp.c copies [trampoline_start,
 * trampoline_end) to TRAMPOLINE_PHYS and points a SIPI at it; the AP
 * starts in real mode at CS = TRAMPOLINE_PHYS >> 4, IP = 0. It goes to
 * protected mode, then long mode on head.S's boot page tables (which
 * identity-map this page), and jumps to ap_entry64 in the image.
 */
#include <asm/layout.h>
#include <asm/boot.h>
#include <asm/cpu-defs.h>

#define TADDR(x)	(TRAMPOLINE_PHYS + ((x) - trampoline_start))

	.section .rodata
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(tramp_gdtr - trampoline_start)
	movl	%cr0, %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$TRAMP_CS32, $TADDR(tramp32)

	.code32
tramp32:
	movl	$TRAMP_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	TADDR(tramp_cr3), %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$(X86_CR4_PAE | X86_CR4_PGE), %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	TADDR(tramp_efer), %eax	/* LME, and NXE when the CPU has NX */
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$TRAMP_CS64, $TADDR(tramp64)

	.code64
tramp64:
	movq	TADDR(tramp_stack), %rsp
	movq	TADDR(tramp_target), %rax
	jmpq	*%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* TRAMP_CS64 */
	.quad 0x00cf92000000ffff	/* TRAMP_DS */
	.quad 0x00cf9a000000ffff	/* TRAMP_CS32 */
tramp_gdt_end:
tramp_gdtr:
	.short tramp_gdt_end - tramp_gdt - 1
	.long TADDR(tramp_gdt)
	.balign 8
	/* Parameters, filled in by smp.c before each start (one AP at a time). */
	.globl tramp_params
tramp_params:
tramp_cr3:	.long 0
tramp_efer:	.long 0
tramp_stack:	.quad 0
tramp_target:	.quad 0
	.globl trampoline_end
trampoline_end:

	.section .text
	.code64
	/* Running on the boot tables at our high address, on the AP's own stack. */
	.globl ap_entry64
ap_entry64:
	/* Switch to the boot GDT (its selectors match the final ones). */
	lgdt	boot_gdtr_high(%rip)
	pushq	$BOOT_CS64
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movq	idle_pg_table_cr3(%rip), %rax
	movq	%rax, %cr3
	xorl	%ebp, %ebp
	call	start_secondary
2:	cli
	hlt
	jmp	2b
