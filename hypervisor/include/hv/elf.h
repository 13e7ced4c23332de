/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ELF64 images of PV kernels and their Xen ELF notes.
 *
 * Pure and bounds-checked: the image is a byte array in memory (a boot
 * module or a decompressed payload) and nothing in it is trusted. Every
 * offset, size and address is checked, with overflow-safe arithmetic,
 * before it is used. The same source is meant to build into the
 * hypervisor's dom0 builder and into the toolstack.
 *
 * Usage: elf_init() validates the header and the PT_LOAD segments;
 * elf_xen_parse() reads the Xen notes, applies their defaults and checks
 * them against the segments; elf_load() copies the segments into guest
 * memory. All three return 0 or a negative errno and, on failure, point
 * *why (if why is not NULL) at a one-line static message.
 */
#pragma once
#include <hv/types.h>
#include <public/elfnote.h>
#include <public/features.h>

/*
 * ELF64 file format, from the System V ABI and its x86-64 supplement.
 * Only what a loader of executables needs.
 */
#define EI_NIDENT	16
#define EI_MAG0		0
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFMAG		"\177ELF"
#define SELFMAG		4
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62

#define PT_NULL		0
#define PT_LOAD		1
#define PT_NOTE		4
#define PN_XNUM		0xffff	/* e_phnum escape for >= 0xffff headers */

#define SHT_NOTE	7

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

/* A note: this header, the owner name, then the descriptor, each padded. */
struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(sizeof(struct elf64_shdr) != 64);
BUILD_BUG_ON(sizeof(struct elf64_nhdr) != 12);

/* A validated image. Filled by elf_init(); read-only afterwards. */
struct elf_image {
	const uint8_t *data;
	size_t size;
	struct elf64_ehdr ehdr;		/* checked copy of the file header */
	unsigned int nr_loads;		/* PT_LOAD segments with p_memsz > 0 */
	/*
	 * [lowest p_paddr, highest p_paddr + p_memsz) over those segments.
	 * PV loaders place segments by p_paddr: Linux links its per-CPU
	 * segment at virtual address 0, so p_vaddr cannot be used.
	 */
	uint64_t pstart, pend;
	/* The same over p_vaddr, for diagnostics only. */
	uint64_t vaddr_min, vaddr_max;
};

/* Longest string note we keep (including the NUL); longer ones are cut. */
#define XEN_ELF_STR_MAX		64
/* The raw FEATURES string kept for printing; parsing sees all of it. */
#define XEN_ELF_FEATURES_MAX	256

/*
 * What a kernel's Xen notes say (<public/elfnote.h>), plus the virtual
 * range computed from them. Note n was seen iff xen_elf_has(info, n).
 * Numeric notes may be 4 or 8 bytes; strings are cut to fit and always
 * NUL-terminated.
 */
struct xen_elf_info {
	uint32_t present;		/* bit n: XEN_ELFNOTE n was seen */
	unsigned int nr_notes;		/* notes of owner "Xen", any type */

	uint64_t entry;			/* ENTRY, or e_entry when absent */
	uint64_t hypercall_page;	/* HYPERCALL_PAGE (virtual) */
	uint64_t virt_base;		/* VIRT_BASE, default 0 */
	uint64_t paddr_offset;		/* PADDR_OFFSET, default 0 */
	uint64_t init_p2m;		/* INIT_P2M: where to map the p2m */
	uint64_t hv_start_low;		/* HV_START_LOW (32-bit guests only) */
	uint64_t suspend_cancel;	/* SUSPEND_CANCEL */
	uint64_t mod_start_pfn;		/* MOD_START_PFN */
	uint64_t phys32_entry;		/* PHYS32_ENTRY (PVH; unused for PV) */
	uint64_t l1_mfn_valid_mask;	/* L1_MFN_VALID: the first mask/value */
	uint64_t l1_mfn_valid_value;	/* pair (x86-64 kernels give one) */
	unsigned int nr_l1_mfn_valid;	/* pairs in the note */
	bool bsd_symtab;		/* BSD_SYMTAB is "yes" */

	char guest_os[XEN_ELF_STR_MAX];
	char guest_version[XEN_ELF_STR_MAX];
	char xen_version[XEN_ELF_STR_MAX];
	char loader[XEN_ELF_STR_MAX];
	char pae_mode[XEN_ELF_STR_MAX];
	char features[XEN_ELF_FEATURES_MAX];

	/*
	 * XENFEAT_* bitmaps. A feature in FEATURES is supported; with a '!'
	 * prefix it is also required. SUPPORTED_FEATURES is OR'ed into
	 * supported. Names we do not know are counted, and refused when
	 * required since we cannot promise them.
	 */
	uint32_t supported[XENFEAT_NR_SUBMAPS];
	uint32_t required[XENFEAT_NR_SUBMAPS];
	unsigned int unknown_features;
	unsigned int unknown_required;

	/*
	 * Where the image lives in the guest: p_paddr p maps to virtual
	 * p - paddr_offset + virt_base, so this is [pstart, pend) moved by
	 * that offset. entry and hypercall_page are checked against it.
	 */
	uint64_t virt_kstart, virt_kend;
};

BUILD_BUG_ON(XEN_ELFNOTE_MAX >= 32);	/* xen_elf_info.present is 32 bits */

static inline bool xen_elf_has(const struct xen_elf_info *info,
			       unsigned int note)
{
	return note < 32 && (info->present & (1U << note));
}

static inline bool xen_elf_supports(const struct xen_elf_info *info,
				    unsigned int feat)
{
	return feat < 32 * XENFEAT_NR_SUBMAPS &&
	       (info->supported[feat / 32] & (1U << (feat % 32)));
}

static inline bool xen_elf_requires(const struct xen_elf_info *info,
				    unsigned int feat)
{
	return feat < 32 * XENFEAT_NR_SUBMAPS &&
	       (info->required[feat / 32] & (1U << (feat % 32)));
}

/* The XENFEAT_ name of @feat without its prefix, or NULL if unknown. */
const char *xen_feature_name(unsigned int feat);

/*
 * Check that @data[0..size) is a little-endian x86-64 ELF64 executable
 * (ET_EXEC or ET_DYN) whose program headers and PT_LOAD segments lie in
 * the file without wrapping, and fill @elf. @data must stay valid and
 * unchanged while @elf is used. -EINVAL on any defect.
 */
int elf_init(struct elf_image *elf, const void *data, size_t size,
	     const char **why);

/*
 * Iterate the PT_LOAD segments with p_memsz > 0, in file order: start
 * with *idx = 0; each call copies the next one to @ph and returns true,
 * or returns false when there are no more.
 */
bool elf_next_load(const struct elf_image *elf, unsigned int *idx,
		   struct elf64_phdr *ph);

/*
 * Read the Xen notes of @elf into @info: from its PT_NOTE segments, or
 * from its SHT_NOTE sections when no segment has any. Then apply the
 * defaults of <public/elfnote.h> and refuse, as Xen's loader does, a
 * kernel without Xen notes, not built for "xen-3.0", for neither the
 * generic loader nor Linux, requiring a feature we do not know, or whose
 * entry point or hypercall page lies outside its loaded range.
 * -EINVAL on any defect.
 */
int elf_xen_parse(const struct elf_image *elf, struct xen_elf_info *info,
		  const char **why);

/*
 * Callback of elf_load(): a pointer through which the loader may write
 * @len bytes of guest memory at guest virtual address @vaddr, or NULL if
 * the guest has no memory there. Requests never cross a page boundary.
 */
typedef void *(*elf_dest_fn)(void *ctx, uint64_t vaddr, size_t len);

/*
 * Copy the PT_LOAD segments of @elf to the guest through @dest, at the
 * virtual addresses @info (from elf_xen_parse() on the same image)
 * gives their p_paddr, and zero each segment from p_filesz to p_memsz.
 * -ENOMEM if @dest has no memory for a page (the guest may then hold a
 * partial copy), -EINVAL if @info does not fit @elf.
 */
int elf_load(const struct elf_image *elf, const struct xen_elf_info *info,
	     elf_dest_fn dest, void *ctx, const char **why);
