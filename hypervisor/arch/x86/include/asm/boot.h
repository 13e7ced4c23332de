/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot 1 and 2 constants shared by head.S and common/bootinfo.c. */
#pragma once

#define MB1_HEADER_MAGIC	0x1badb002
#define MB1_BOOT_MAGIC		0x2badb002
#define MB1_FLAG_PAGE_ALIGN	(1 << 0)	/* modules on page boundaries */
#define MB1_FLAG_MEMINFO	(1 << 1)	/* we need the memory map */
#define MB1_FLAG_AOUT_KLUDGE	(1 << 16)	/* load addresses in the header */

#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_BOOT_MAGIC		0x36d76289
#define MB2_ARCH_I386		0
#define MB2_HTAG_END		0
#define MB2_HTAG_ENTRY		3
#define MB2_HTAG_MODALIGN	6
#define MB2_HTAG_OPTIONAL	1

/*
 * Boot GDT selectors (head.S). They equal the final HV_CS/HV_DS in the
 * reserved GDT page (asm/desc.h), so the IDT is valid from the start.
 */
#define BOOT_GDT_FIRST		0xe000
#define BOOT_CS64		0xe008
#define BOOT_DS			0xe010
#define BOOT_CS32		0xe018
#define BOOT_GDT_SIZE		0xe020

/* The AP trampoline's own small GDT, used only until ap_entry64. */
#define TRAMP_CS64		0x08
#define TRAMP_DS		0x10
#define TRAMP_CS32		0x18
