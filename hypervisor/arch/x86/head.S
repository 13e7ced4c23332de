/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot entry. Both multiboot loaders enter start32 in 32-bit protected mode
 * with paging off, EAX = boot magic and EBX = physical address of the boot
 * information. We build temporary page tables that map the first 4 GiB
 * three times (identity, image window, directmap), enter long mode, jump to
 * the image's high address and call start_ward(magic, info) in C.
 */
#include <asm/layout.h>
#include <asm/boot.h>
#include <asm/cpu-defs.h>
#include <asm/regs.h>

#define PHYS(x)		((x) - IMAGE_VIRT_BASE)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE
	.long -(MB1_HEADER_MAGIC + (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE))
	.long PHYS(mb1_header)		/* header_addr */
	.long PHYS(__image_start)	/* load_addr */
	.long PHYS(__data_end)		/* load_end_addr */
	.long PHYS(__bss_end)		/* bss_end_addr */
	.long PHYS(start32)		/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* entry address tag: GRUB enters here rather than at e_entry */
	.balign 8
	.short MB2_HTAG_ENTRY, 0
	.long 12
	.long PHYS(start32)
	/* module alignment tag: modules on page boundaries */
	.balign 8
	.short MB2_HTAG_MODALIGN, 0
	.long 8
	/* end tag */
	.balign 8
	.short MB2_HTAG_END, 0
	.long 8
mb2_header_end:

	.section .text.head, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	movl	%eax, %edi		/* boot magic, kept for start_ward */
	movl	%ebx, %esi		/* boot info, physical */
	movl	$PHYS(boot_stack_top), %esp

	/* Long mode is required; say so on COM1 rather than triple-fault. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$CPUID_EXT_EDX_LM_BIT, %edx
	jnc	no_long_mode
	movl	%edx, %ebp		/* remember NX support */

	/* Fill the four boot page directories: 2048 2-MiB pages = 4 GiB. */
	movl	$PHYS(boot_pd), %ebx
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_RW | PTE_PS), %eax
	movl	%eax, (%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* bits 32+ of (ecx << 21) */
	movl	%eax, 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b

	/* Boot GDT: three descriptors at the top of a zeroed 0xe020-byte table. */
	movl	$PHYS(boot_gdt) + BOOT_CS64, %ebx
	movl	$0x0000ffff, 0(%ebx)		/* BOOT_CS64: 64-bit code, DPL 0 */
	movl	$0x00af9a00, 4(%ebx)
	movl	$0x0000ffff, 8(%ebx)		/* BOOT_DS: flat data */
	movl	$0x00cf9200, 12(%ebx)
	movl	$0x0000ffff, 16(%ebx)		/* BOOT_CS32: 32-bit code */
	movl	$0x00cf9a00, 20(%ebx)

	movl	$PHYS(boot_pml4), %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$(X86_CR4_PAE | X86_CR4_PGE), %eax
	movl	%eax, %cr4

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	btl	$CPUID_EXT_EDX_NX_BIT, %ebp
	jnc	2f
	orl	$EFER_NXE, %eax
2:	wrmsr

	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	PHYS(boot_gdtr)
	ljmp	$BOOT_CS64, $PHYS(start64_low)

no_long_mode:
	movl	$PHYS(msg_no_lm), %ebx
	movw	$0x3f8, %dx		/* COM1 data port; the UART may be unset, best effort */
3:	movb	(%ebx), %al
	testb	%al, %al
	jz	4f
	outb	%al, %dx
	incl	%ebx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
start64_low:
	movabsq	$start64_high, %rax
	jmp	*%rax

start64_high:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* The boot GDT lives in the image: reload it through its high address. */
	lgdt	boot_gdtr_high(%rip)

	leaq	bsp_stack_block + STACK_SIZE - CPU_INFO_SIZE - REGS_SIZE(%rip), %rsp
	xorl	%ebp, %ebp
	/* edi = magic, esi = info (zero-extended by the 32-bit moves above) */
	call	start_ward
5:	cli
	hlt
	jmp	5b

	.section .rodata
msg_no_lm:
	.asciz "ward: this CPU has no long mode; cannot boot\r\n"

	.section .data
	.balign 8
	.globl boot_gdtr
boot_gdtr:
	.short BOOT_GDT_SIZE - 1
	.long PHYS(boot_gdt)
	.balign 8
	.globl boot_gdtr_high
boot_gdtr_high:
	.short BOOT_GDT_SIZE - 1
	.quad boot_gdt

	/*
	 * Boot page tables, kept after boot: the AP trampoline uses them
	 * because they sit below 4 GiB and identity-map the trampoline.
	 */
	.section .data.page_aligned, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad PHYS(boot_pdpt) + (PTE_P | PTE_RW)	/* slot 0: identity */
	.fill IMAGE_SLOT - 1, 8, 0
	.quad PHYS(boot_pdpt) + (PTE_P | PTE_RW)	/* image window */
	.quad PHYS(boot_pdpt) + (PTE_P | PTE_RW)	/* directmap */
	.fill 511 - DIRECTMAP_SLOT, 8, 0
boot_pdpt:
	.quad PHYS(boot_pd) + 0 * 4096 + (PTE_P | PTE_RW)
	.quad PHYS(boot_pd) + 1 * 4096 + (PTE_P | PTE_RW)
	.quad PHYS(boot_pd) + 2 * 4096 + (PTE_P | PTE_RW)
	.quad PHYS(boot_pd) + 3 * 4096 + (PTE_P | PTE_RW)
	.fill 508, 8, 0

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_gdt
boot_gdt:
	.skip BOOT_GDT_SIZE
	.balign 4096
boot_pd:
	.skip 4 * 4096
	/* Only used in 32-bit code before we know which stack block is ours. */
	.skip 1024
boot_stack_top:
