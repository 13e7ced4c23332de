// SPDX-License-Identifier: GPL-2.0-only
/*
 * ELF64 PV kernels: header and segment validation, Xen ELF notes, and
 * copying the segments into guest memory. Pure: no I/O, no allocation,
 * so it is unit-tested on the host against hand-built and real images.
 *
 * The image comes from a boot module (or our own decompressor) and is
 * hostile until checked: every field is read by copying it out of the
 * byte array, so neither alignment nor the end of the buffer is assumed.
 * Boot modules are not shared with a running guest, so reading a field
 * again after checking it (elf_next_load(), elf_load()) is no double
 * fetch.
 */
#include <hv/bug.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* Owner name of the Xen notes, NUL included as the note format stores it. */
#define XEN_NOTE_OWNER		"Xen"
#define XEN_NOTE_OWNER_SIZE	4

/* Note entries are padded to 4 bytes, or 8 where the container says so. */
#define NOTE_ALIGN		4
#define NOTE_ALIGN_WIDE		8

/* The only value of XEN_VERSION a PV kernel may carry (Xen insists too). */
#define XEN_VERSION_STR		"xen-3.0"
/* Xen loads kernels for its "generic" loader, or any Linux. */
#define LOADER_GENERIC		"generic"
#define GUEST_OS_LINUX		"linux"

/* x86-64 virtual addresses are canonical: bits 63..47 all equal. */
#define VA_LOW_END		0x0000800000000000ULL
#define VA_HIGH_START		0xffff800000000000ULL

static int refuse(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

/* [off, off + len) lies inside a file of @size bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, len, &end) && end <= size;
}

static bool str_starts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strlen(s) >= n && !memcmp(s, prefix, n);
}

/* ---- header and segments ---------------------------------------------- */

static int check_ehdr(const struct elf64_ehdr *eh, size_t size,
		      const char **why)
{
	uint64_t ph_bytes;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return refuse(why, "elf: bad magic: not an ELF image");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(why, "elf: not a 64-bit ELF image");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return refuse(why, "elf: not a little-endian ELF image");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return refuse(why, "elf: unknown ELF version");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return refuse(why, "elf: not an executable (ET_EXEC or ET_DYN)");
	if (eh->e_machine != EM_X86_64)
		return refuse(why, "elf: not an x86-64 image");
	/* PN_XNUM moves the count into section 0; no kernel needs that. */
	if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
		return refuse(why, "elf: no program headers");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return refuse(why, "elf: unexpected program header size");
	ph_bytes = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (!in_file(eh->e_phoff, ph_bytes, size))
		return refuse(why, "elf: program headers outside the file");
	return 0;
}

/* Copy program header @i; the caller has checked the table is in the file. */
static void read_phdr(const struct elf_image *elf, unsigned int i,
		      struct elf64_phdr *ph)
{
	memcpy(ph, elf->data + elf->ehdr.e_phoff +
		   (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static int check_load(const struct elf64_phdr *ph, size_t size,
		      const char **why)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(why, "elf: segment has more file bytes than memory bytes");
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return refuse(why, "elf: segment data outside the file");
	/* Ends are exclusive, so a segment may end at 2^64 - 1 at most. */
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end))
		return refuse(why, "elf: segment wraps the virtual address space");
	if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end))
		return refuse(why, "elf: segment wraps the physical address space");
	return 0;
}

int elf_init(struct elf_image *elf, const void *data, size_t size,
	     const char **why)
{
	struct elf64_phdr ph;
	unsigned int i;
	int rc;

	memset(elf, 0, sizeof(*elf));
	if (size < sizeof(elf->ehdr))
		return refuse(why, "elf: image shorter than an ELF header");
	memcpy(&elf->ehdr, data, sizeof(elf->ehdr));
	rc = check_ehdr(&elf->ehdr, size, why);
	if (rc)
		return rc;
	elf->data = data;
	elf->size = size;

	elf->pstart = elf->vaddr_min = UINT64_MAX;
	for (i = 0; i < elf->ehdr.e_phnum; i++) {
		read_phdr(elf, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		rc = check_load(&ph, size, why);
		if (rc)
			return rc;
		/* Empty segments place nothing: keep them out of the range. */
		if (!ph.p_memsz)
			continue;
		elf->nr_loads++;
		elf->pstart = min(elf->pstart, ph.p_paddr);
		elf->pend = max(elf->pend, ph.p_paddr + ph.p_memsz);
		elf->vaddr_min = min(elf->vaddr_min, ph.p_vaddr);
		elf->vaddr_max = max(elf->vaddr_max, ph.p_vaddr + ph.p_memsz);
	}
	if (!elf->nr_loads)
		return refuse(why, "elf: no loadable segments");
	return 0;
}

bool elf_next_load(const struct elf_image *elf, unsigned int *idx,
		   struct elf64_phdr *ph)
{
	while (*idx < elf->ehdr.e_phnum) {
		read_phdr(elf, (*idx)++, ph);
		if (ph->p_type == PT_LOAD && ph->p_memsz)
			return true;
	}
	return false;
}

/* ---- Xen notes ---------------------------------------------------------- */

/* Feature names as FEATURES spells them: the XENFEAT_ macros minus prefix. */
#define FEAT(name)	[XENFEAT_##name] = #name
static const char *const feature_names[32 * XENFEAT_NR_SUBMAPS] = {
	FEAT(writable_page_tables),
	FEAT(writable_descriptor_tables),
	FEAT(auto_translated_physmap),
	FEAT(supervisor_mode_kernel),
	FEAT(pae_pgdir_above_4gb),
	FEAT(mmu_pt_update_preserve_ad),
	FEAT(highmem_assist),
	FEAT(gnttab_map_avail_bits),
	FEAT(hvm_callback_vector),
	FEAT(hvm_safe_pvclock),
	FEAT(hvm_pirqs),
	FEAT(dom0),
	FEAT(memory_op_vnode_supported),
	FEAT(ARM_SMCCC_supported),
	FEAT(linux_rsdp_unrestricted),
	FEAT(not_direct_mapped),
	FEAT(direct_mapped),
};
#undef FEAT

const char *xen_feature_name(unsigned int feat)
{
	return feat < ARRAY_SIZE(feature_names) ? feature_names[feat] : NULL;
}

static int feature_lookup(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
		const char *known = feature_names[i];

		if (known && strlen(known) == len && !memcmp(known, name, len))
			return i;
	}
	return -1;
}

/*
 * FEATURES: names separated by '|', each optionally prefixed by '!' when
 * the kernel cannot run without it. The note need not be NUL-terminated
 * (Linux's is not); a NUL ends it early.
 */
static void parse_features(const char *s, size_t len,
			   struct xen_elf_info *info)
{
	size_t pos = 0;

	while (pos < len && s[pos]) {
		const char *name = s + pos;
		size_t n = 0;
		bool required = false;
		int feat;

		while (pos + n < len && name[n] && name[n] != '|')
			n++;
		pos += n;
		if (pos < len && s[pos] == '|')
			pos++;
		if (n && name[0] == '!') {
			required = true;
			name++;
			n--;
		}
		if (!n)
			continue;	/* "a||b": nothing between the bars */
		feat = feature_lookup(name, n);
		if (feat < 0) {
			info->unknown_features++;
			if (required)
				info->unknown_required++;
			continue;
		}
		info->supported[feat / 32] |= 1U << (feat % 32);
		if (required)
			info->required[feat / 32] |= 1U << (feat % 32);
	}
}

/* Copy a string note up to its first NUL, cut to fit @dst, NUL-terminated. */
static void copy_str(char *dst, size_t cap, const uint8_t *desc, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < cap && desc[n])
		n++;
	memcpy(dst, desc, n);
	dst[n] = '\0';
}

static bool read_num(const uint8_t *desc, size_t len, uint64_t *val)
{
	uint32_t v32;

	switch (len) {
	case sizeof(uint32_t):
		memcpy(&v32, desc, sizeof(v32));
		*val = v32;
		return true;
	case sizeof(uint64_t):
		memcpy(val, desc, sizeof(*val));
		return true;
	}
	return false;
}

/* How each Xen note is read, and into which field of xen_elf_info. */
enum note_kind {
	NOTE_IGNORED,		/* known to the ABI, nothing a PV loader uses */
	NOTE_NUM,		/* 4- or 8-byte little-endian number */
	NOTE_STR,		/* string, kept in a char array */
	NOTE_FEATURES,		/* FEATURES string */
	NOTE_FEATURE_MAP,	/* SUPPORTED_FEATURES bitmap */
	NOTE_L1_MFN_VALID,	/* list of (mask, value) pairs */
	NOTE_BSD_SYMTAB,	/* "yes" or "no" */
};

struct note_kind_desc {
	enum note_kind kind;
	size_t offset;		/* of the field, for NOTE_NUM and NOTE_STR */
	size_t size;
};

#define FIELD(kind, f)	{ kind, __builtin_offsetof(struct xen_elf_info, f), \
			  sizeof(((struct xen_elf_info *)0)->f) }
#define NUM(f)		FIELD(NOTE_NUM, f)
#define STR(f)		FIELD(NOTE_STR, f)
static const struct note_kind_desc note_kinds[XEN_ELFNOTE_MAX + 1] = {
	[XEN_ELFNOTE_INFO]		= { NOTE_IGNORED },
	[XEN_ELFNOTE_ENTRY]		= NUM(entry),
	[XEN_ELFNOTE_HYPERCALL_PAGE]	= NUM(hypercall_page),
	[XEN_ELFNOTE_VIRT_BASE]		= NUM(virt_base),
	[XEN_ELFNOTE_PADDR_OFFSET]	= NUM(paddr_offset),
	[XEN_ELFNOTE_XEN_VERSION]	= STR(xen_version),
	[XEN_ELFNOTE_GUEST_OS]		= STR(guest_os),
	[XEN_ELFNOTE_GUEST_VERSION]	= STR(guest_version),
	[XEN_ELFNOTE_LOADER]		= STR(loader),
	[XEN_ELFNOTE_PAE_MODE]		= STR(pae_mode),
	[XEN_ELFNOTE_FEATURES]		= { NOTE_FEATURES },
	[XEN_ELFNOTE_BSD_SYMTAB]	= { NOTE_BSD_SYMTAB },
	[XEN_ELFNOTE_HV_START_LOW]	= NUM(hv_start_low),
	[XEN_ELFNOTE_L1_MFN_VALID]	= { NOTE_L1_MFN_VALID },
	[XEN_ELFNOTE_SUSPEND_CANCEL]	= NUM(suspend_cancel),
	[XEN_ELFNOTE_INIT_P2M]		= NUM(init_p2m),
	[XEN_ELFNOTE_MOD_START_PFN]	= NUM(mod_start_pfn),
	[XEN_ELFNOTE_SUPPORTED_FEATURES] = { NOTE_FEATURE_MAP },
	[XEN_ELFNOTE_PHYS32_ENTRY]	= NUM(phys32_entry),
};
#undef NUM
#undef STR
#undef FIELD

/* One note of owner "Xen". Types past the table (crash dumps) are skipped. */
static int xen_note(uint32_t type, const uint8_t *desc, size_t len,
		    struct xen_elf_info *info, const char **why)
{
	const struct note_kind_desc *k;
	uint8_t *field;
	uint64_t val;

	info->nr_notes++;
	if (type >= ARRAY_SIZE(note_kinds))
		return 0;
	k = &note_kinds[type];
	field = (uint8_t *)info + k->offset;

	switch (k->kind) {
	case NOTE_IGNORED:
		break;
	case NOTE_NUM:
		if (!read_num(desc, len, &val))
			return refuse(why, "elf: numeric Xen note is neither 4 nor 8 bytes");
		ASSERT(k->size == sizeof(val));	/* every NUM field is a u64 */
		memcpy(field, &val, sizeof(val));
		break;
	case NOTE_STR:
		copy_str((char *)field, k->size, desc, len);
		break;
	case NOTE_FEATURES:
		copy_str(info->features, sizeof(info->features), desc, len);
		parse_features((const char *)desc, len, info);
		break;
	case NOTE_FEATURE_MAP:
		if (!read_num(desc, len, &val))
			return refuse(why, "elf: numeric Xen note is neither 4 nor 8 bytes");
		/* Bits beyond our maps name features we cannot offer. */
		info->supported[0] |= (uint32_t)val;
		break;
	case NOTE_L1_MFN_VALID:
		if (!len || len % (2 * sizeof(uint64_t)))
			return refuse(why, "elf: L1_MFN_VALID note is not a list of 8-byte mask/value pairs");
		memcpy(&info->l1_mfn_valid_mask, desc, sizeof(uint64_t));
		memcpy(&info->l1_mfn_valid_value, desc + sizeof(uint64_t),
		       sizeof(uint64_t));
		info->nr_l1_mfn_valid = len / (2 * sizeof(uint64_t));
		break;
	case NOTE_BSD_SYMTAB:
		info->bsd_symtab = len >= 3 && !memcmp(desc, "yes", 3) &&
				   (len == 3 || !desc[3]);
		break;
	}
	info->present |= 1U << type;
	return 0;
}

/*
 * Walk the notes in file bytes [off, off + len), which the caller has
 * checked lie in the file. Every entry must fit in the area; only the
 * padding after the last descriptor may be missing.
 */
static int parse_note_area(const struct elf_image *elf, uint64_t off,
			   uint64_t len, uint64_t align,
			   struct xen_elf_info *info, const char **why)
{
	const uint8_t *area = elf->data + off;
	uint64_t pos = 0;
	int rc;

	if (!IS_ALIGNED(off, align))
		return refuse(why, "elf: misaligned note area");

	while (pos < len) {
		struct elf64_nhdr nh;
		uint64_t name, desc, next;

		if (len - pos < sizeof(nh))
			return refuse(why, "elf: truncated note header");
		memcpy(&nh, area + pos, sizeof(nh));
		/*
		 * The descriptor and the next entry start aligned. pos is
		 * aligned, so aligning offsets within the area is enough.
		 * 32-bit sizes in 64-bit sums: none of these can overflow.
		 */
		name = pos + sizeof(nh);
		desc = ROUNDUP(name + nh.n_namesz, align);
		next = desc + ROUNDUP((uint64_t)nh.n_descsz, align);
		if (desc > len)
			return refuse(why, "elf: note name runs past the end of its area");
		if (desc + nh.n_descsz > len)
			return refuse(why, "elf: note descriptor runs past the end of its area");

		if (nh.n_namesz == XEN_NOTE_OWNER_SIZE &&
		    !memcmp(area + name, XEN_NOTE_OWNER, XEN_NOTE_OWNER_SIZE)) {
			rc = xen_note(nh.n_type, area + desc, nh.n_descsz,
				      info, why);
			if (rc)
				return rc;
		}
		pos = min(next, len);
	}
	return 0;
}

static uint64_t note_align(uint64_t align)
{
	return align == NOTE_ALIGN_WIDE ? NOTE_ALIGN_WIDE : NOTE_ALIGN;
}

static int parse_note_segments(const struct elf_image *elf,
			       struct xen_elf_info *info, const char **why)
{
	struct elf64_phdr ph;
	unsigned int i;
	int rc;

	for (i = 0; i < elf->ehdr.e_phnum; i++) {
		read_phdr(elf, i, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		if (!in_file(ph.p_offset, ph.p_filesz, elf->size))
			return refuse(why, "elf: note segment outside the file");
		rc = parse_note_area(elf, ph.p_offset, ph.p_filesz,
				     note_align(ph.p_align), info, why);
		if (rc)
			return rc;
	}
	return 0;
}

/* Fallback for images whose notes are not covered by a PT_NOTE segment. */
static int parse_note_sections(const struct elf_image *elf,
			       struct xen_elf_info *info, const char **why)
{
	const struct elf64_ehdr *eh = &elf->ehdr;
	struct elf64_shdr sh;
	unsigned int i;
	int rc;

	/* Section headers are optional in an executable. */
	if (!eh->e_shoff || !eh->e_shnum)
		return 0;
	if (eh->e_shentsize != sizeof(sh))
		return refuse(why, "elf: unexpected section header size");
	if (!in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(sh),
		     elf->size))
		return refuse(why, "elf: section headers outside the file");

	for (i = 0; i < eh->e_shnum; i++) {
		memcpy(&sh, elf->data + eh->e_shoff + (uint64_t)i * sizeof(sh),
		       sizeof(sh));
		if (sh.sh_type != SHT_NOTE)
			continue;
		if (!in_file(sh.sh_offset, sh.sh_size, elf->size))
			return refuse(why, "elf: note section outside the file");
		rc = parse_note_area(elf, sh.sh_offset, sh.sh_size,
				     note_align(sh.sh_addralign), info, why);
		if (rc)
			return rc;
	}
	return 0;
}

static bool canonical_range(uint64_t start, uint64_t end)
{
	uint64_t last = end - 1;

	return (last < VA_LOW_END) || (start >= VA_HIGH_START);
}

/*
 * The checks Xen's loader makes before building a PV domain, and the
 * defaults <public/elfnote.h> gives absent notes. PADDR_OFFSET defaults
 * to 0: VIRT_BASE was its default only for the pre-notes "__xen_guest"
 * section, which we do not read.
 */
static int check_xen_info(const struct elf_image *elf,
			  struct xen_elf_info *info, const char **why)
{
	uint64_t span;

	if (!info->nr_notes)
		return refuse(why, "elf: no Xen ELF notes: not a PV kernel");
	/* Xen compares only the prefix; so do we, to load what Xen loads. */
	if (!str_starts(info->xen_version, XEN_VERSION_STR))
		return refuse(why, "elf: XEN_VERSION note missing or not \"xen-3.0\"");
	if (!str_starts(info->loader, LOADER_GENERIC) &&
	    !str_starts(info->guest_os, GUEST_OS_LINUX))
		return refuse(why, "elf: kernel is neither for the generic loader nor Linux");
	if (info->unknown_required)
		return refuse(why, "elf: kernel requires a Xen feature we do not know");

	if (!xen_elf_has(info, XEN_ELFNOTE_VIRT_BASE))
		info->virt_base = 0;
	if (!xen_elf_has(info, XEN_ELFNOTE_PADDR_OFFSET))
		info->paddr_offset = 0;
	if (!xen_elf_has(info, XEN_ELFNOTE_ENTRY))
		info->entry = elf->ehdr.e_entry;

	/* Pseudo-physical addresses (p_paddr - PADDR_OFFSET) start at 0. */
	if (info->paddr_offset > elf->pstart)
		return refuse(why, "elf: PADDR_OFFSET lies above the lowest segment");
	span = elf->pend - info->paddr_offset;
	if (__builtin_add_overflow(info->virt_base, span, &info->virt_kend))
		return refuse(why, "elf: kernel image wraps the virtual address space");
	info->virt_kstart = info->virt_base +
			    (elf->pstart - info->paddr_offset);
	if (!canonical_range(info->virt_kstart, info->virt_kend))
		return refuse(why, "elf: kernel image is not in canonical virtual memory");

	if (info->entry < info->virt_kstart || info->entry >= info->virt_kend)
		return refuse(why, "elf: entry point outside the loaded segments");

	/* The builder writes a page of stubs there: all of it must be ours. */
	if (xen_elf_has(info, XEN_ELFNOTE_HYPERCALL_PAGE)) {
		if (!IS_ALIGNED(info->hypercall_page, PAGE_SIZE))
			return refuse(why, "elf: hypercall page is not page-aligned");
		if (info->hypercall_page < info->virt_kstart ||
		    info->hypercall_page >= info->virt_kend ||
		    info->virt_kend - info->hypercall_page < PAGE_SIZE)
			return refuse(why, "elf: hypercall page outside the loaded segments");
	}
	return 0;
}

int elf_xen_parse(const struct elf_image *elf, struct xen_elf_info *info,
		  const char **why)
{
	int rc;

	memset(info, 0, sizeof(*info));
	rc = parse_note_segments(elf, info, why);
	if (rc)
		return rc;
	if (!info->nr_notes) {
		rc = parse_note_sections(elf, info, why);
		if (rc)
			return rc;
	}
	return check_xen_info(elf, info, why);
}

/* ---- loading ------------------------------------------------------------ */

int elf_load(const struct elf_image *elf, const struct xen_elf_info *info,
	     elf_dest_fn dest, void *ctx, const char **why)
{
	struct elf64_phdr ph;
	unsigned int idx = 0;

	while (elf_next_load(elf, &idx, &ph)) {
		uint64_t va, done = 0;

		/*
		 * elf_xen_parse() checked the whole range; this only catches
		 * an @info that was computed for another image.
		 */
		va = info->virt_base + (ph.p_paddr - info->paddr_offset);
		if (ph.p_paddr < info->paddr_offset ||
		    va < info->virt_kstart || va > info->virt_kend ||
		    info->virt_kend - va < ph.p_memsz)
			return refuse(why, "elf: Xen notes do not belong to this image");

		/* Page by page: the guest's memory need not be contiguous. */
		while (done < ph.p_memsz) {
			uint64_t at = va + done;
			size_t chunk = min(ph.p_memsz - done,
					   PAGE_SIZE - (at & (PAGE_SIZE - 1)));
			size_t copy = 0;
			uint8_t *p = dest(ctx, at, chunk);

			if (!p) {
				if (why)
					*why = "elf: kernel segment outside the guest's memory";
				return -ENOMEM;
			}
			if (done < ph.p_filesz) {
				copy = min((uint64_t)chunk, ph.p_filesz - done);
				memcpy(p, elf->data + ph.p_offset + done, copy);
			}
			memset(p + copy, 0, chunk - copy);
			done += chunk;
		}
	}
	return 0;
}
