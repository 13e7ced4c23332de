/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen ELF notes (public/elfnote.h) that make this image a 64-bit PV kernel
 * a dom0 builder accepts. There is deliberately no HYPERCALL_PAGE note:
 * the guests issue `syscall` themselves, as Linux >= 6.1.123 does.
 */
#include <xen/elfnote.h>
#include <xen/features.h>

/* One note: owner "Xen", type TYPE, descriptor DESC emitted with DIRECTIVE. */
.macro XEN_NOTE type, directive, desc:vararg
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:	\directive \desc
4:	.balign 4
	.popsection
.endm

	XEN_NOTE XEN_ELFNOTE_GUEST_OS,		.asciz, "Ward-test"
	XEN_NOTE XEN_ELFNOTE_XEN_VERSION,	.asciz, "xen-3.0"
	XEN_NOTE XEN_ELFNOTE_LOADER,		.asciz, "generic"
	XEN_NOTE XEN_ELFNOTE_VIRT_BASE,		.quad, 0xffffffff80000000
	XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,	.quad, 0
	XEN_NOTE XEN_ELFNOTE_ENTRY,		.quad, _start
	XEN_NOTE XEN_ELFNOTE_FEATURES,		.asciz, "!writable_page_tables"
	/* Xen refuses to build a dom0 whose kernel lacks the dom0 bit. */
	XEN_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long, (1 << XENFEAT_dom0)
