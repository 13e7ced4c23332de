// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/bootinfo.c: multiboot 1 and 2 structures are built, byte by
 * byte from the two specifications, in a fake physical memory that the
 * parser can only reach through reader(). Then bootinfo_sanitize_memmap()
 * and bootinfo_free_ranges() on hand-made maps.
 */
// sources: common/bootinfo.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <hv/bootinfo.h>
#include <hv/errno.h>

/* The boot magics, from the multiboot specifications. */
#define MB1_MAGIC	0x2badb002
#define MB2_MAGIC	0x36d76289

/* multiboot1 info: byte offsets and flag bits */
#define MB1_FLAGS		0
#define MB1_MEM_LOWER		4
#define MB1_MEM_UPPER		8
#define MB1_CMDLINE		16
#define MB1_MODS_COUNT		20
#define MB1_MODS_ADDR		24
#define MB1_MMAP_LENGTH		44
#define MB1_MMAP_ADDR		48
#define MB1_LOADER_NAME		64
#define MB1_INFO_SIZE		120	/* up to the framebuffer fields */
#define MB1_F_MEM		(1U << 0)
#define MB1_F_CMDLINE		(1U << 2)
#define MB1_F_MODS		(1U << 3)
#define MB1_F_MMAP		(1U << 6)
#define MB1_F_LOADER		(1U << 9)

/* multiboot2 tag types */
#define MB2_END			0
#define MB2_CMDLINE		1
#define MB2_LOADER		2
#define MB2_MODULE		3
#define MB2_MEMINFO		4
#define MB2_BOOTDEV		5
#define MB2_MMAP		6
#define MB2_ACPI_OLD		14
#define MB2_ACPI_NEW		15

/*
 * Fake physical memory: [PHYS_BASE, phys_end) is readable. Address 0 is
 * not, so a zero pointer from the loader is caught like any bad one.
 */
#define PHYS_BASE	0x100000ULL
#define PHYS_SIZE	0x20000
static uint8_t phys[PHYS_SIZE] __aligned(8);
static uint64_t phys_end;
static uint64_t phys_next;	/* bump allocator for the structures we build */

static struct boot_info bi;
static const char *why;

static const void *reader(uint64_t pa, size_t len)
{
	if (pa < PHYS_BASE || pa > phys_end || len > phys_end - pa)
		return NULL;
	return phys + (pa - PHYS_BASE);
}

static void *va(uint64_t pa)
{
	assert_true(pa >= PHYS_BASE && pa <= PHYS_BASE + PHYS_SIZE);
	return phys + (pa - PHYS_BASE);
}

static uint64_t palloc(size_t len, size_t align)
{
	uint64_t pa = ROUNDUP(phys_next, (uint64_t)align);

	assert_true(pa + len <= PHYS_BASE + PHYS_SIZE);
	phys_next = pa + len;
	return pa;
}

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(va(pa), &v, sizeof(v));
}

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(va(pa), &v, sizeof(v));
}

static uint32_t get32(uint64_t pa)
{
	uint32_t v;

	memcpy(&v, va(pa), sizeof(v));
	return v;
}

/* Copy @s with its NUL into fake memory. */
static uint64_t pstr(const char *s)
{
	uint64_t pa = palloc(strlen(s) + 1, 1);

	memcpy(va(pa), s, strlen(s) + 1);
	return pa;
}

/* A string of @n copies of @c, in one of two static buffers. */
static const char *repeat(char c, size_t n)
{
	static char buf[2][4096];
	static unsigned int which;
	char *b = buf[which++ & 1];

	assert_true(n < sizeof(buf[0]));
	memset(b, c, n);
	b[n] = '\0';
	return b;
}

static int reset(void **state)
{
	memset(phys, 0xee, sizeof(phys));
	phys_end = PHYS_BASE + PHYS_SIZE;
	phys_next = PHYS_BASE + 0x40;	/* leave a gap after the start */
	memset(&bi, 0x55, sizeof(bi));	/* the parser must clear it */
	why = "unset";
	return 0;
}

static int parse(uint32_t magic, uint64_t pa)
{
	return bootinfo_parse(&bi, magic, pa, reader, &why);
}

/* Parse, require success, and leave the result in bi. */
#define parse_ok(magic, pa) do { \
	int rc__ = parse(magic, pa); \
	if (rc__) \
		fail_msg("bootinfo_parse: %d (%s)", rc__, why ? why : "no reason"); \
	assert_null(why); \
} while (0)

/* Parse, require -EINVAL with a reason mentioning @what. */
#define parse_fails(magic, pa, what) do { \
	int rc__ = parse(magic, pa); \
	assert_int_equal(rc__, -EINVAL); \
	assert_non_null(why); \
	if (!strstr(why, what)) \
		fail_msg("reason \"%s\" does not mention \"%s\"", why, what); \
} while (0)

#define R(s, e, t) { .start = (s), .end = (e), .type = (t) }

static void print_ranges(const char *what, const struct mem_range *r, size_t n)
{
	print_error("%s: %zu range(s)\n", what, n);
	for (size_t i = 0; i < n; i++)
		print_error("  %#llx-%#llx type %u\n", (unsigned long long)r[i].start,
			    (unsigned long long)r[i].end, r[i].type);
}

/* The memory map in bi must be exactly @want[0..n). */
static void expect_map(const struct mem_range *want, unsigned int n)
{
	bool ok = bi.nr_mem == n;

	for (unsigned int i = 0; ok && i < n; i++)
		ok = bi.mem[i].start == want[i].start && bi.mem[i].end == want[i].end &&
		     bi.mem[i].type == want[i].type;
	if (!ok) {
		print_ranges("got", bi.mem, bi.nr_mem);
		print_ranges("want", want, n);
		fail_msg("memory map differs");
	}
}

/* ---- multiboot 1 ------------------------------------------------------- */

static uint64_t mb1_info(uint32_t flags)
{
	uint64_t pa = palloc(MB1_INFO_SIZE, 8);

	memset(va(pa), 0, MB1_INFO_SIZE);
	put32(pa + MB1_FLAGS, flags);
	return pa;
}

/*
 * Memory map of @n entries, each with @size in its leading size field
 * (20 in practice: base, length, type). A size too small to hold the
 * fields gets only the size field.
 */
static void mb1_mmap(uint64_t info, const struct mem_range *r, unsigned int n, uint32_t size)
{
	uint64_t pa = palloc(n * (size + 4), 4);

	memset(va(pa), 0, n * (size + 4));
	for (unsigned int i = 0; i < n; i++) {
		uint64_t e = pa + i * (size + 4);

		put32(e, size);
		if (size < 20)
			continue;
		put64(e + 4, r[i].start);
		put64(e + 12, r[i].end - r[i].start);
		put32(e + 20, r[i].type);
	}
	put32(info + MB1_FLAGS, get32(info + MB1_FLAGS) | MB1_F_MMAP);
	put32(info + MB1_MMAP_ADDR, (uint32_t)pa);
	put32(info + MB1_MMAP_LENGTH, n * (size + 4));
}

static const struct mem_range pc_map[] = {
	R(0, 0x9fc00, MEM_RAM),
	R(0xf0000, 0x100000, MEM_RESERVED),
	R(0x100000, 0x7fe0000, MEM_RAM),
	R(0x7fe0000, 0x8000000, MEM_ACPI_RECLAIM),
};

/* A module list of @n entries; module i spans [base + i * 1M, + 64K). */
static uint64_t mb1_mods(uint64_t info, unsigned int count, unsigned int n)
{
	uint64_t pa = palloc(n * 16, 8);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t start = 0x1000000 + i * 0x100000;
		char s[32];

		snprintf(s, sizeof(s), "mod%u arg", i);
		put32(pa + i * 16, start);
		put32(pa + i * 16 + 4, start + 0x10000);
		put32(pa + i * 16 + 8, (uint32_t)pstr(s));
		put32(pa + i * 16 + 12, 0);
	}
	put32(info + MB1_FLAGS, get32(info + MB1_FLAGS) | MB1_F_MODS);
	put32(info + MB1_MODS_COUNT, count);
	put32(info + MB1_MODS_ADDR, (uint32_t)pa);
	return pa;
}

static void test_mb1_full(void **state)
{
	uint64_t info = mb1_info(MB1_F_CMDLINE | MB1_F_LOADER);

	put32(info + MB1_CMDLINE, (uint32_t)pstr("console=com1 loglvl=all"));
	put32(info + MB1_LOADER_NAME, (uint32_t)pstr("GRUB 2.06"));
	mb1_mods(info, 2, 2);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 20);

	parse_ok(MB1_MAGIC, info);
	assert_int_equal(bi.protocol, 1);
	assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
	assert_string_equal(bi.loader, "GRUB 2.06");
	assert_int_equal(bi.nr_mods, 2);
	assert_int_equal(bi.mods[0].start, 0x1000000);
	assert_int_equal(bi.mods[0].end, 0x1010000);
	assert_string_equal(bi.mods[0].cmdline, "mod0 arg");
	assert_int_equal(bi.mods[1].start, 0x1100000);
	assert_string_equal(bi.mods[1].cmdline, "mod1 arg");
	expect_map(pc_map, ARRAY_SIZE(pc_map));
	assert_int_equal(bi.rsdp_len, 0);
	assert_int_equal(bi.warnings, 0);
}

/* Fields whose flag is clear are not read, however wild they are. */
static void test_mb1_flags_gate_fields(void **state)
{
	uint64_t info = mb1_info(0);

	put32(info + MB1_CMDLINE, 0xdead0000);
	put32(info + MB1_LOADER_NAME, 0xdead0000);
	put32(info + MB1_MODS_COUNT, 5);
	put32(info + MB1_MODS_ADDR, 0xdead0000);
	mb1_mmap(info, pc_map, 1, 20);
	parse_ok(MB1_MAGIC, info);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader, "");
	assert_int_equal(bi.nr_mods, 0);
	assert_int_equal(bi.warnings, 0);
}

static void test_mb1_mem_fallback(void **state)
{
	static const struct mem_range want[] = {
		R(0, 639 * 1024, MEM_RAM),
		R(0x100000, 0x100000 + 130048 * 1024ULL, MEM_RAM),
	};
	uint64_t info = mb1_info(MB1_F_MEM);

	put32(info + MB1_MEM_LOWER, 639);
	put32(info + MB1_MEM_UPPER, 130048);
	parse_ok(MB1_MAGIC, info);
	expect_map(want, ARRAY_SIZE(want));
}

/* A memory map, when given, wins over the two totals. */
static void test_mb1_mmap_beats_mem_totals(void **state)
{
	uint64_t info = mb1_info(MB1_F_MEM);

	put32(info + MB1_MEM_LOWER, 1);
	put32(info + MB1_MEM_UPPER, 1);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 20);
	parse_ok(MB1_MAGIC, info);
	expect_map(pc_map, ARRAY_SIZE(pc_map));
}

static void test_mb1_no_memory_map(void **state)
{
	uint64_t info = mb1_info(MB1_F_CMDLINE);

	put32(info + MB1_CMDLINE, (uint32_t)pstr("x"));
	parse_fails(MB1_MAGIC, info, "no memory map");

	/* An empty map is no map either. */
	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, 0, 20);
	parse_fails(MB1_MAGIC, info, "no memory map");
}

static void test_mb1_unreadable_info(void **state)
{
	parse_fails(MB1_MAGIC, 0, "not readable");
	reset(state);
	parse_fails(MB1_MAGIC, PHYS_BASE + PHYS_SIZE - 16, "not readable");
	reset(state);
	parse_fails(MB1_MAGIC, UINT64_MAX - 8, "not readable");
}

static void test_mb1_unreadable_lists(void **state)
{
	uint64_t info = mb1_info(MB1_F_MODS);

	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_MODS_COUNT, 1);
	put32(info + MB1_MODS_ADDR, 0x1000);
	parse_fails(MB1_MAGIC, info, "module list");

	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_MMAP_ADDR, 0x1000);
	parse_fails(MB1_MAGIC, info, "memory map");
}

/* A count beyond our array is clamped and counted; only 16 entries are read. */
static void test_mb1_too_many_modules(void **state)
{
	uint64_t info = mb1_info(0);

	mb1_mmap(info, pc_map, 1, 20);
	mb1_mods(info, 100000, BOOT_MAX_MODULES);
	parse_ok(MB1_MAGIC, info);
	assert_int_equal(bi.nr_mods, BOOT_MAX_MODULES);
	assert_string_equal(bi.mods[BOOT_MAX_MODULES - 1].cmdline, "mod15 arg");
	assert_int_equal(bi.warnings, 1);
}

static void test_mb1_module_end_before_start(void **state)
{
	uint64_t info = mb1_info(0), mods;

	mb1_mmap(info, pc_map, 1, 20);
	mods = mb1_mods(info, 3, 3);
	put32(mods + 16 + 4, 0x10);		/* module 1 ends before it starts */
	put32(mods + 32 + 4, get32(mods + 32));	/* module 2 is empty: fine */
	parse_ok(MB1_MAGIC, info);
	assert_int_equal(bi.nr_mods, 2);
	assert_string_equal(bi.mods[0].cmdline, "mod0 arg");
	assert_string_equal(bi.mods[1].cmdline, "mod2 arg");
	assert_int_equal(bi.mods[1].start, bi.mods[1].end);
	assert_int_equal(bi.warnings, 1);
}

static void test_mb1_module_strings(void **state)
{
	uint64_t info = mb1_info(0), mods;

	mb1_mmap(info, pc_map, 1, 20);
	mods = mb1_mods(info, 3, 3);
	put32(mods + 8, 0);			/* no string: empty, no warning */
	put32(mods + 16 + 8, 0x2000);		/* unreadable: empty, warning */
	put32(mods + 32 + 8, (uint32_t)pstr(repeat('m', 600)));	/* truncated */
	parse_ok(MB1_MAGIC, info);
	assert_int_equal(bi.nr_mods, 3);
	assert_string_equal(bi.mods[0].cmdline, "");
	assert_string_equal(bi.mods[1].cmdline, "");
	assert_string_equal(bi.mods[2].cmdline, repeat('m', BOOT_MOD_CMDLINE_MAX - 1));
	assert_int_equal(bi.warnings, 2);
}

static void test_mb1_long_cmdline_truncated(void **state)
{
	uint64_t info = mb1_info(MB1_F_CMDLINE | MB1_F_LOADER);

	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_CMDLINE, (uint32_t)pstr(repeat('c', 2000)));
	put32(info + MB1_LOADER_NAME, (uint32_t)pstr(repeat('l', 64)));
	parse_ok(MB1_MAGIC, info);
	assert_string_equal(bi.cmdline, repeat('c', BOOT_CMDLINE_MAX - 1));
	assert_string_equal(bi.loader, repeat('l', BOOT_LOADER_NAME_MAX - 1));
	assert_int_equal(bi.warnings, 2);

	/* One character less fits exactly, with no warning. */
	reset(state);
	info = mb1_info(MB1_F_CMDLINE);
	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_CMDLINE, (uint32_t)pstr(repeat('c', BOOT_CMDLINE_MAX - 1)));
	parse_ok(MB1_MAGIC, info);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_int_equal(bi.warnings, 0);
}

/* Put @s with its NUL so that it ends exactly where readable memory ends. */
static uint64_t pstr_at_end(const char *s)
{
	uint64_t pa = phys_end - strlen(s) - 1;

	memcpy(va(pa), s, strlen(s) + 1);
	return pa;
}

/* A short string right below the end of readable memory is still found. */
static void test_mb1_string_near_end_of_memory(void **state)
{
	uint64_t info = mb1_info(MB1_F_CMDLINE);

	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_CMDLINE, (uint32_t)pstr_at_end("end"));
	parse_ok(MB1_MAGIC, info);
	assert_string_equal(bi.cmdline, "end");
	assert_int_equal(bi.warnings, 0);

	/* Nothing readable at all at the pointer: empty, with a warning. */
	reset(state);
	info = mb1_info(MB1_F_CMDLINE);
	mb1_mmap(info, pc_map, 1, 20);
	put32(info + MB1_CMDLINE, (uint32_t)phys_end);
	parse_ok(MB1_MAGIC, info);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.warnings, 1);
}

/*
 * copy_phys_string() probes windows of 1024, 512, 256 ... bytes and copies
 * from the first readable one even when it holds no NUL: a string that
 * ends at the end of readable memory loses its tail, with no warning.
 */
static void test_mb1_string_ending_at_end_of_memory_is_whole(void **state)
{
	static const size_t lens[] = { 3, 9, 600, BOOT_CMDLINE_MAX - 1 };
	unsigned int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		const char *s = repeat('a' + i, lens[i]);
		uint64_t info;

		reset(state);
		info = mb1_info(MB1_F_CMDLINE);
		mb1_mmap(info, pc_map, 1, 20);
		put32(info + MB1_CMDLINE, (uint32_t)pstr_at_end(s));
		parse_ok(MB1_MAGIC, info);
		if (strcmp(bi.cmdline, s)) {
			print_error("%zu characters up to the end of memory: got %zu, %u warning(s)\n",
				    lens[i], strlen(bi.cmdline), bi.warnings);
			bad++;
		}
	}
	if (bad)
		fail_msg("%u command line(s) cut short (listed above)", bad);
}

static void test_mb1_mmap_entry_sizes(void **state)
{
	uint64_t info = mb1_info(0);

	/* Bigger entries (extra fields) are stepped over by their size. */
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 28);
	parse_ok(MB1_MAGIC, info);
	expect_map(pc_map, ARRAY_SIZE(pc_map));

	/* Fewer than 4 stray bytes after the last entry are ignored. */
	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 20);
	put32(info + MB1_MMAP_LENGTH, get32(info + MB1_MMAP_LENGTH) + 3);
	parse_ok(MB1_MAGIC, info);
	expect_map(pc_map, ARRAY_SIZE(pc_map));
}

static void test_mb1_mmap_bad_entry_size(void **state)
{
	uint64_t info = mb1_info(0);

	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 16);	/* no room for type */
	parse_fails(MB1_MAGIC, info, "bad size");

	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 0);
	parse_fails(MB1_MAGIC, info, "bad size");

	/* The last entry runs past mmap_length. */
	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 20);
	put32(info + MB1_MMAP_LENGTH, get32(info + MB1_MMAP_LENGTH) - 4);
	parse_fails(MB1_MAGIC, info, "bad size");

	/* An entry whose size points far beyond the map. */
	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, pc_map, ARRAY_SIZE(pc_map), 20);
	put32(get32(info + MB1_MMAP_ADDR), UINT32_MAX);
	parse_fails(MB1_MAGIC, info, "bad size");
}

/* Empty ranges vanish quietly; ranges that wrap around 2^64 are dropped and counted. */
static void test_mb1_empty_and_wrapping_ranges(void **state)
{
	static const struct mem_range in[] = {
		R(0x100000, 0x100000, MEM_RAM),
		R(0x200000, 0x300000, MEM_RAM),
	};
	uint64_t info = mb1_info(0), e;

	mb1_mmap(info, in, ARRAY_SIZE(in), 20);
	parse_ok(MB1_MAGIC, info);
	expect_map(&in[1], 1);
	assert_int_equal(bi.warnings, 0);

	reset(state);
	info = mb1_info(0);
	mb1_mmap(info, in, ARRAY_SIZE(in), 20);
	e = get32(info + MB1_MMAP_ADDR);
	put64(e + 4, 0xfffffffffffff000ULL);	/* entry 0: base near the top, */
	put64(e + 12, 0x2000);			/* and a length that wraps */
	parse_ok(MB1_MAGIC, info);
	expect_map(&in[1], 1);
	assert_int_equal(bi.warnings, 1);
}

static void test_bad_magic(void **state)
{
	uint64_t info = mb1_info(0);

	mb1_mmap(info, pc_map, 1, 20);
	parse_fails(0x1badb002, info, "magic");	/* the header magic, not the boot one */
	reset(state);
	parse_fails(0, info, "magic");
}

/* ---- multiboot 2 ------------------------------------------------------- */

#define MB2_ROOM	0x8000

static uint64_t mb2_pa;
static uint32_t mb2_off;

static uint64_t mb2_begin(void)
{
	mb2_pa = palloc(MB2_ROOM, 8);
	mb2_off = 8;
	put32(mb2_pa + 4, 0);
	return mb2_pa;
}

/* Append a tag with @len payload bytes; returns its address. */
static uint64_t mb2_tag(uint32_t type, const void *payload, uint32_t len)
{
	uint64_t tag = mb2_pa + mb2_off;

	assert_true(mb2_off + 8 + len + 8 <= MB2_ROOM);
	put32(tag, type);
	put32(tag + 4, 8 + len);
	if (len)
		memcpy(va(tag + 8), payload, len);
	mb2_off += ROUNDUP(8 + len, 8U);
	return tag;
}

/* Give the last tag a new size, as the loader would have written it. */
static void mb2_resize(uint64_t tag, uint32_t size)
{
	put32(tag + 4, size);
	mb2_off = (uint32_t)(tag - mb2_pa) + ROUNDUP(size, 8U);
}

static uint64_t mb2_string(uint32_t type, const char *s)
{
	return mb2_tag(type, s, (uint32_t)strlen(s) + 1);
}

static uint64_t mb2_module(uint32_t start, uint32_t end, const char *s)
{
	uint8_t buf[1024];
	uint32_t len = 8 + (uint32_t)strlen(s) + 1;

	assert_true(len <= sizeof(buf));
	memcpy(buf, &start, 4);
	memcpy(buf + 4, &end, 4);
	memcpy(buf + 8, s, strlen(s) + 1);
	return mb2_tag(MB2_MODULE, buf, len);
}

static uint64_t mb2_mmap(const struct mem_range *r, unsigned int n, uint32_t entry_size)
{
	uint8_t buf[4096];
	uint32_t len = 8 + n * entry_size, version = 0;

	assert_true(len <= sizeof(buf));
	memset(buf, 0, len);
	memcpy(buf, &entry_size, 4);
	memcpy(buf + 4, &version, 4);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *e = buf + 8 + i * entry_size;
		uint64_t base = r[i].start, length = r[i].end - r[i].start;

		memcpy(e, &base, 8);
		memcpy(e + 8, &length, 8);
		memcpy(e + 16, &r[i].type, 4);
	}
	return mb2_tag(MB2_MMAP, buf, len);
}

static uint64_t mb2_meminfo(uint32_t lower_kib, uint32_t upper_kib)
{
	uint32_t v[2] = { lower_kib, upper_kib };

	return mb2_tag(MB2_MEMINFO, v, sizeof(v));
}

/* Close the block with an end tag and set total_size. */
static uint64_t mb2_end(void)
{
	mb2_tag(MB2_END, NULL, 0);
	put32(mb2_pa, mb2_off);
	return mb2_pa;
}

/* An RSDP-like blob of @len bytes: a signature, then @fill. */
static const uint8_t *rsdp(uint8_t fill, size_t len)
{
	static uint8_t buf[64];

	memset(buf, fill, sizeof(buf));
	memcpy(buf, "RSD PTR ", 8);
	assert_true(len <= sizeof(buf));
	return buf;
}

static void test_mb2_full(void **state)
{
	uint8_t bootdev[12] = { 0 };
	uint64_t pa = mb2_begin();

	mb2_string(MB2_CMDLINE, "console=com1 dom0_mem=1G");
	mb2_string(MB2_LOADER, "GRUB 2.06-13");
	mb2_module(0x2000000, 0x2400000, "vmlinuz console=hvc0");
	mb2_tag(MB2_BOOTDEV, bootdev, sizeof(bootdev));	/* not used: skipped */
	mb2_module(0x2400000, 0x2800000, "initrd.img");
	mb2_meminfo(639, 130048);
	mb2_mmap(pc_map, ARRAY_SIZE(pc_map), 24);
	mb2_tag(MB2_ACPI_OLD, rsdp(1, 20), 20);
	mb2_tag(77, "future", 6);				/* unknown: skipped */
	mb2_end();

	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.protocol, 2);
	assert_string_equal(bi.cmdline, "console=com1 dom0_mem=1G");
	assert_string_equal(bi.loader, "GRUB 2.06-13");
	assert_int_equal(bi.nr_mods, 2);
	assert_int_equal(bi.mods[0].start, 0x2000000);
	assert_int_equal(bi.mods[0].end, 0x2400000);
	assert_string_equal(bi.mods[0].cmdline, "vmlinuz console=hvc0");
	assert_int_equal(bi.mods[1].start, 0x2400000);
	assert_string_equal(bi.mods[1].cmdline, "initrd.img");
	expect_map(pc_map, ARRAY_SIZE(pc_map));		/* meminfo ignored */
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, rsdp(1, 20), 20);
	assert_int_equal(bi.warnings, 0);
}

static void test_mb2_acpi_new_preferred(void **state)
{
	uint64_t pa;

	/* old, then new: the new one replaces it */
	pa = mb2_begin();
	mb2_mmap(pc_map, 1, 24);
	mb2_tag(MB2_ACPI_OLD, rsdp(1, 20), 20);
	mb2_tag(MB2_ACPI_NEW, rsdp(2, 36), 36);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, rsdp(2, 36), 36);

	/* new, then old: the old one is ignored */
	reset(state);
	pa = mb2_begin();
	mb2_tag(MB2_ACPI_NEW, rsdp(2, 36), 36);
	mb2_tag(MB2_ACPI_OLD, rsdp(1, 20), 20);
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, rsdp(2, 36), 36);

	/* a longer tag is cut to what we keep */
	reset(state);
	pa = mb2_begin();
	mb2_tag(MB2_ACPI_NEW, rsdp(3, 48), 48);
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.rsdp_len, ACPI_RSDP_COPY_MAX);
	assert_memory_equal(bi.rsdp, rsdp(3, 48), ACPI_RSDP_COPY_MAX);
}

static void test_mb2_unreadable(void **state)
{
	uint64_t pa;

	parse_fails(MB2_MAGIC, 0, "not readable");

	/* The header is readable, the total_size it claims is not. */
	reset(state);
	pa = mb2_begin();
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	phys_end = pa + 16;
	parse_fails(MB2_MAGIC, pa, "not readable");
}

static void test_mb2_bad_total_size(void **state)
{
	static const uint32_t totals[] = { 0, 8, 15, (2U << 20), UINT32_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(totals); i++) {
		uint64_t pa;

		reset(state);
		pa = mb2_begin();
		mb2_mmap(pc_map, 1, 24);
		mb2_end();
		put32(pa, totals[i]);
		parse_fails(MB2_MAGIC, pa, "bad size or alignment");
	}
}

/* The info block must be 8-byte aligned (multiboot2 3.6). */
static void test_mb2_misaligned_info(void **state)
{
	uint64_t pa;

	palloc(4, 8);
	pa = palloc(MB2_ROOM, 4);	/* 4 mod 8 */
	assert_int_equal(pa & 7, 4);
	put32(pa, 16);
	put32(pa + 4, 0);
	put32(pa + 8, MB2_END);
	put32(pa + 12, 8);
	parse_fails(MB2_MAGIC, pa, "bad size or alignment");
}

static void test_mb2_tag_too_small(void **state)
{
	static const uint32_t sizes[] = { 0, 4, 7 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t pa, tag;

		reset(state);
		pa = mb2_begin();
		mb2_mmap(pc_map, 1, 24);
		tag = mb2_string(MB2_CMDLINE, "x");
		mb2_end();
		put32(tag + 4, sizes[i]);
		parse_fails(MB2_MAGIC, pa, "runs past the end");
	}
}

static void test_mb2_tag_runs_past_end(void **state)
{
	uint64_t pa, tag;

	pa = mb2_begin();
	mb2_mmap(pc_map, 1, 24);
	tag = mb2_string(MB2_CMDLINE, "x");
	mb2_end();
	put32(tag + 4, (uint32_t)(pa + get32(pa) - tag) + 1);	/* one byte too far */
	parse_fails(MB2_MAGIC, pa, "runs past the end");

	/* The end tag itself sticks out of total_size. */
	reset(state);
	pa = mb2_begin();
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	put32(pa, get32(pa) - 4);
	parse_fails(MB2_MAGIC, pa, "end");
}

static void test_mb2_missing_end_tag(void **state)
{
	uint64_t pa = mb2_begin();

	mb2_mmap(pc_map, 1, 24);
	mb2_string(MB2_CMDLINE, "no end");
	put32(pa, mb2_off);		/* total_size without an end tag */
	parse_fails(MB2_MAGIC, pa, "no end tag");
}

/* Whatever follows the end tag (inside total_size) is not parsed. */
static void test_mb2_stops_at_end_tag(void **state)
{
	uint64_t pa = mb2_begin();

	mb2_mmap(pc_map, 1, 24);
	mb2_tag(MB2_END, NULL, 0);
	mb2_string(MB2_CMDLINE, "after the end");
	put32(pa, mb2_off);
	parse_ok(MB2_MAGIC, pa);
	assert_string_equal(bi.cmdline, "");
}

static void test_mb2_mmap_entry_size(void **state)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 28, 30 };
	uint64_t pa, tag;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset(state);
		pa = mb2_begin();
		mb2_mmap(pc_map, ARRAY_SIZE(pc_map), 32);
		put32(pa + 8 + 8, bad[i]);	/* first tag's entry_size */
		mb2_end();
		parse_fails(MB2_MAGIC, pa, "bad entry size");
	}

	/* Bigger entries, a multiple of 8, are stepped over by entry_size. */
	reset(state);
	pa = mb2_begin();
	mb2_mmap(pc_map, ARRAY_SIZE(pc_map), 32);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	expect_map(pc_map, ARRAY_SIZE(pc_map));

	/* A partial entry at the end of the tag is ignored. */
	reset(state);
	pa = mb2_begin();
	tag = mb2_mmap(pc_map, ARRAY_SIZE(pc_map), 24);
	mb2_resize(tag, get32(tag + 4) - 8);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	expect_map(pc_map, ARRAY_SIZE(pc_map) - 1);
}

static void test_mb2_mmap_tag_too_short(void **state)
{
	uint64_t pa = mb2_begin();
	uint32_t hdr = 24;

	mb2_tag(MB2_MMAP, &hdr, sizeof(hdr));	/* entry_size only, 12 bytes */
	mb2_end();
	parse_fails(MB2_MAGIC, pa, "too short");
}

/*
 * "off + entry_size" is computed in 32 bits: with entry_size 0xfffffff0 it
 * wraps to 0, passes the bounds check, and an "entry" is read from the 24
 * bytes after this 16-byte tag. Here those bytes are the next tag, an
 * unknown one laid out so that the phantom entry would be 1 MiB of RAM.
 */
static void test_mb2_mmap_huge_entry_size(void **state)
{
	uint32_t hdr[2] = { 0xfffffff0, 0 };	/* entry_size, entry_version */
	uint32_t next[4] = { 0x100000, 0, MEM_RAM, 0 };
	uint64_t pa = mb2_begin();
	int rc;

	mb2_mmap(pc_map, 1, 24);
	mb2_tag(MB2_MMAP, hdr, sizeof(hdr));
	mb2_tag(0x55, next, sizeof(next));
	mb2_end();

	rc = parse(MB2_MAGIC, pa);
	if (rc == 0 && bi.nr_mem != 1) {
		print_ranges("got", bi.mem, bi.nr_mem);
		fail_msg("a map tag with no room for entries added %u range(s)",
			 bi.nr_mem - 1);
	}
}

static void test_mb2_module_tags(void **state)
{
	uint64_t pa = mb2_begin(), tag;

	mb2_mmap(pc_map, 1, 24);
	mb2_module(0x3000000, 0x2000000, "backwards");	/* dropped, counted */
	mb2_module(0x3000000, 0x3000000, "empty");	/* kept */
	tag = mb2_module(0x4000000, 0x4001000, "");
	mb2_resize(tag, 16);				/* no string at all */
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.nr_mods, 2);
	assert_string_equal(bi.mods[0].cmdline, "empty");
	assert_string_equal(bi.mods[1].cmdline, "");
	assert_int_equal(bi.mods[1].end, 0x4001000);
	assert_int_equal(bi.warnings, 1);

	reset(state);
	pa = mb2_begin();
	mb2_mmap(pc_map, 1, 24);
	tag = mb2_module(0x4000000, 0x4001000, "x");
	mb2_resize(tag, 12);				/* no room for mod_end */
	mb2_end();
	parse_fails(MB2_MAGIC, pa, "module tag is too short");
}

static void test_mb2_too_many_modules(void **state)
{
	uint64_t pa = mb2_begin();

	mb2_mmap(pc_map, 1, 24);
	for (unsigned int i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		char s[16];

		snprintf(s, sizeof(s), "m%u", i);
		mb2_module(0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, s);
	}
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_int_equal(bi.nr_mods, BOOT_MAX_MODULES);
	assert_string_equal(bi.mods[BOOT_MAX_MODULES - 1].cmdline, "m15");
	assert_int_equal(bi.warnings, 2);
}

static void test_mb2_strings_bounded(void **state)
{
	uint64_t pa = mb2_begin();

	mb2_mmap(pc_map, 1, 24);
	mb2_string(MB2_CMDLINE, repeat('c', 1500));
	mb2_string(MB2_LOADER, repeat('l', 100));
	mb2_module(0x1000000, 0x1001000, repeat('m', 700));
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_string_equal(bi.cmdline, repeat('c', BOOT_CMDLINE_MAX - 1));
	assert_string_equal(bi.loader, repeat('l', BOOT_LOADER_NAME_MAX - 1));
	assert_string_equal(bi.mods[0].cmdline, repeat('m', BOOT_MOD_CMDLINE_MAX - 1));
	assert_int_equal(bi.warnings, 3);

	/* A string without its NUL is bounded by the tag, not read past it. */
	reset(state);
	pa = mb2_begin();
	mb2_tag(MB2_CMDLINE, "abc", 3);
	mb2_string(MB2_LOADER, "next tag");
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_string_equal(bi.cmdline, "abc");
	assert_string_equal(bi.loader, "next tag");

	/* An empty cmdline tag gives an empty command line. */
	reset(state);
	pa = mb2_begin();
	mb2_tag(MB2_CMDLINE, NULL, 0);
	mb2_mmap(pc_map, 1, 24);
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	assert_string_equal(bi.cmdline, "");
}

static void test_mb2_meminfo_fallback(void **state)
{
	static const struct mem_range want[] = {
		R(0, 639 * 1024, MEM_RAM),
		R(0x100000, 0x100000 + 0xffffffffULL * 1024, MEM_RAM),
	};
	uint64_t pa = mb2_begin();

	mb2_meminfo(639, 0xffffffff);	/* upper KiB does not overflow */
	mb2_end();
	parse_ok(MB2_MAGIC, pa);
	expect_map(want, ARRAY_SIZE(want));
}

static void test_mb2_no_memory_map(void **state)
{
	uint64_t pa = mb2_begin(), tag;

	mb2_string(MB2_CMDLINE, "x");
	mb2_end();
	parse_fails(MB2_MAGIC, pa, "no memory map");

	/* A meminfo tag too short to hold both totals is ignored. */
	reset(state);
	pa = mb2_begin();
	tag = mb2_meminfo(639, 1024);
	mb2_resize(tag, 12);
	mb2_end();
	parse_fails(MB2_MAGIC, pa, "no memory map");

	/* So is an empty mmap tag. */
	reset(state);
	pa = mb2_begin();
	mb2_mmap(pc_map, 0, 24);
	mb2_end();
	parse_fails(MB2_MAGIC, pa, "no memory map");
}

/* ---- bootinfo_sanitize_memmap ----------------------------------------- */

static void set_map(const struct mem_range *r, unsigned int n)
{
	memset(&bi, 0, sizeof(bi));
	memcpy(bi.mem, r, n * sizeof(*r));
	bi.nr_mem = n;
}

static void test_sanitize_sorts(void **state)
{
	static const struct mem_range in[] = {
		R(0x3000, 0x4000, MEM_RAM),
		R(0x0000, 0x1000, MEM_RAM),
		R(0x1000, 0x2000, MEM_RESERVED),
	};
	static const struct mem_range want[] = {
		R(0x0000, 0x1000, MEM_RAM),
		R(0x1000, 0x2000, MEM_RESERVED),
		R(0x3000, 0x4000, MEM_RAM),	/* the hole stays a hole */
	};

	set_map(in, ARRAY_SIZE(in));
	bootinfo_sanitize_memmap(&bi);
	expect_map(want, ARRAY_SIZE(want));
}

static void test_sanitize_reserved_beats_ram(void **state)
{
	static const struct mem_range in[] = {
		R(0x4000, 0x6000, MEM_RESERVED),	/* inside RAM */
		R(0x0000, 0x10000, MEM_RAM),
		R(0xf000, 0x12000, MEM_ACPI_NVS),	/* across RAM's end */
		R(0x11000, 0x13000, MEM_RAM),
		R(0x20000, 0x30000, MEM_BAD),		/* RAM inside bad */
		R(0x24000, 0x28000, MEM_RAM),
	};
	static const struct mem_range want[] = {
		R(0x0000, 0x4000, MEM_RAM),
		R(0x4000, 0x6000, MEM_RESERVED),
		R(0x6000, 0xf000, MEM_RAM),
		R(0xf000, 0x12000, MEM_ACPI_NVS),
		R(0x12000, 0x13000, MEM_RAM),
		R(0x20000, 0x30000, MEM_BAD),
	};

	set_map(in, ARRAY_SIZE(in));
	bootinfo_sanitize_memmap(&bi);
	expect_map(want, ARRAY_SIZE(want));
	assert_int_equal(bi.warnings, 0);
}

static void test_sanitize_merges_same_type(void **state)
{
	static const struct mem_range in[] = {
		R(0x1000, 0x2000, MEM_RAM),
		R(0x0000, 0x1000, MEM_RAM),		/* adjacent */
		R(0x1800, 0x3000, MEM_RAM),		/* overlapping */
		R(0x1800, 0x3000, MEM_RAM),		/* duplicate */
		R(0x3000, 0x4000, MEM_RESERVED),	/* adjacent, other type */
		R(0x4000, 0x5000, MEM_RESERVED),
	};
	static const struct mem_range want[] = {
		R(0x0000, 0x3000, MEM_RAM),
		R(0x3000, 0x5000, MEM_RESERVED),
	};

	set_map(in, ARRAY_SIZE(in));
	bootinfo_sanitize_memmap(&bi);
	expect_map(want, ARRAY_SIZE(want));

	set_map(in, 0);
	bootinfo_sanitize_memmap(&bi);
	assert_int_equal(bi.nr_mem, 0);
}

/* Splitting can make more ranges than fit: keep the first 128, count the rest. */
static void test_sanitize_overflow(void **state)
{
	struct mem_range in[BOOT_MAX_MEMRANGES];

	for (unsigned int i = 0; i < BOOT_MAX_MEMRANGES / 2; i++) {
		in[2 * i] = (struct mem_range)R(i * 0x10000ULL, i * 0x10000ULL + 0x8000, MEM_RAM);
		in[2 * i + 1] = (struct mem_range)R(i * 0x10000ULL + 0x2000,
						    i * 0x10000ULL + 0x3000, MEM_RESERVED);
	}
	set_map(in, BOOT_MAX_MEMRANGES);
	bootinfo_sanitize_memmap(&bi);
	assert_int_equal(bi.nr_mem, BOOT_MAX_MEMRANGES);
	assert_int_equal(bi.warnings, 3 * BOOT_MAX_MEMRANGES / 2 - BOOT_MAX_MEMRANGES);
	for (unsigned int i = 1; i < bi.nr_mem; i++)
		assert_true(bi.mem[i - 1].end <= bi.mem[i].start);
}

/* ---- bootinfo_free_ranges ---------------------------------------------- */

static struct mem_range out[16];

static size_t free_ranges(const struct mem_range *excl, size_t nr_excl)
{
	return bootinfo_free_ranges(&bi, excl, nr_excl, out, ARRAY_SIZE(out));
}

/* bootinfo_free_ranges() gave @n ranges in out[]; they must be @want (any type: RAM). */
static void expect_free(size_t n, const struct mem_range *want, size_t nr_want)
{
	bool ok = n == nr_want;

	for (size_t i = 0; ok && i < n; i++)
		ok = out[i].start == want[i].start && out[i].end == want[i].end &&
		     out[i].type == MEM_RAM;
	if (!ok) {
		print_ranges("got", out, n);
		print_ranges("want", want, nr_want);
		fail_msg("free ranges differ");
	}
}

static const struct mem_range one_ram[] = { R(0x0, 0x10000, MEM_RAM) };

static void test_free_ranges_rounds_ram_inward(void **state)
{
	static const struct mem_range map[] = {
		R(0x800, 0x5800, MEM_RAM),
		R(0x5800, 0x8000, MEM_RESERVED),	/* not RAM: skipped */
		R(0x9800, 0xa400, MEM_RAM),		/* no whole page inside */
		R(0x10000, 0x10fff, MEM_RAM),		/* ditto */
		R(0x20001, 0x23000, MEM_RAM),
	};
	static const struct mem_range want[] = {
		R(0x1000, 0x5000, MEM_RAM),
		R(0x21000, 0x23000, MEM_RAM),
	};

	set_map(map, ARRAY_SIZE(map));
	expect_free(free_ranges(NULL, 0), want, ARRAY_SIZE(want));
}

static void test_free_ranges_exclusions(void **state)
{
	static const struct {
		struct mem_range excl;
		struct mem_range want[2];
		size_t n;
	} rows[] = {
		{ R(0x0, 0x3000, 0), { R(0x3000, 0x10000, 0) }, 1 },		/* start */
		{ R(0x4000, 0x6000, 0), { R(0x0, 0x4000, 0), R(0x6000, 0x10000, 0) }, 2 },
		{ R(0xc000, 0x10000, 0), { R(0x0, 0xc000, 0) }, 1 },		/* end */
		{ R(0xc000, 0x20000, 0), { R(0x0, 0xc000, 0) }, 1 },		/* past end */
		{ R(0x4100, 0x4200, 0), { R(0x0, 0x4000, 0), R(0x5000, 0x10000, 0) }, 2 },
		{ R(0x0, 0x10000, 0), { }, 0 },					/* all */
		{ R(0x0, UINT64_MAX & PAGE_MASK, 0), { }, 0 },
		{ R(0x20000, 0x30000, 0), { R(0x0, 0x10000, 0) }, 1 },		/* outside */
	};

	set_map(one_ram, 1);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t n = free_ranges(&rows[i].excl, 1);

		if (n != rows[i].n)
			print_ranges("exclusion", &rows[i].excl, 1);
		expect_free(n, rows[i].want, rows[i].n);
	}
}

static void test_free_ranges_overlapping_exclusions(void **state)
{
	static const struct mem_range excl[] = {
		R(0x5000, 0x8000, 0),
		R(0x3000, 0x6000, 0),
		R(0x7000, 0x9000, 0),
		R(0x3000, 0x4000, 0),
		R(0xb000, 0xc000, 0),
	};
	static const struct mem_range want[] = {
		R(0x0, 0x3000, 0),
		R(0x9000, 0xb000, 0),
		R(0xc000, 0x10000, 0),
	};

	set_map(one_ram, 1);
	expect_free(free_ranges(excl, ARRAY_SIZE(excl)), want, ARRAY_SIZE(want));
}

static void test_free_ranges_several_ram_ranges(void **state)
{
	static const struct mem_range map[] = {
		R(0x0, 0x9f000, MEM_RAM),
		R(0x100000, 0x800000, MEM_RAM),
	};
	static const struct mem_range excl[] = {
		R(0x0, 0x100000, 0),		/* real-mode memory */
		R(0x200000, 0x3ff123, 0),	/* the image */
		R(0x600000, 0x600000 + 4097, 0),	/* a module */
	};
	static const struct mem_range want[] = {
		R(0x100000, 0x200000, 0),
		R(0x400000, 0x600000, 0),
		R(0x602000, 0x800000, 0),
	};

	set_map(map, ARRAY_SIZE(map));
	expect_free(free_ranges(excl, ARRAY_SIZE(excl)), want, ARRAY_SIZE(want));
}

static void test_free_ranges_respects_max(void **state)
{
	static const struct mem_range excl[] = {
		R(0x2000, 0x3000, 0),
		R(0x6000, 0x7000, 0),
	};

	set_map(one_ram, 1);
	assert_int_equal(bootinfo_free_ranges(&bi, excl, 2, out, 2), 2);
	assert_int_equal(out[1].end, 0x6000);
	assert_int_equal(bootinfo_free_ranges(&bi, excl, 2, out, 0), 0);
}

/*
 * An empty exclusion (an empty boot module, say) at a page boundary inside
 * RAM: the cut is empty, so "s = cut_e > cut_s ? cut_e : e" jumps to the
 * end of the range and everything above the module is lost.
 */
static void test_free_ranges_empty_exclusion(void **state)
{
	static const struct mem_range excl[] = { R(0x4000, 0x4000, 0) };
	uint64_t total = 0;
	size_t n;

	set_map(one_ram, 1);
	n = free_ranges(excl, 1);
	for (size_t i = 0; i < n; i++)
		total += out[i].end - out[i].start;
	if (total != 0x10000)
		fail_msg("an empty exclusion at 0x4000 left %#llx of 0x10000 bytes free",
			 (unsigned long long)total);
}

static void test_mem_type_names(void **state)
{
	assert_string_equal(mem_type_name(MEM_RAM), "RAM");
	assert_string_equal(mem_type_name(MEM_RESERVED), "reserved");
	assert_string_equal(mem_type_name(MEM_ACPI_RECLAIM), "ACPI data");
	assert_string_equal(mem_type_name(MEM_ACPI_NVS), "ACPI NVS");
	assert_string_equal(mem_type_name(MEM_BAD), "bad");
	assert_string_equal(mem_type_name(0), "unknown");
	assert_string_equal(mem_type_name(12345), "unknown");
}

#define TEST(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_mb1_full),
		TEST(test_mb1_flags_gate_fields),
		TEST(test_mb1_mem_fallback),
		TEST(test_mb1_mmap_beats_mem_totals),
		TEST(test_mb1_no_memory_map),
		TEST(test_mb1_unreadable_info),
		TEST(test_mb1_unreadable_lists),
		TEST(test_mb1_too_many_modules),
		TEST(test_mb1_module_end_before_start),
		TEST(test_mb1_module_strings),
		TEST(test_mb1_long_cmdline_truncated),
		TEST(test_mb1_string_near_end_of_memory),
		TEST(test_mb1_string_ending_at_end_of_memory_is_whole),
		TEST(test_mb1_mmap_entry_sizes),
		TEST(test_mb1_mmap_bad_entry_size),
		TEST(test_mb1_empty_and_wrapping_ranges),
		TEST(test_bad_magic),
		TEST(test_mb2_full),
		TEST(test_mb2_acpi_new_preferred),
		TEST(test_mb2_unreadable),
		TEST(test_mb2_bad_total_size),
		TEST(test_mb2_misaligned_info),
		TEST(test_mb2_tag_too_small),
		TEST(test_mb2_tag_runs_past_end),
		TEST(test_mb2_missing_end_tag),
		TEST(test_mb2_stops_at_end_tag),
		TEST(test_mb2_mmap_entry_size),
		TEST(test_mb2_mmap_tag_too_short),
		TEST(test_mb2_mmap_huge_entry_size),
		TEST(test_mb2_module_tags),
		TEST(test_mb2_too_many_modules),
		TEST(test_mb2_strings_bounded),
		TEST(test_mb2_meminfo_fallback),
		TEST(test_mb2_no_memory_map),
		TEST(test_sanitize_sorts),
		TEST(test_sanitize_reserved_beats_ram),
		TEST(test_sanitize_merges_same_type),
		TEST(test_sanitize_overflow),
		TEST(test_free_ranges_rounds_ram_inward),
		TEST(test_free_ranges_exclusions),
		TEST(test_free_ranges_overlapping_exclusions),
		TEST(test_free_ranges_several_ram_ranges),
		TEST(test_free_ranges_respects_max),
		TEST(test_free_ranges_empty_exclusion),
		TEST(test_mem_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
