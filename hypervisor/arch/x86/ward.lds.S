/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image is linked at IMAGE_VIRT_BASE + physical address and loaded at
 * its physical address (LMA) by GRUB (multiboot2: ELF p_paddr; it checks
 * that the virtual e_entry lies in a segment, then enters at the entry tag) or QEMU
 * (multiboot1 "a.out kludge" addresses in the header). The multiboot1 path
 * copies the file linearly from the header, so text, rodata and data must
 * sit in the file at the same distances as in memory; check-elf-layout.sh
 * verifies that after every link. Each output section starts on a page so
 * that paging.c can give it its own permissions (W^X).
 */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

PHDRS
{
	image PT_LOAD FLAGS(7);
}

SECTIONS
{
	. = IMAGE_VIRT_BASE + IMAGE_PHYS_START;
	__image_start = .;

	.text : AT(ADDR(.text) - IMAGE_VIRT_BASE) {
		__text_start = .;
		KEEP(*(.multiboot))
		*(.text.head)
		*(.text .text.*)
		. = ALIGN(4096);
		__text_end = .;
	} :image

	.rodata : AT(ADDR(.rodata) - IMAGE_VIRT_BASE) {
		__rodata_start = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__ex_table_start = .;
		KEEP(*(.ex_table))
		__ex_table_end = .;
		. = ALIGN(8);
		__param_start = .;
		KEEP(*(.data.param))
		__param_end = .;
		. = ALIGN(4096);
		__rodata_end = .;
	} :image

	.data : AT(ADDR(.data) - IMAGE_VIRT_BASE) {
		__data_start = .;
		*(.data.page_aligned)
		/* One page for the fast paths' globals (compiler.h: __hot_data). */
		. = ALIGN(4096);
		__data_hot_start = .;
		*(.data.hot)
		. = ALIGN(4096);
		__data_hot_end = .;
		*(.data .data.*)
		. = ALIGN(4096);
		__data_end = .;
	} :image

	.bss : AT(ADDR(.bss) - IMAGE_VIRT_BASE) {
		__bss_start = .;
		/*
		 * The boot CPU's stack block (asm/layout.h). Aligned here, not
		 * through its input section, so that the segment's alignment
		 * (and so the file offset of the multiboot header) stays 4 KiB.
		 */
		. = ALIGN(STACK_SIZE);
		bsp_stack_block = .;
		. += STACK_SIZE;
		*(.bss.page_aligned)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :image

	__image_end = .;
	ASSERT(__data_hot_end - __data_hot_start <= 4096, "the .data.hot globals outgrew their page")

	/DISCARD/ : {
		*(.note .note.*)
		*(.comment)
		*(.eh_frame)
		*(.interp .dynamic .dynsym .dynstr .hash .gnu.hash)
	}
}

