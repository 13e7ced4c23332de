// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/elf.c: ELF64 validation, Xen ELF notes and segment loading.
 *
 * A fixture builder assembles a kernel-like image in memory (file header,
 * program and section headers, a note area, three PT_LOAD segments shaped
 * like Linux's, per-CPU segment at virtual 0 included). Each test starts
 * from that valid image, breaks one thing, and checks the refusal and its
 * message. Then real kernels: our build/kernel/vmlinux (checked against
 * nm) and the ELF inside Debian's build/debian/vmlinuz (unpacked with the
 * host's xz), when they exist.
 */
// sources: common/elf.c
#define _GNU_SOURCE		/* memmem */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/elf.h>
#include <hv/errno.h>

/* ---- fixture layout --------------------------------------------------- */

#define IMG_SIZE	0x8000
#define PHDR_OFF	0x40
#define MAX_PHDRS	8
#define SHDR_OFF	(PHDR_OFF + MAX_PHDRS * sizeof(struct elf64_phdr))
#define NR_SHDRS	2		/* the null section and .notes */
#define NOTE_OFF	0x400
#define NOTE_END	0x1000
#define MAX_NOTES	32
#define MAX_DESC	512

/* Linux's layout: text, per-CPU (linked at 0), init + bss. */
#define KVIRT_BASE	0xffffffff80000000ULL
#define PHYS_START	0x1000000ULL
#define KVA(pa)		(KVIRT_BASE + (pa))
#define TEXT_PA		PHYS_START
#define TEXT_SIZE	0x2000
#define PERCPU_PA	(TEXT_PA + TEXT_SIZE)
#define PERCPU_SIZE	0x1000
#define INIT_PA		(PERCPU_PA + PERCPU_SIZE)
#define INIT_FILESZ	0x1000
#define INIT_MEMSZ	0x3000		/* two pages of bss */
#define PHYS_END	(INIT_PA + INIT_MEMSZ)
#define TEXT_OFF	0x1000
#define PERCPU_OFF	(TEXT_OFF + TEXT_SIZE)
#define INIT_OFF	(PERCPU_OFF + PERCPU_SIZE)
#define IMG_LEN		(INIT_OFF + INIT_FILESZ)

#define ENTRY_VA	KVA(INIT_PA + 0x100)
#define HYPERCALL_VA	KVA(TEXT_PA + 0x1000)
#define INIT_P2M_VA	0x8000000000ULL
#define HV_START_LOW	0xffff800000000000ULL
#define PHYS32_ENTRY	0x1000850
#define LINUX_FEATURES	"!writable_page_tables|pae_pgdir_above_4gb"
#define LINUX_SUPPORTED	0x8801	/* writable_page_tables, dom0, rsdp */

enum { PH_TEXT, PH_PERCPU, PH_INIT, PH_NOTE, NR_KERNEL_PHDRS };

struct note {
	const char *owner;
	uint32_t type;
	uint32_t descsz;
	uint8_t desc[MAX_DESC];
	/* When non-zero, written instead of the real sizes. */
	uint32_t bad_namesz, bad_descsz;
};

struct fixture {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PHDRS];
	unsigned int nr_ph;
	struct note notes[MAX_NOTES];
	unsigned int nr_notes;
	unsigned int note_align;	/* 4, or 8 with p_align 8 */
	size_t notes_len;		/* set by build() */
	size_t len;
	uint8_t img[IMG_SIZE] __attribute__((aligned(8)));
};

static struct fixture fx;

/* The byte at file offset @off of a segment, recognisable after loading. */
static uint8_t pattern(size_t off)
{
	return (uint8_t)(off * 7 + 1) | 1;	/* never 0, never 0xaa */
}

static struct note *note_add(const char *owner, uint32_t type,
			     const void *desc, size_t len)
{
	struct note *n;

	assert_true(fx.nr_notes < MAX_NOTES && len <= MAX_DESC);
	n = &fx.notes[fx.nr_notes++];
	memset(n, 0, sizeof(*n));
	n->owner = owner;
	n->type = type;
	n->descsz = len;
	memcpy(n->desc, desc, len);
	return n;
}

static void note_u32(uint32_t type, uint32_t v)
{
	note_add("Xen", type, &v, sizeof(v));
}

static void note_u64(uint32_t type, uint64_t v)
{
	note_add("Xen", type, &v, sizeof(v));
}

/* A string note with its NUL, as Linux's .asciz makes them. */
static void note_str(uint32_t type, const char *s)
{
	note_add("Xen", type, s, strlen(s) + 1);
}

static struct note *note_find(uint32_t type)
{
	for (unsigned int i = 0; i < fx.nr_notes; i++)
		if (fx.notes[i].type == type && !strcmp(fx.notes[i].owner, "Xen"))
			return &fx.notes[i];
	fail_msg("fixture has no Xen note %u", type);
	return NULL;
}

static void note_del(uint32_t type)
{
	struct note *n = note_find(type);

	memmove(n, n + 1, (char *)&fx.notes[fx.nr_notes] - (char *)(n + 1));
	fx.nr_notes--;
}

static void note_set_u64(uint32_t type, uint64_t v)
{
	struct note *n = note_find(type);

	n->descsz = sizeof(v);
	memcpy(n->desc, &v, sizeof(v));
}

static void note_set_str(uint32_t type, const char *s)
{
	struct note *n = note_find(type);

	n->descsz = strlen(s) + 1;
	memcpy(n->desc, s, n->descsz);
}

static void set_load(unsigned int i, uint64_t off, uint64_t pa, uint64_t va,
		     uint64_t filesz, uint64_t memsz)
{
	fx.ph[i] = (struct elf64_phdr){
		.p_type = PT_LOAD, .p_flags = 7, .p_offset = off,
		.p_vaddr = va, .p_paddr = pa, .p_filesz = filesz,
		.p_memsz = memsz, .p_align = 0x1000,
	};
}

/* A valid kernel with every note Linux 6.1 carries, and a few more. */
static int kernel_fixture(void **state)
{
	static const uint64_t l1_mfn_valid[2] = { 1, 1 };
	static const uint8_t build_id[20] = { 0xeb, 0x4f, 0xbc };

	memset(&fx, 0, sizeof(fx));
	fx.note_align = 4;
	memcpy(fx.eh.e_ident, ELFMAG, SELFMAG);
	fx.eh.e_ident[EI_CLASS] = ELFCLASS64;
	fx.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	fx.eh.e_ident[EI_VERSION] = EV_CURRENT;
	fx.eh.e_type = ET_EXEC;
	fx.eh.e_machine = EM_X86_64;
	fx.eh.e_version = EV_CURRENT;
	fx.eh.e_entry = PHYS_START;	/* Linux's native entry is physical */
	fx.eh.e_ehsize = sizeof(struct elf64_ehdr);

	fx.nr_ph = NR_KERNEL_PHDRS;
	set_load(PH_TEXT, TEXT_OFF, TEXT_PA, KVA(TEXT_PA),
		 TEXT_SIZE, TEXT_SIZE);
	set_load(PH_PERCPU, PERCPU_OFF, PERCPU_PA, 0, PERCPU_SIZE, PERCPU_SIZE);
	set_load(PH_INIT, INIT_OFF, INIT_PA, KVA(INIT_PA),
		 INIT_FILESZ, INIT_MEMSZ);
	fx.ph[PH_NOTE] = (struct elf64_phdr){ .p_type = PT_NOTE, .p_align = 4 };

	note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
	note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_u64(XEN_ELFNOTE_VIRT_BASE, KVIRT_BASE);
	note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0);
	note_u64(XEN_ELFNOTE_INIT_P2M, INIT_P2M_VA);
	note_u64(XEN_ELFNOTE_ENTRY, ENTRY_VA);
	note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, HYPERCALL_VA);
	/* Linux's FEATURES has no NUL. */
	note_add("Xen", XEN_ELFNOTE_FEATURES, LINUX_FEATURES,
		 strlen(LINUX_FEATURES));
	note_u32(XEN_ELFNOTE_SUPPORTED_FEATURES, LINUX_SUPPORTED);
	note_str(XEN_ELFNOTE_PAE_MODE, "yes");
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_add("Xen", XEN_ELFNOTE_L1_MFN_VALID, l1_mfn_valid,
		 sizeof(l1_mfn_valid));
	note_u32(XEN_ELFNOTE_SUSPEND_CANCEL, 1);
	note_u32(XEN_ELFNOTE_MOD_START_PFN, 1);
	note_u64(XEN_ELFNOTE_HV_START_LOW, HV_START_LOW);
	note_u32(XEN_ELFNOTE_PHYS32_ENTRY, PHYS32_ENTRY);
	note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
	note_str(XEN_ELFNOTE_INFO, "NAME=value");
	note_u32(XEN_ELFNOTE_CRASH_INFO, 0);	/* not ours: counted, skipped */
	note_add("GNU", 3, build_id, sizeof(build_id));	/* last: 20 bytes */
	return 0;
}

static size_t put_note(uint8_t *p, const struct note *n, unsigned int align)
{
	struct elf64_nhdr nh = {
		.n_namesz = n->bad_namesz ?: strlen(n->owner) + 1,
		.n_descsz = n->bad_descsz ?: n->descsz,
		.n_type = n->type,
	};
	size_t name_len = strlen(n->owner) + 1;
	size_t off = 0;

	memcpy(p, &nh, sizeof(nh));
	off += sizeof(nh);
	memcpy(p + off, n->owner, name_len);
	off = ROUNDUP(off + name_len, align);
	memcpy(p + off, n->desc, n->descsz);
	off += ROUNDUP((size_t)n->descsz, align);
	return off;
}

/* Serialise fx into fx.img[0..fx.len); tests may then patch the bytes. */
static void build(void)
{
	struct elf64_shdr sh[NR_SHDRS] = { 0 };
	size_t off = NOTE_OFF;

	memset(fx.img, 0, sizeof(fx.img));
	for (unsigned int i = 0; i < fx.nr_notes; i++) {
		off += put_note(fx.img + off, &fx.notes[i], fx.note_align);
		assert_true(off <= NOTE_END);
	}
	fx.notes_len = off - NOTE_OFF;
	if (fx.nr_ph > PH_NOTE && fx.ph[PH_NOTE].p_type == PT_NOTE) {
		fx.ph[PH_NOTE].p_offset = NOTE_OFF;
		fx.ph[PH_NOTE].p_filesz = fx.notes_len;
		fx.ph[PH_NOTE].p_align = fx.note_align;
	}
	sh[1] = (struct elf64_shdr){
		.sh_type = SHT_NOTE, .sh_offset = NOTE_OFF,
		.sh_size = fx.notes_len, .sh_addralign = fx.note_align,
	};

	fx.eh.e_phoff = PHDR_OFF;
	fx.eh.e_phentsize = sizeof(struct elf64_phdr);
	fx.eh.e_phnum = fx.nr_ph;
	fx.eh.e_shoff = SHDR_OFF;
	fx.eh.e_shentsize = sizeof(struct elf64_shdr);
	fx.eh.e_shnum = NR_SHDRS;
	memcpy(fx.img, &fx.eh, sizeof(fx.eh));
	memcpy(fx.img + PHDR_OFF, fx.ph, sizeof(fx.ph));
	memcpy(fx.img + SHDR_OFF, sh, sizeof(sh));
	for (size_t i = TEXT_OFF; i < IMG_LEN; i++)
		fx.img[i] = pattern(i);
	fx.len = IMG_LEN;
}

/* The built image's headers, to patch after build(). */
static struct elf64_ehdr *img_eh(void)
{
	return (struct elf64_ehdr *)fx.img;
}

static struct elf64_phdr *img_ph(unsigned int i)
{
	return (struct elf64_phdr *)(fx.img + PHDR_OFF) + i;
}

static struct elf64_shdr *img_sh(unsigned int i)
{
	return (struct elf64_shdr *)(fx.img + SHDR_OFF) + i;
}

static struct elf_image elf;
static struct xen_elf_info info;
static const char *why;

/* elf_init() then elf_xen_parse() over the built image. */
static int parse(void)
{
	int rc;

	why = NULL;
	rc = elf_init(&elf, fx.img, fx.len, &why);
	if (!rc)
		rc = elf_xen_parse(&elf, &info, &why);
	return rc;
}

static void expect_ok(void)
{
	int rc = parse();

	if (rc)
		fail_msg("refused (%d): %s", rc, why ? why : "(no message)");
}

static void expect_refused(const char *what)
{
	int rc = parse();

	if (rc != -EINVAL || !why || !strstr(why, what))
		fail_msg("rc %d, \"%s\"; want -EINVAL and \"%s\"", rc,
			 why ? why : "(none)", what);
	assert_true(!strncmp(why, "elf: ", 5));
}

/* ---- the valid kernel ------------------------------------------------- */

static void test_kernel_fixture_parses(void **state)
{
	static const unsigned int all[] = {
		XEN_ELFNOTE_INFO, XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE,
		XEN_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_PADDR_OFFSET,
		XEN_ELFNOTE_XEN_VERSION, XEN_ELFNOTE_GUEST_OS,
		XEN_ELFNOTE_GUEST_VERSION, XEN_ELFNOTE_LOADER,
		XEN_ELFNOTE_PAE_MODE, XEN_ELFNOTE_FEATURES,
		XEN_ELFNOTE_BSD_SYMTAB, XEN_ELFNOTE_HV_START_LOW,
		XEN_ELFNOTE_L1_MFN_VALID, XEN_ELFNOTE_SUSPEND_CANCEL,
		XEN_ELFNOTE_INIT_P2M, XEN_ELFNOTE_MOD_START_PFN,
		XEN_ELFNOTE_SUPPORTED_FEATURES, XEN_ELFNOTE_PHYS32_ENTRY,
	};

	build();
	expect_ok();
	assert_int_equal(elf.nr_loads, 3);
	assert_int_equal(elf.pstart, PHYS_START);
	assert_int_equal(elf.pend, PHYS_END);
	assert_int_equal(elf.vaddr_min, 0);	/* the per-CPU segment */
	assert_int_equal(elf.vaddr_max, KVA(PHYS_END));

	for (unsigned int i = 0; i < ARRAY_SIZE(all); i++)
		if (!xen_elf_has(&info, all[i]))
			fail_msg("note %u not marked present", all[i]);
	assert_int_equal(info.present, (1U << (XEN_ELFNOTE_MAX + 1)) - 1);
	assert_int_equal(info.nr_notes, fx.nr_notes - 1);	/* not GNU's */

	assert_int_equal(info.entry, ENTRY_VA);
	assert_int_equal(info.hypercall_page, HYPERCALL_VA);
	assert_int_equal(info.virt_base, KVIRT_BASE);
	assert_int_equal(info.paddr_offset, 0);
	assert_int_equal(info.init_p2m, INIT_P2M_VA);
	assert_int_equal(info.hv_start_low, HV_START_LOW);
	assert_int_equal(info.suspend_cancel, 1);
	assert_int_equal(info.mod_start_pfn, 1);
	assert_int_equal(info.phys32_entry, PHYS32_ENTRY);
	assert_int_equal(info.l1_mfn_valid_mask, 1);
	assert_int_equal(info.l1_mfn_valid_value, 1);
	assert_int_equal(info.nr_l1_mfn_valid, 1);
	assert_true(info.bsd_symtab);
	assert_string_equal(info.guest_os, "linux");
	assert_string_equal(info.guest_version, "2.6");
	assert_string_equal(info.xen_version, "xen-3.0");
	assert_string_equal(info.loader, "generic");
	assert_string_equal(info.pae_mode, "yes");
	assert_string_equal(info.features, LINUX_FEATURES);

	assert_int_equal(info.supported[0],
			 LINUX_SUPPORTED | 1U << XENFEAT_pae_pgdir_above_4gb);
	assert_int_equal(info.required[0], 1U << XENFEAT_writable_page_tables);
	assert_true(xen_elf_supports(&info, XENFEAT_dom0));
	assert_true(xen_elf_requires(&info, XENFEAT_writable_page_tables));
	assert_false(xen_elf_requires(&info, XENFEAT_pae_pgdir_above_4gb));
	assert_false(xen_elf_supports(&info, 1000));
	assert_int_equal(info.unknown_features, 0);

	/* Placed by p_paddr: text at VIRT_BASE + 16 MiB, per-CPU after it. */
	assert_int_equal(info.virt_kstart, KVA(PHYS_START));
	assert_int_equal(info.virt_kend, KVA(PHYS_END));
}

static void test_feature_names(void **state)
{
	assert_string_equal(xen_feature_name(XENFEAT_writable_page_tables),
			    "writable_page_tables");
	assert_string_equal(xen_feature_name(XENFEAT_dom0), "dom0");
	assert_string_equal(xen_feature_name(XENFEAT_direct_mapped),
			    "direct_mapped");
	assert_null(xen_feature_name(12));	/* retired grant_map_identity */
	assert_null(xen_feature_name(31));
	assert_null(xen_feature_name(32));
	assert_null(xen_feature_name(~0U));
}

static void test_next_load_iterates_loads_only(void **state)
{
	struct elf64_phdr ph;
	unsigned int idx = 0, n = 0;
	static const uint64_t want[] = { TEXT_PA, PERCPU_PA, INIT_PA };

	/* An empty PT_LOAD at paddr 0 must not count or stretch the range. */
	fx.nr_ph = NR_KERNEL_PHDRS + 1;
	set_load(NR_KERNEL_PHDRS, 0, 0, 0, 0, 0);
	build();
	expect_ok();
	assert_int_equal(elf.nr_loads, 3);
	assert_int_equal(elf.pstart, PHYS_START);
	while (elf_next_load(&elf, &idx, &ph)) {
		assert_true(n < ARRAY_SIZE(want));
		assert_int_equal(ph.p_paddr, want[n++]);
	}
	assert_int_equal(n, 3);
	assert_false(elf_next_load(&elf, &idx, &ph));	/* stays finished */
}

static void test_et_dyn_accepted(void **state)
{
	fx.eh.e_type = ET_DYN;
	build();
	expect_ok();
}

/* ---- header and segment defects --------------------------------------- */

struct mutation {
	const char *name;
	void (*before)(void);	/* on fx, before build() */
	void (*after)(void);	/* on fx.img, after build() */
	const char *why;	/* substring of the refusal */
};

static void m_magic(void) { fx.img[1] = 'X'; }
static void m_class32(void) { fx.img[EI_CLASS] = 1; }
static void m_big_endian(void) { fx.img[EI_DATA] = 2; }
static void m_ident_version(void) { fx.img[EI_VERSION] = 0; }
static void m_e_version(void) { img_eh()->e_version = 2; }
static void m_et_rel(void) { img_eh()->e_type = 1; }
static void m_et_core(void) { img_eh()->e_type = 4; }
static void m_i386(void) { img_eh()->e_machine = 3; }
static void m_phentsize(void) { img_eh()->e_phentsize = 32; }
static void m_phnum_zero(void) { img_eh()->e_phnum = 0; }
static void m_phnum_xnum(void) { img_eh()->e_phnum = PN_XNUM; }
static void m_phnum_big(void) { img_eh()->e_phnum = 1000; }
static void m_phoff_end(void) { img_eh()->e_phoff = IMG_LEN - 8; }
static void m_phoff_wrap(void) { img_eh()->e_phoff = ~0ULL - 0x40; }
static void m_seg_off_end(void) { img_ph(PH_TEXT)->p_offset = IMG_LEN; }
static void m_seg_tail(void)
{
	img_ph(PH_INIT)->p_filesz += 1;
	img_ph(PH_INIT)->p_memsz += 1;
}

static void m_seg_off_wrap(void) { img_ph(PH_TEXT)->p_offset = ~0ULL - 0x10; }
static void m_filesz(void) { img_ph(PH_INIT)->p_filesz = INIT_MEMSZ + 1; }
static void m_vaddr_wrap(void) { img_ph(PH_TEXT)->p_vaddr = ~0ULL - 0x1000; }
static void m_vaddr_end(void) { img_ph(PH_TEXT)->p_vaddr = 0ULL - TEXT_SIZE; }
static void m_paddr_wrap(void) { img_ph(PH_INIT)->p_paddr = ~0ULL - 0x1000; }
static void m_memsz_huge(void) { img_ph(PH_INIT)->p_memsz = ~0ULL; }

static void m_no_loads(void)
{
	for (unsigned int i = 0; i < PH_NOTE; i++)
		img_ph(i)->p_type = PT_NULL;
}

static void m_empty_loads(void)
{
	for (unsigned int i = 0; i < PH_NOTE; i++)
		img_ph(i)->p_filesz = img_ph(i)->p_memsz = 0;
}

static void m_note_seg_end(void) { img_ph(PH_NOTE)->p_offset = IMG_LEN; }
static void m_note_seg_long(void) { img_ph(PH_NOTE)->p_filesz = IMG_LEN; }
static void m_note_seg_wrap(void) { img_ph(PH_NOTE)->p_offset = ~0ULL - 4; }
static void m_note_misaligned(void) { img_ph(PH_NOTE)->p_offset += 2; }
static void m_note_trailing(void) { img_ph(PH_NOTE)->p_filesz += 4; }
static void m_note_cut_desc(void) { img_ph(PH_NOTE)->p_filesz -= 4; }
static void m_note_cut_header(void) { img_ph(PH_NOTE)->p_filesz -= 20 + 4 + 4; }

static void m_notes_gone(void) { img_ph(PH_NOTE)->p_type = PT_NULL; }

static void m_shdrs_outside(void)
{
	m_notes_gone();
	img_eh()->e_shoff = IMG_LEN - 0x40;
}

static void m_shentsize(void)
{
	m_notes_gone();
	img_eh()->e_shentsize = 40;
}

static void m_note_section_outside(void)
{
	m_notes_gone();
	img_sh(1)->sh_offset = IMG_LEN;
}

static void m_no_sections(void)
{
	m_notes_gone();
	img_eh()->e_shoff = 0;
}

static void m_no_section_count(void)
{
	m_notes_gone();
	img_eh()->e_shnum = 0;
}

/* Note-level defects, made before build(). */
#define N(type)	note_find(XEN_ELFNOTE_##type)
static void m_namesz_huge(void) { N(ENTRY)->bad_namesz = 0xffffffff; }
static void m_namesz_past(void) { fx.notes[fx.nr_notes - 1].bad_namesz = 40; }
static void m_descsz_huge(void) { N(ENTRY)->bad_descsz = 0xfffffff0; }
static void m_descsz_past(void) { fx.notes[fx.nr_notes - 1].bad_descsz = 24; }
static void m_num_size3(void) { N(ENTRY)->descsz = 3; }
static void m_num_size16(void) { N(VIRT_BASE)->descsz = 16; }
static void m_num_size0(void) { N(PADDR_OFFSET)->descsz = 0; }
static void m_featmap_size2(void) { N(SUPPORTED_FEATURES)->descsz = 2; }
static void m_l1_size8(void) { N(L1_MFN_VALID)->descsz = 8; }
static void m_l1_size0(void) { N(L1_MFN_VALID)->descsz = 0; }
#undef N

static void m_no_xen_notes(void)
{
	unsigned int j = 0;

	for (unsigned int i = 0; i < fx.nr_notes; i++)
		if (strcmp(fx.notes[i].owner, "Xen"))
			fx.notes[j++] = fx.notes[i];
	fx.nr_notes = j;
}

static void m_wrong_owners(void)
{
	for (unsigned int i = 0; i < fx.nr_notes; i++)
		fx.notes[i].owner = (const char *[]){ "Xe", "XenX", "xen", "XEN" }[i % 4];
}

#define SET(type, v)	note_set_u64(XEN_ELFNOTE_##type, v)
static void m_entry_end(void) { SET(ENTRY, KVA(PHYS_END)); }
static void m_entry_below(void) { SET(ENTRY, KVA(PHYS_START) - 1); }
static void m_entry_percpu_va(void) { SET(ENTRY, 0x100); }
static void m_entry_absent(void) { note_del(XEN_ELFNOTE_ENTRY); }
static void m_hcall_end(void) { SET(HYPERCALL_PAGE, KVA(PHYS_END)); }
static void m_hcall_far(void) { SET(HYPERCALL_PAGE, ~0ULL & ~0xfffULL); }
static void m_hcall_below(void) { SET(HYPERCALL_PAGE, KVA(PHYS_START) - 0x1000); }
static void m_hcall_unaligned(void) { SET(HYPERCALL_PAGE, HYPERCALL_VA + 8); }
static void m_no_xen_version(void) { note_del(XEN_ELFNOTE_XEN_VERSION); }
static void m_xen_version_2(void) { note_set_str(XEN_ELFNOTE_XEN_VERSION, "xen-2.0"); }
static void m_xen_version_short(void) { note_set_str(XEN_ELFNOTE_XEN_VERSION, "xen-3"); }

static void m_not_linux(void)
{
	note_set_str(XEN_ELFNOTE_GUEST_OS, "netbsd");
	note_set_str(XEN_ELFNOTE_LOADER, "special");
}

static void m_not_linux_no_loader(void)
{
	note_set_str(XEN_ELFNOTE_GUEST_OS, "Linux");	/* case matters */
	note_del(XEN_ELFNOTE_LOADER);
}

static void m_unknown_required(void)
{
	note_del(XEN_ELFNOTE_FEATURES);
	note_add("Xen", XEN_ELFNOTE_FEATURES, "dom0|!warp_drive", 16);
}

static void m_paddr_offset_high(void) { SET(PADDR_OFFSET, PHYS_START + 1); }
static void m_virt_base_wrap(void) { SET(VIRT_BASE, ~0ULL - 0x10000); }
static void m_virt_base_top(void) { SET(VIRT_BASE, 0ULL - PHYS_END); }

static void m_virt_base_hole(void)
{
	/* The image would straddle the non-canonical hole at 2^47. */
	SET(VIRT_BASE, 0x0000800000000000ULL - PHYS_START - 0x1000);
	SET(ENTRY, 0x0000800000000000ULL - 0x1000);
	note_del(XEN_ELFNOTE_HYPERCALL_PAGE);
}

static void m_virt_base_noncanonical(void)
{
	SET(VIRT_BASE, 0x4000000000000000ULL);
	SET(ENTRY, 0x4000000000000000ULL + INIT_PA);
	note_del(XEN_ELFNOTE_HYPERCALL_PAGE);
}
#undef SET

static const struct mutation mutations[] = {
	{ "bad magic", NULL, m_magic, "bad magic" },
	{ "ELFCLASS32", NULL, m_class32, "not a 64-bit" },
	{ "big endian", NULL, m_big_endian, "not a little-endian" },
	{ "e_ident version", NULL, m_ident_version, "unknown ELF version" },
	{ "e_version", NULL, m_e_version, "unknown ELF version" },
	{ "ET_REL", NULL, m_et_rel, "not an executable" },
	{ "ET_CORE", NULL, m_et_core, "not an executable" },
	{ "EM_386", NULL, m_i386, "not an x86-64" },
	{ "phentsize", NULL, m_phentsize, "program header size" },
	{ "phnum 0", NULL, m_phnum_zero, "no program headers" },
	{ "phnum PN_XNUM", NULL, m_phnum_xnum, "no program headers" },
	{ "phnum past end", NULL, m_phnum_big, "program headers outside" },
	{ "phoff past end", NULL, m_phoff_end, "program headers outside" },
	{ "phoff wraps", NULL, m_phoff_wrap, "program headers outside" },
	{ "segment offset past end", NULL, m_seg_off_end, "segment data outside" },
	{ "segment one byte past end", NULL, m_seg_tail, "segment data outside" },
	{ "segment offset wraps", NULL, m_seg_off_wrap, "segment data outside" },
	{ "filesz > memsz", NULL, m_filesz, "more file bytes than memory" },
	{ "vaddr wraps", NULL, m_vaddr_wrap, "wraps the virtual" },
	{ "vaddr ends at 2^64", NULL, m_vaddr_end, "wraps the virtual" },
	{ "paddr wraps", NULL, m_paddr_wrap, "wraps the physical" },
	{ "memsz 2^64-1", NULL, m_memsz_huge, "wraps the virtual" },
	{ "no PT_LOAD", NULL, m_no_loads, "no loadable segments" },
	{ "empty PT_LOADs", NULL, m_empty_loads, "no loadable segments" },
	{ "PT_NOTE past end", NULL, m_note_seg_end, "note segment outside" },
	{ "PT_NOTE too long", NULL, m_note_seg_long, "note segment outside" },
	{ "PT_NOTE wraps", NULL, m_note_seg_wrap, "note segment outside" },
	{ "PT_NOTE misaligned", NULL, m_note_misaligned, "misaligned note" },
	{ "stray bytes after notes", NULL, m_note_trailing, "truncated note header" },
	{ "last note cut", NULL, m_note_cut_desc, "descriptor runs past" },
	{ "last note header cut", NULL, m_note_cut_header, "truncated note header" },
	{ "section headers outside", NULL, m_shdrs_outside, "section headers outside" },
	{ "section header size", NULL, m_shentsize, "section header size" },
	{ "note section outside", NULL, m_note_section_outside, "note section outside" },
	{ "no PT_NOTE, no sections", NULL, m_no_sections, "no Xen ELF notes" },
	{ "no PT_NOTE, shnum 0", NULL, m_no_section_count, "no Xen ELF notes" },
	{ "namesz 4 GiB", m_namesz_huge, NULL, "name runs past" },
	{ "name past area", m_namesz_past, NULL, "name runs past" },
	{ "descsz 4 GiB", m_descsz_huge, NULL, "descriptor runs past" },
	{ "desc past area", m_descsz_past, NULL, "descriptor runs past" },
	{ "numeric note of 3 bytes", m_num_size3, NULL, "neither 4 nor 8" },
	{ "numeric note of 16 bytes", m_num_size16, NULL, "neither 4 nor 8" },
	{ "numeric note of 0 bytes", m_num_size0, NULL, "neither 4 nor 8" },
	{ "feature map of 2 bytes", m_featmap_size2, NULL, "neither 4 nor 8" },
	{ "L1_MFN_VALID of 8 bytes", m_l1_size8, NULL, "L1_MFN_VALID" },
	{ "L1_MFN_VALID empty", m_l1_size0, NULL, "L1_MFN_VALID" },
	{ "no Xen notes", m_no_xen_notes, NULL, "no Xen ELF notes: not a PV kernel" },
	{ "near-miss owners", m_wrong_owners, NULL, "no Xen ELF notes" },
	{ "entry at the end", m_entry_end, NULL, "entry point outside the loaded segments" },
	{ "entry below", m_entry_below, NULL, "entry point outside" },
	{ "entry at a per-CPU vaddr", m_entry_percpu_va, NULL, "entry point outside" },
	{ "ENTRY absent, e_entry physical", m_entry_absent, NULL, "entry point outside" },
	{ "hypercall page at the end", m_hcall_end, NULL, "hypercall page outside" },
	{ "hypercall page far", m_hcall_far, NULL, "hypercall page outside" },
	{ "hypercall page below", m_hcall_below, NULL, "hypercall page outside" },
	{ "hypercall page unaligned", m_hcall_unaligned, NULL, "not page-aligned" },
	{ "no XEN_VERSION", m_no_xen_version, NULL, "XEN_VERSION" },
	{ "XEN_VERSION xen-2.0", m_xen_version_2, NULL, "XEN_VERSION" },
	{ "XEN_VERSION xen-3", m_xen_version_short, NULL, "XEN_VERSION" },
	{ "neither generic nor linux", m_not_linux, NULL, "neither for the generic loader nor Linux" },
	{ "\"Linux\", no loader", m_not_linux_no_loader, NULL, "neither for the generic" },
	{ "unknown required feature", m_unknown_required, NULL, "requires a Xen feature" },
	{ "PADDR_OFFSET above pstart", m_paddr_offset_high, NULL, "PADDR_OFFSET" },
	{ "VIRT_BASE wraps", m_virt_base_wrap, NULL, "wraps the virtual" },
	{ "image ends at 2^64", m_virt_base_top, NULL, "wraps the virtual" },
	{ "image straddles 2^47", m_virt_base_hole, NULL, "canonical" },
	{ "image non-canonical", m_virt_base_noncanonical, NULL, "canonical" },
};

static void test_mutations_refused(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mutations); i++) {
		const struct mutation *m = &mutations[i];
		int rc;

		kernel_fixture(NULL);
		if (m->before)
			m->before();
		build();
		if (m->after)
			m->after();
		rc = parse();
		if (rc != -EINVAL || !why || !strstr(why, m->why))
			fail_msg("%s: rc %d, \"%s\"; want \"%s\"", m->name, rc,
				 why ? why : "(none)", m->why);
	}
}

/* Limits that must still be accepted, each next to a refusal above. */
static void test_edges_accepted(void **state)
{
	/* The last byte of the file belongs to a segment. */
	build();
	expect_ok();

	/* Entry on the last byte, hypercall page the last page. */
	kernel_fixture(NULL);
	note_set_u64(XEN_ELFNOTE_ENTRY, KVA(PHYS_END) - 1);
	note_set_u64(XEN_ELFNOTE_HYPERCALL_PAGE, KVA(PHYS_END) - 0x1000);
	build();
	expect_ok();

	/* Entry on the first byte, hypercall page the first page. */
	kernel_fixture(NULL);
	note_set_u64(XEN_ELFNOTE_ENTRY, KVA(PHYS_START));
	note_set_u64(XEN_ELFNOTE_HYPERCALL_PAGE, KVA(PHYS_START));
	build();
	expect_ok();

	/* PADDR_OFFSET equal to pstart: pseudo-physical 0. */
	kernel_fixture(NULL);
	note_set_u64(XEN_ELFNOTE_PADDR_OFFSET, PHYS_START);
	note_set_u64(XEN_ELFNOTE_ENTRY, KVIRT_BASE + 0x100);
	note_set_u64(XEN_ELFNOTE_HYPERCALL_PAGE, KVIRT_BASE);
	build();
	expect_ok();
	assert_int_equal(info.virt_kstart, KVIRT_BASE);
	assert_int_equal(info.virt_kend, KVIRT_BASE + PHYS_END - PHYS_START);

	/* A segment whose vaddr ends exactly at 2^64 - 1 is not wrapping. */
	kernel_fixture(NULL);
	build();
	img_ph(PH_PERCPU)->p_vaddr = ~0ULL - PERCPU_SIZE;
	expect_ok();

	/* Image ending at the top of canonical upper half, minus one. */
	kernel_fixture(NULL);
	note_set_u64(XEN_ELFNOTE_VIRT_BASE, ~0ULL - PHYS_END + 1 - 1);
	note_set_u64(XEN_ELFNOTE_ENTRY, ~0ULL - 1);
	note_del(XEN_ELFNOTE_HYPERCALL_PAGE);
	build();
	expect_ok();
	assert_int_equal(info.virt_kend, ~0ULL);
}

/* ---- notes: sizes, strings, defaults, where they live ------------------ */

static void test_numeric_notes_4_or_8_bytes(void **state)
{
	note_del(XEN_ELFNOTE_MOD_START_PFN);
	note_u64(XEN_ELFNOTE_MOD_START_PFN, 0x100000001ULL);
	note_del(XEN_ELFNOTE_PADDR_OFFSET);
	note_u32(XEN_ELFNOTE_PADDR_OFFSET, 0);
	note_del(XEN_ELFNOTE_SUPPORTED_FEATURES);
	note_u64(XEN_ELFNOTE_SUPPORTED_FEATURES, 0xffffffff00000800ULL);
	note_del(XEN_ELFNOTE_PHYS32_ENTRY);
	note_u64(XEN_ELFNOTE_PHYS32_ENTRY, PHYS32_ENTRY);
	build();
	expect_ok();
	assert_int_equal(info.mod_start_pfn, 0x100000001ULL);
	assert_true(xen_elf_has(&info, XEN_ELFNOTE_PADDR_OFFSET));
	assert_int_equal(info.paddr_offset, 0);
	/* Bits beyond the 32 features we know are dropped, not refused. */
	assert_int_equal(info.supported[0],
			 1U << XENFEAT_dom0 | 1U << XENFEAT_writable_page_tables |
			 1U << XENFEAT_pae_pgdir_above_4gb);
	assert_int_equal(info.phys32_entry, PHYS32_ENTRY);
}

static void test_strings_bounded(void **state)
{
	char longer[200];

	memset(longer, 'v', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	note_set_str(XEN_ELFNOTE_GUEST_VERSION, longer);
	/* No NUL at all: the descriptor's end ends the string. */
	note_find(XEN_ELFNOTE_PAE_MODE)->descsz = 2;
	/* A NUL inside: the string stops there. */
	memcpy(note_find(XEN_ELFNOTE_LOADER)->desc, "generic\0junk", 12);
	note_find(XEN_ELFNOTE_LOADER)->descsz = 12;
	/* Empty. */
	note_find(XEN_ELFNOTE_GUEST_OS)->descsz = 0;
	build();
	expect_ok();
	assert_int_equal(strlen(info.guest_version), XEN_ELF_STR_MAX - 1);
	assert_true(strspn(info.guest_version, "v") == XEN_ELF_STR_MAX - 1);
	assert_string_equal(info.pae_mode, "ye");
	assert_string_equal(info.loader, "generic");
	assert_string_equal(info.guest_os, "");
	assert_true(xen_elf_has(&info, XEN_ELFNOTE_GUEST_OS));
}

static void test_loader_or_guest_os_suffices(void **state)
{
	/* Xen compares prefixes; we load what it loads. */
	note_set_str(XEN_ELFNOTE_GUEST_OS, "plan9");
	note_set_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0-unstable");
	build();
	expect_ok();

	kernel_fixture(NULL);
	note_del(XEN_ELFNOTE_LOADER);
	note_set_str(XEN_ELFNOTE_GUEST_OS, "linux-6.1");
	build();
	expect_ok();
}

static void test_bsd_symtab(void **state)
{
	static const char *const no[] = { "no", "yesno", "YES", "" };

	for (unsigned int i = 0; i < ARRAY_SIZE(no); i++) {
		kernel_fixture(NULL);
		note_set_str(XEN_ELFNOTE_BSD_SYMTAB, no[i]);
		build();
		expect_ok();
		assert_false(info.bsd_symtab);
	}
	kernel_fixture(NULL);
	note_find(XEN_ELFNOTE_BSD_SYMTAB)->descsz = 3;	/* "yes", no NUL */
	build();
	expect_ok();
	assert_true(info.bsd_symtab);
}

static void test_defaults(void **state)
{
	/* No VIRT_BASE: 0, so the kernel lives at its physical addresses. */
	note_del(XEN_ELFNOTE_VIRT_BASE);
	note_set_u64(XEN_ELFNOTE_ENTRY, INIT_PA);
	note_set_u64(XEN_ELFNOTE_HYPERCALL_PAGE, TEXT_PA + 0x1000);
	build();
	expect_ok();
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_VIRT_BASE));
	assert_int_equal(info.virt_base, 0);
	assert_int_equal(info.virt_kstart, PHYS_START);
	assert_int_equal(info.virt_kend, PHYS_END);

	/* No PADDR_OFFSET: 0 for a kernel with notes (not VIRT_BASE). */
	kernel_fixture(NULL);
	note_del(XEN_ELFNOTE_PADDR_OFFSET);
	build();
	expect_ok();
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_PADDR_OFFSET));
	assert_int_equal(info.paddr_offset, 0);
	assert_int_equal(info.virt_kstart, KVA(PHYS_START));

	/* No ENTRY: e_entry, when it is a virtual address inside. */
	kernel_fixture(NULL);
	note_del(XEN_ELFNOTE_ENTRY);
	fx.eh.e_entry = ENTRY_VA;
	build();
	expect_ok();
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_ENTRY));
	assert_int_equal(info.entry, ENTRY_VA);

	/* No HYPERCALL_PAGE (Linux 6.1.123 and later): fine. */
	kernel_fixture(NULL);
	note_del(XEN_ELFNOTE_HYPERCALL_PAGE);
	build();
	expect_ok();
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
	assert_int_equal(info.hypercall_page, 0);
}

/* Linked with p_paddr == p_vaddr, as kernels that set PADDR_OFFSET were. */
static void test_paddr_offset_legacy_link(void **state)
{
	for (unsigned int i = 0; i < PH_NOTE; i++)
		fx.ph[i].p_paddr = fx.ph[i].p_vaddr = KVA(fx.ph[i].p_paddr);
	note_set_u64(XEN_ELFNOTE_PADDR_OFFSET, KVIRT_BASE);
	build();
	expect_ok();
	assert_int_equal(info.virt_kstart, KVA(PHYS_START));
	assert_int_equal(info.virt_kend, KVA(PHYS_END));

	/* The same image without PADDR_OFFSET would wrap: refused. */
	kernel_fixture(NULL);
	for (unsigned int i = 0; i < PH_NOTE; i++)
		fx.ph[i].p_paddr = fx.ph[i].p_vaddr = KVA(fx.ph[i].p_paddr);
	note_del(XEN_ELFNOTE_PADDR_OFFSET);
	build();
	expect_refused("wraps the virtual");
}

static void test_notes_from_section_when_no_pt_note(void **state)
{
	build();
	img_ph(PH_NOTE)->p_type = PT_NULL;
	expect_ok();
	assert_int_equal(info.entry, ENTRY_VA);
	assert_string_equal(info.features, LINUX_FEATURES);
	assert_int_equal(info.nr_notes, fx.nr_notes - 1);

	/* A PT_NOTE with only GNU notes sends us to the sections too. */
	kernel_fixture(NULL);
	build();
	img_ph(PH_NOTE)->p_offset = NOTE_OFF + fx.notes_len - 36;
	img_ph(PH_NOTE)->p_filesz = 36;		/* just the build-id note */
	expect_ok();
	assert_int_equal(info.entry, ENTRY_VA);

	/* Sections are not read when a segment had Xen notes. */
	kernel_fixture(NULL);
	build();
	img_sh(1)->sh_offset = IMG_LEN;	/* would be refused if read */
	expect_ok();
}

static void test_notes_padded_to_8(void **state)
{
	fx.note_align = 8;
	build();
	expect_ok();
	assert_int_equal(info.entry, ENTRY_VA);
	assert_string_equal(info.guest_os, "linux");
	assert_string_equal(info.features, LINUX_FEATURES);

	/* The same bytes read with 4-byte padding go wrong somewhere. */
	img_ph(PH_NOTE)->p_align = 4;
	assert_int_not_equal(parse(), 0);
}

static void test_later_note_wins(void **state)
{
	note_u64(XEN_ELFNOTE_ENTRY, ENTRY_VA + 0x10);
	build();
	expect_ok();
	assert_int_equal(info.entry, ENTRY_VA + 0x10);
}

/* ---- FEATURES ---------------------------------------------------------- */

#define F(x)	(1U << XENFEAT_##x)

/* A string literal and its length, inner NULs included. */
#define S(lit)	lit, sizeof(lit) - 1

static const struct {
	const char *s;
	size_t len;
	uint32_t supported;	/* SUPPORTED_FEATURES is left out here */
	uint32_t required;
	unsigned int unknown;
	const char *refused;	/* substring, or NULL */
} feature_rows[] = {
	{ S(""), 0, 0, 0, NULL },
	{ S("writable_page_tables"), F(writable_page_tables), 0, 0, NULL },
	{ S("!writable_page_tables"), F(writable_page_tables), F(writable_page_tables), 0, NULL },
	{ S(LINUX_FEATURES), F(writable_page_tables) | F(pae_pgdir_above_4gb),
	  F(writable_page_tables), 0, NULL },
	{ S(LINUX_FEATURES "\0"), F(writable_page_tables) | F(pae_pgdir_above_4gb),
	  F(writable_page_tables), 0, NULL },
	{ S("dom0|!auto_translated_physmap|hvm_callback_vector"),
	  F(dom0) | F(auto_translated_physmap) | F(hvm_callback_vector),
	  F(auto_translated_physmap), 0, NULL },
	{ S("||dom0|||"), F(dom0), 0, 0, NULL },
	{ S("!"), 0, 0, 0, NULL },
	{ S("|!|"), 0, 0, 0, NULL },
	{ S("warp_drive|dom0|flux"), F(dom0), 0, 2, NULL },
	{ S("dom"), 0, 0, 1, NULL },
	{ S("dom0x"), 0, 0, 1, NULL },
	{ S("DOM0"), 0, 0, 1, NULL },
	{ S("dom0 "), 0, 0, 1, NULL },
	{ S("grant_map_identity"), 0, 0, 1, NULL },	/* retired, not in 4.17 */
	{ S("ARM_SMCCC_supported|direct_mapped|not_direct_mapped"),
	  F(ARM_SMCCC_supported) | F(direct_mapped) | F(not_direct_mapped), 0, 0, NULL },
	{ S("!warp_drive"), 0, 0, 1, "requires a Xen feature" },
	{ S("dom0|!!dom0"), F(dom0), 0, 1, "requires a Xen feature" },
	{ S("dom0\0!warp_drive"), F(dom0), 0, 0, NULL },	/* a NUL ends the list */
	{ S("dom0|writable_page_tables"), F(dom0), 0, 1, NULL },	/* cut: "writable" */
};

static void test_features_parsing(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(feature_rows); i++) {
		const char *s = feature_rows[i].s;
		size_t len = feature_rows[i].len;
		int rc;

		/* The last row: the descriptor ends inside a name. */
		if (i == ARRAY_SIZE(feature_rows) - 1)
			len = strlen("dom0|writable");
		kernel_fixture(NULL);
		note_del(XEN_ELFNOTE_SUPPORTED_FEATURES);
		note_del(XEN_ELFNOTE_FEATURES);
		note_add("Xen", XEN_ELFNOTE_FEATURES, s, len);
		build();
		rc = parse();
		if (feature_rows[i].refused) {
			if (rc != -EINVAL ||
			    !strstr(why, feature_rows[i].refused))
				fail_msg("\"%s\": rc %d \"%s\"", s, rc,
					 why ? why : "");
			assert_int_equal(info.unknown_features,
					 feature_rows[i].unknown);
			assert_int_equal(info.unknown_required, 1);
			continue;
		}
		if (rc)
			fail_msg("\"%s\": refused: %s", s, why);
		if (info.supported[0] != feature_rows[i].supported ||
		    info.required[0] != feature_rows[i].required ||
		    info.unknown_features != feature_rows[i].unknown)
			fail_msg("\"%s\": supported %#x required %#x unknown %u",
				 s, info.supported[0], info.required[0],
				 info.unknown_features);
		assert_int_equal(info.unknown_required, 0);
	}
}

/* The whole note is parsed even when the printable copy is cut short. */
static void test_long_features_string(void **state)
{
	char s[MAX_DESC];
	size_t len = 0;

	while (len + 40 < XEN_ELF_FEATURES_MAX + 100)
		len += sprintf(s + len, "pae_pgdir_above_4gb|unknown_%03zu|", len);
	len += sprintf(s + len, "!dom0");
	assert_true(len < MAX_DESC);
	note_del(XEN_ELFNOTE_FEATURES);
	note_add("Xen", XEN_ELFNOTE_FEATURES, s, len);
	build();
	expect_ok();
	assert_true(xen_elf_requires(&info, XENFEAT_dom0));
	assert_int_equal(strlen(info.features), XEN_ELF_FEATURES_MAX - 1);
	assert_true(info.unknown_features > 5);
}

/* ---- elf_load ---------------------------------------------------------- */

struct guest {
	uint64_t base;		/* virtual address of mem[0] */
	size_t size;
	uint8_t *mem;
	unsigned int calls;
	bool crossed;		/* a request crossed a page boundary */
};

static void *guest_dest(void *ctx, uint64_t vaddr, size_t len)
{
	struct guest *g = ctx;

	g->calls++;
	if (!len || len > PAGE_SIZE ||
	    (vaddr & PAGE_MASK) != ((vaddr + len - 1) & PAGE_MASK))
		g->crossed = true;
	if (vaddr < g->base || vaddr - g->base > g->size ||
	    g->size - (vaddr - g->base) < len)
		return NULL;
	return g->mem + (vaddr - g->base);
}

static void test_load_places_by_paddr(void **state)
{
	struct guest g = { .base = KVA(PHYS_START),
			   .size = PHYS_END - PHYS_START };
	int rc;

	build();
	expect_ok();
	g.mem = malloc(g.size);
	assert_non_null(g.mem);
	memset(g.mem, 0xaa, g.size);
	rc = elf_load(&elf, &info, guest_dest, &g, &why);
	assert_int_equal(rc, 0);
	assert_false(g.crossed);
	assert_int_equal(g.calls, (PHYS_END - PHYS_START) / PAGE_SIZE);

	for (size_t i = 0; i < g.size; i++) {
		uint64_t pa = PHYS_START + i;
		uint8_t want;

		if (pa < INIT_PA + INIT_FILESZ)
			want = pattern(TEXT_OFF + i);	/* same order in file */
		else
			want = 0;			/* bss */
		if (g.mem[i] != want)
			fail_msg("byte at paddr %#lx: %#x, want %#x",
				 (unsigned long)pa, g.mem[i], want);
	}
	free(g.mem);
}

static void test_load_unaligned_segment(void **state)
{
	/* A segment starting mid-page is split at page boundaries. */
	struct guest g = { .base = KVA(PHYS_START),
			   .size = PHYS_END - PHYS_START };

	fx.ph[PH_INIT].p_paddr += 0x10;
	fx.ph[PH_INIT].p_offset += 0x10;
	fx.ph[PH_INIT].p_filesz -= 0x10;
	fx.ph[PH_INIT].p_memsz -= 0x10;
	build();
	expect_ok();
	g.mem = malloc(g.size);
	memset(g.mem, 0xaa, g.size);
	assert_int_equal(elf_load(&elf, &info, guest_dest, &g, &why), 0);
	assert_false(g.crossed);
	assert_int_equal(g.mem[INIT_PA + 0x10 - PHYS_START],
			 pattern(INIT_OFF + 0x10));
	assert_int_equal(g.mem[INIT_PA + INIT_FILESZ - PHYS_START], 0);
	free(g.mem);
}

static void test_load_out_of_guest_memory(void **state)
{
	/* The guest lacks the last page of bss. */
	struct guest g = { .base = KVA(PHYS_START),
			   .size = PHYS_END - PHYS_START - PAGE_SIZE };

	build();
	expect_ok();
	g.mem = malloc(g.size);
	why = NULL;
	assert_int_equal(elf_load(&elf, &info, guest_dest, &g, &why), -ENOMEM);
	assert_non_null(strstr(why, "outside the guest's memory"));
	free(g.mem);
}

static void test_load_refuses_foreign_info(void **state)
{
	struct xen_elf_info other;
	struct guest g = { .base = 0, .size = 0 };

	build();
	expect_ok();
	other = info;
	other.virt_base += 0x1000000;	/* as if from another image */
	assert_int_equal(elf_load(&elf, &other, guest_dest, &g, &why), -EINVAL);
	assert_non_null(strstr(why, "do not belong"));
	other = info;
	other.paddr_offset = PHYS_END;
	assert_int_equal(elf_load(&elf, &other, guest_dest, &g, &why), -EINVAL);
	assert_int_equal(g.calls, 0);
}

/* ---- robustness --------------------------------------------------------- */

/* Every prefix of a valid image is refused, never read past. */
static void test_every_prefix(void **state)
{
	static uint8_t copy[IMG_LEN];

	build();
	for (size_t n = 0; n <= IMG_LEN; n++) {
		/* A right-sized heap copy lets ASan see any read past n. */
		uint8_t *p = malloc(n ?: 1);
		int rc;

		memcpy(p, fx.img, n);
		why = NULL;
		rc = elf_init(&elf, p, n, &why);
		if (!rc)
			rc = elf_xen_parse(&elf, &info, &why);
		if (n < IMG_LEN && (rc != -EINVAL || !why))
			fail_msg("prefix of %zu bytes: rc %d", n, rc);
		free(p);
	}
	memcpy(copy, fx.img, IMG_LEN);
	assert_int_equal(elf_init(&elf, copy, IMG_LEN, &why), 0);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	/* xorshift64: deterministic, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint8_t scratch_page[PAGE_SIZE];
static unsigned int scratch_calls;

/* One scratch page for every request, for a bounded number of them. */
static void *scratch_dest(void *ctx, uint64_t vaddr, size_t len)
{
	assert_true(len && len <= PAGE_SIZE);
	return ++scratch_calls > 64 ? NULL : scratch_page;
}

/* Random corruption of the headers and notes: refusals or sane results. */
static void test_random_corruption(void **state)
{
	static const uint64_t interesting[] = {
		0, 1, 3, 4, 8, 0xff, 0xffff, 0x7fffffff, 0xffffffff,
		0x100000000ULL, ~0ULL, ~0ULL - 7,
	};
	unsigned int accepted = 0;

	build();
	for (unsigned int iter = 0; iter < 20000; iter++) {
		uint8_t *p = malloc(IMG_LEN);
		unsigned int flips = 1 + rng() % 4;

		memcpy(p, fx.img, IMG_LEN);
		for (unsigned int f = 0; f < flips; f++) {
			size_t at = rng() % (NOTE_OFF + fx.notes_len);

			if (rng() % 2) {
				p[at] = rng();
			} else {
				uint64_t v = interesting[rng() %
							 ARRAY_SIZE(interesting)];
				size_t n = (size_t[]){ 2, 4, 8 }[rng() % 3];

				if (at + n <= IMG_LEN)
					memcpy(p + at, &v, n);
			}
		}
		why = NULL;
		if (!elf_init(&elf, p, IMG_LEN, &why) &&
		    !elf_xen_parse(&elf, &info, &why)) {
			accepted++;
			assert_true(info.entry >= info.virt_kstart &&
				    info.entry < info.virt_kend);
			scratch_calls = 0;
			elf_load(&elf, &info, scratch_dest, NULL, &why);
		} else {
			assert_non_null(why);
		}
		free(p);
	}
	print_message("# %u of 20000 corrupted images still accepted\n", accepted);
}

/* ---- real kernels ------------------------------------------------------ */

/* Relative to the build directory (O=), which holds this binary. */
#define OUR_VMLINUX	"kernel/vmlinux"
#define DEBIAN_VMLINUZ	"debian/vmlinuz"

/* Debian 6.1.0-56's notes as recorded in pv-abi-core.md section 1.3. */
#define DEBIAN_56_VERSION	"6.1.0-56-amd64"
#define DEBIAN_56_ENTRY		0xffffffff830791c0ULL

/* bzImage fields needed to find the payload (x86 boot protocol). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_PAYLOAD_OFFSET	0x248
#define BZ_PAYLOAD_LENGTH	0x24c
#define XZ_SIZE_WORD		4	/* size Linux appends to the stream */

/* @rel under the build directory: this binary is O/tests/unit/test-elf. */
static const char *build_path(const char *rel)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n < 0)
		return rel;
	path[n] = '\0';
	for (unsigned int up = 0; up < 3; up++) {
		char *slash = strrchr(path, '/');

		if (slash)
			*slash = '\0';
	}
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", rel);
	return path;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ?: 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Read a whole pipe's output into a growing buffer. */
static uint8_t *slurp_pipe(const char *cmd, size_t *len)
{
	FILE *f = popen(cmd, "r");
	size_t cap = 1 << 20, n = 0, got;
	uint8_t *buf = malloc(cap);

	if (!f)
		return NULL;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (pclose(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* The address of @sym in @path's symbol table, from the host's nm. */
static bool nm_symbol(const char *path, const char *sym, uint64_t *addr)
{
	char cmd[512], line[512], name[256], type;
	unsigned long long a;
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 &&
		    !strcmp(name, sym)) {
			*addr = a;
			found = true;
		}
	pclose(f);
	return found;
}

/* The section named @want, by our own reading of the section table. */
static bool find_section(const uint8_t *img, size_t len, const char *want,
			 struct elf64_shdr *out)
{
	const struct elf64_ehdr *eh = (const void *)img;
	const struct elf64_shdr *sh = (const void *)(img + eh->e_shoff);
	const char *names;

	if (!eh->e_shoff || eh->e_shoff + eh->e_shnum * sizeof(*sh) > len)
		return false;
	names = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	for (unsigned int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, want)) {
			*out = sh[i];
			return true;
		}
	return false;
}

static void print_info(const char *what)
{
	print_message("# %s: entry %#lx hypercall_page %s%#lx virt_base %#lx paddr_offset %#lx\n",
		      what, (unsigned long)info.entry,
		      xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE) ? "" : "(absent) ",
		      (unsigned long)info.hypercall_page,
		      (unsigned long)info.virt_base, (unsigned long)info.paddr_offset);
	print_message("#   range %#lx-%#lx init_p2m %#lx features \"%s\" supported %#x required %#x\n",
		      (unsigned long)info.virt_kstart, (unsigned long)info.virt_kend,
		      (unsigned long)info.init_p2m, info.features,
		      info.supported[0], info.required[0]);
	print_message("#   guest_os %s guest_version %s xen_version %s loader %s pae %s mod_start_pfn %lu suspend_cancel %lu hv_start_low %#lx phys32_entry %s%#lx notes %u present %#x\n",
		      info.guest_os, info.guest_version, info.xen_version,
		      info.loader, info.pae_mode,
		      (unsigned long)info.mod_start_pfn,
		      (unsigned long)info.suspend_cancel,
		      (unsigned long)info.hv_start_low,
		      xen_elf_has(&info, XEN_ELFNOTE_PHYS32_ENTRY) ? "" : "(absent) ",
		      (unsigned long)info.phys32_entry, info.nr_notes, info.present);
}

/* What any Linux 6.1 x86-64 PV kernel's notes must say. */
static void check_linux_notes(void)
{
	assert_int_equal(info.virt_base, KVIRT_BASE);
	assert_int_equal(info.paddr_offset, 0);
	assert_true(xen_elf_has(&info, XEN_ELFNOTE_ENTRY));
	assert_string_equal(info.guest_os, "linux");
	assert_string_equal(info.xen_version, "xen-3.0");
	assert_string_equal(info.loader, "generic");
	assert_string_equal(info.features, LINUX_FEATURES);
	assert_true(xen_elf_requires(&info, XENFEAT_writable_page_tables));
	assert_true(xen_elf_supports(&info, XENFEAT_dom0));
	assert_int_equal(info.unknown_features, 0);
	assert_int_equal(info.init_p2m, INIT_P2M_VA);
	assert_int_equal(info.mod_start_pfn, 1);
	/* Text is linked at 16 MiB physical, VIRT_BASE + 16 MiB virtual. */
	assert_int_equal(elf.pstart, PHYS_START);
	assert_int_equal(info.virt_kstart, KVA(PHYS_START));
	assert_int_equal(info.virt_kend, KVA(elf.pend));
	assert_int_equal(elf.vaddr_min, 0);	/* the per-CPU segment */
}

static void test_our_vmlinux(void **state)
{
	char path[PATH_MAX];
	uint64_t sym;
	size_t len;
	uint8_t *img;

	snprintf(path, sizeof(path), "%s", build_path(OUR_VMLINUX));
	img = slurp(path, &len);
	if (!img) {
		print_message("# %s not built\n", path);
		skip();
	}
	assert_int_equal(elf_init(&elf, img, len, &why), 0);
	if (elf_xen_parse(&elf, &info, &why))
		fail_msg("%s: %s", path, why);
	print_info("build/kernel/vmlinux");
	check_linux_notes();

	assert_true(nm_symbol(path, "startup_xen", &sym));
	assert_int_equal(info.entry, sym);
	if (nm_symbol(path, "hypercall_page", &sym)) {
		assert_true(xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
		assert_int_equal(info.hypercall_page, sym);
	} else {
		assert_false(xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
	}

	/* Load it and find startup_xen's bytes where the entry says. */
	{
		struct guest g = { .base = info.virt_kstart,
				   .size = info.virt_kend - info.virt_kstart };
		struct elf64_shdr text;

		g.mem = malloc(g.size);
		assert_non_null(g.mem);
		assert_int_equal(elf_load(&elf, &info, guest_dest, &g, &why), 0);
		assert_false(g.crossed);
		assert_true(find_section(img, len, ".init.text", &text));
		assert_memory_equal(g.mem + (info.entry - g.base),
				    img + text.sh_offset +
				    (info.entry - text.sh_addr),
				    16);
		free(g.mem);
	}
	free(img);
}

static void test_debian_vmlinux(void **state)
{
	char tmp[] = "/tmp/test-elf-XXXXXX", cmd[256];
	struct elf64_shdr init_text;
	uint32_t off, plen, appended;
	size_t len, elf_len;
	uint8_t *bz = slurp(build_path(DEBIAN_VMLINUZ), &len), *img;
	FILE *f;
	int fd;

	if (!bz) {
		print_message("# %s not present\n", build_path(DEBIAN_VMLINUZ));
		skip();
	}
	/* Our own reading of the setup header, not kernel-image.c's. */
	assert_true(len > BZ_PAYLOAD_LENGTH + 4);
	memcpy(&off, bz + BZ_PAYLOAD_OFFSET, 4);
	memcpy(&plen, bz + BZ_PAYLOAD_LENGTH, 4);
	off += (bz[BZ_SETUP_SECTS] + 1) * 512;
	assert_true(off + plen <= len);
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(bz + off, 1, plen - XZ_SIZE_WORD, f),
			 plen - XZ_SIZE_WORD);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s'", tmp);
	img = slurp_pipe(cmd, &elf_len);
	unlink(tmp);
	assert_non_null(img);
	memcpy(&appended, bz + off + plen - XZ_SIZE_WORD, 4);
	assert_int_equal(elf_len, appended);	/* the size Linux appends */

	assert_int_equal(elf_init(&elf, img, elf_len, &why), 0);
	if (elf_xen_parse(&elf, &info, &why))
		fail_msg("Debian vmlinux: %s", why);
	print_info("build/debian/vmlinuz payload");
	check_linux_notes();
	/* Since 6.1.123 the kernel has no hypercall page. */
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));

	/* Stripped, so no startup_xen to compare: it lives in .init.text. */
	assert_true(find_section(img, elf_len, ".init.text", &init_text));
	assert_true(info.entry >= init_text.sh_addr &&
		    info.entry < init_text.sh_addr + init_text.sh_size);
	if (memmem(bz, len, DEBIAN_56_VERSION, strlen(DEBIAN_56_VERSION)))
		assert_int_equal(info.entry, DEBIAN_56_ENTRY);
	free(img);
	free(bz);
}

#define TEST(f)	cmocka_unit_test_setup(f, kernel_fixture)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_kernel_fixture_parses),
		TEST(test_feature_names),
		TEST(test_next_load_iterates_loads_only),
		TEST(test_et_dyn_accepted),
		TEST(test_mutations_refused),
		TEST(test_edges_accepted),
		TEST(test_numeric_notes_4_or_8_bytes),
		TEST(test_strings_bounded),
		TEST(test_loader_or_guest_os_suffices),
		TEST(test_bsd_symtab),
		TEST(test_defaults),
		TEST(test_paddr_offset_legacy_link),
		TEST(test_notes_from_section_when_no_pt_note),
		TEST(test_notes_padded_to_8),
		TEST(test_later_note_wins),
		TEST(test_features_parsing),
		TEST(test_long_features_string),
		TEST(test_load_places_by_paddr),
		TEST(test_load_unaligned_segment),
		TEST(test_load_out_of_guest_memory),
		TEST(test_load_refuses_foreign_info),
		TEST(test_every_prefix),
		TEST(test_random_corruption),
		TEST(test_our_vmlinux),
		TEST(test_debian_vmlinux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
