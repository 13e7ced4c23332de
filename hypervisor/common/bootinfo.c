// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiboot 1 and 2 parsing. Everything read from the boot loader is
 * bounded: strings are copied with a maximum, counts are clamped to our
 * arrays, tags are checked against the total size before they are read.
 * Truncation is counted in bi->warnings rather than failing the boot.
 */
#include <hv/bootinfo.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <asm/boot.h>

/* Upper bound on the multiboot2 info block; real ones are a few KiB. */
#define MB2_INFO_MAX		(1U << 20)

/* multiboot1 info flags we read */
#define MB1_INFO_MEM		(1U << 0)
#define MB1_INFO_CMDLINE	(1U << 2)
#define MB1_INFO_MODS		(1U << 3)
#define MB1_INFO_MMAP		(1U << 6)
#define MB1_INFO_LOADER		(1U << 9)

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 1 MiB, KiB above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __packed;

struct mb1_module {
	uint32_t mod_start, mod_end, string, reserved;
} __packed;

/* An mb1 map entry; "size" counts the bytes after itself. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __packed;

/* mb2 tags */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER		2
#define MB2_TAG_MODULE		3
#define MB2_TAG_MEMINFO		4
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15

struct mb2_tag {
	uint32_t type, size;
} __packed;

struct mb2_module {
	struct mb2_tag tag;
	uint32_t mod_start, mod_end;
	char string[];
} __packed;

struct mb2_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
} __packed;

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
} __packed;

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_RAM: return "RAM";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIM: return "ACPI data";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	default: return "unknown";
	}
}

static bool memchr_eq(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return true;
	return false;
}

/*
 * Copy a NUL-terminated string of at most @avail readable bytes. A string
 * that does not fit, or has no NUL within @avail, is cut and counted.
 */
static void copy_bounded(struct boot_info *bi, char *dst, size_t dsz, const char *src,
			 size_t avail)
{
	size_t n = strnlen(src, avail);

	if (n >= dsz || n == avail) {
		if (n >= dsz)
			n = dsz - 1;
		if (n != 0 || avail != 0)
			bi->warnings++;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Copy a string at physical @pa whose length is unknown. Readability is
 * monotonic in the length, so find the longest readable window (up to the
 * destination's size) by bisection, then copy within it.
 */
static void copy_phys_string(struct boot_info *bi, char *dst, size_t dsz, uint64_t pa,
			     phys_reader_t read)
{
	size_t lo = 0, hi = dsz;	/* read(pa, lo) works; read(pa, hi) unknown */
	const char *s = read(pa, dsz);

	if (s) {
		copy_bounded(bi, dst, dsz, s, dsz);
		return;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (read(pa, mid))
			lo = mid;
		else
			hi = mid;
	}
	s = lo ? read(pa, lo) : NULL;
	if (!s) {
		dst[0] = '\0';
		bi->warnings++;
		return;
	}
	copy_bounded(bi, dst, dsz, s, lo);
}

static void add_range(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (!len || base + len < base) {	/* empty or wraps: drop */
		bi->warnings += !!len;
		return;
	}
	if (bi->nr_mem == BOOT_MAX_MEMRANGES) {
		bi->warnings++;
		return;
	}
	bi->mem[bi->nr_mem++] = (struct mem_range){ base, base + len, type };
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *s,
		       size_t avail, uint64_t string_pa, phys_reader_t read)
{
	struct boot_module *m;

	if (end < start) {
		bi->warnings++;
		return;
	}
	if (bi->nr_mods == BOOT_MAX_MODULES) {
		bi->warnings++;
		return;
	}
	m = &bi->mods[bi->nr_mods++];
	m->start = start;
	m->end = end;
	if (s)
		copy_bounded(bi, m->cmdline, sizeof(m->cmdline), s, avail);
	else if (string_pa)
		copy_phys_string(bi, m->cmdline, sizeof(m->cmdline), string_pa, read);
	else
		m->cmdline[0] = '\0';
}

static int parse_mb1(struct boot_info *bi, uint64_t info_pa, phys_reader_t read,
		     const char **why)
{
	const struct mb1_info *mi = read(info_pa, sizeof(*mi));
	struct mb1_info info;

	if (!mi) {
		*why = "multiboot1 info structure is not readable";
		return -EINVAL;
	}
	info = *mi;	/* copy once: never re-read loader memory */
	bi->protocol = 1;

	if (info.flags & MB1_INFO_CMDLINE)
		copy_phys_string(bi, bi->cmdline, sizeof(bi->cmdline), info.cmdline, read);
	if (info.flags & MB1_INFO_LOADER)
		copy_phys_string(bi, bi->loader, sizeof(bi->loader), info.boot_loader_name, read);

	if (info.flags & MB1_INFO_MODS) {
		uint32_t count = info.mods_count;
		const struct mb1_module *mods;

		if (count > BOOT_MAX_MODULES) {
			bi->warnings++;
			count = BOOT_MAX_MODULES;
		}
		mods = count ? read(info.mods_addr, count * sizeof(*mods)) : NULL;
		if (count && !mods) {
			*why = "multiboot1 module list is not readable";
			return -EINVAL;
		}
		for (uint32_t i = 0; i < count; i++) {
			struct mb1_module m = mods[i];

			add_module(bi, m.mod_start, m.mod_end, NULL, 0, m.string, read);
		}
	}

	if (info.flags & MB1_INFO_MMAP) {
		uint32_t off = 0, len = info.mmap_length;
		const uint8_t *map = len ? read(info.mmap_addr, len) : NULL;

		if (len && !map) {
			*why = "multiboot1 memory map is not readable";
			return -EINVAL;
		}
		/* Each entry: 4-byte size, then "size" bytes (at least base, len, type). */
		while (off + sizeof(uint32_t) <= len) {
			struct mb1_mmap_entry e;
			uint32_t esz;

			memcpy(&esz, map + off, sizeof(esz));
			if (esz < sizeof(e) - sizeof(uint32_t) ||
			    esz > len - off - sizeof(uint32_t)) {
				*why = "multiboot1 memory map entry has a bad size";
				return -EINVAL;
			}
			memcpy(&e, map + off, sizeof(e));
			add_range(bi, e.base, e.len, e.type);
			off += esz + sizeof(uint32_t);
		}
	} else if (info.flags & MB1_INFO_MEM) {
		/* Only the two totals: assume the classic PC layout. */
		add_range(bi, 0, (uint64_t)info.mem_lower << 10, MEM_RAM);
		add_range(bi, MiB(1), (uint64_t)info.mem_upper << 10, MEM_RAM);
	}
	return 0;
}

static int parse_mb2_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size,
			  const char **why)
{
	struct mb2_mmap h;

	if (size < sizeof(h)) {
		*why = "multiboot2 memory map tag is too short";
		return -EINVAL;
	}
	memcpy(&h, tag, sizeof(h));
	if (h.entry_size < sizeof(struct mb2_mmap_entry) || h.entry_size % 8) {
		*why = "multiboot2 memory map has a bad entry size";
		return -EINVAL;
	}
	/* "entry_size <= size - off": the sum could wrap in 32 bits. */
	for (uint32_t off = sizeof(h); off <= size && h.entry_size <= size - off;
	     off += h.entry_size) {
		struct mb2_mmap_entry e;

		memcpy(&e, tag + off, sizeof(e));
		add_range(bi, e.base, e.len, e.type);
	}
	return 0;
}

static int parse_mb2(struct boot_info *bi, uint64_t info_pa, phys_reader_t read,
		     const char **why)
{
	const uint8_t *hdr = read(info_pa, 8);
	const uint8_t *blob;
	uint32_t total, off = 8;
	bool saw_end = false, saw_mmap = false;
	uint64_t meminfo_lower = 0, meminfo_upper = 0;
	bool saw_meminfo = false;

	if (!hdr) {
		*why = "multiboot2 info block is not readable";
		return -EINVAL;
	}
	memcpy(&total, hdr, sizeof(total));	/* hdr may be misaligned: checked below */
	if (total < 16 || total > MB2_INFO_MAX || (info_pa & 7)) {
		*why = "multiboot2 info block has a bad size or alignment";
		return -EINVAL;
	}
	blob = read(info_pa, total);
	if (!blob) {
		*why = "multiboot2 info block is not readable";
		return -EINVAL;
	}
	bi->protocol = 2;

	while (off + sizeof(struct mb2_tag) <= total) {
		struct mb2_tag t;
		const uint8_t *p = blob + off;

		memcpy(&t, p, sizeof(t));
		if (t.size < sizeof(t) || t.size > total - off) {
			*why = "multiboot2 tag runs past the end of the info block";
			return -EINVAL;
		}
		if (t.type == MB2_TAG_END) {
			saw_end = true;
			break;
		}
		switch (t.type) {
		case MB2_TAG_CMDLINE:
			copy_bounded(bi, bi->cmdline, sizeof(bi->cmdline), (const char *)p + 8,
				     t.size - 8);
			break;
		case MB2_TAG_LOADER:
			copy_bounded(bi, bi->loader, sizeof(bi->loader), (const char *)p + 8,
				     t.size - 8);
			break;
		case MB2_TAG_MODULE: {
			struct mb2_module m;

			if (t.size < sizeof(m)) {
				*why = "multiboot2 module tag is too short";
				return -EINVAL;
			}
			memcpy(&m, p, sizeof(m));
			add_module(bi, m.mod_start, m.mod_end, (const char *)p + sizeof(m),
				   t.size - sizeof(m), 0, read);
			break;
		}
		case MB2_TAG_MEMINFO:
			if (t.size >= 16) {
				uint32_t v[2];

				memcpy(v, p + 8, sizeof(v));
				meminfo_lower = v[0];
				meminfo_upper = v[1];
				saw_meminfo = true;
			}
			break;
		case MB2_TAG_MMAP:
			if (parse_mb2_mmap(bi, p, t.size, why))
				return -EINVAL;
			saw_mmap = true;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW: {
			size_t n = min((size_t)(t.size - 8), sizeof(bi->rsdp));

			/* Prefer the ACPI 2.0 copy when both are given. */
			if (t.type == MB2_TAG_ACPI_NEW || !bi->rsdp_len) {
				memcpy(bi->rsdp, p + 8, n);
				bi->rsdp_len = n;
			}
			break;
		}
		default:
			break;	/* tags we do not use */
		}
		off += ROUNDUP(t.size, 8U);
	}
	if (!saw_end) {
		*why = "multiboot2 info block has no end tag";
		return -EINVAL;
	}
	if (!saw_mmap && saw_meminfo) {
		add_range(bi, 0, meminfo_lower << 10, MEM_RAM);
		add_range(bi, MiB(1), meminfo_upper << 10, MEM_RAM);
	}
	return 0;
}

/*
 * Multiboot loaders may put the image's own path first on the command line
 * (QEMU's -kernel always does). Drop a first word that looks like a path:
 * it contains '/' or ends in ".elf" or ".gz", and has no '='.
 */
static void strip_image_name(char *cmdline)
{
	size_t n = 0, skip;

	while (cmdline[n] && cmdline[n] != ' ')
		n++;
	if (!n || memchr_eq(cmdline, '=', n))
		return;
	if (!memchr_eq(cmdline, '/', n) &&
	    !(n > 4 && !memcmp(cmdline + n - 4, ".elf", 4)) &&
	    !(n > 3 && !memcmp(cmdline + n - 3, ".gz", 3)))
		return;
	for (skip = n; cmdline[skip] == ' '; skip++)
		;
	memmove(cmdline, cmdline + skip, strlen(cmdline + skip) + 1);
}

int bootinfo_parse(struct boot_info *bi, uint32_t magic, uint64_t info_pa,
		   phys_reader_t read, const char **why)
{
	int rc;

	memset(bi, 0, sizeof(*bi));
	*why = NULL;
	if (magic == MB1_BOOT_MAGIC)
		rc = parse_mb1(bi, info_pa, read, why);
	else if (magic == MB2_BOOT_MAGIC)
		rc = parse_mb2(bi, info_pa, read, why);
	else {
		*why = "not started by a multiboot loader (bad magic in EAX)";
		return -EINVAL;
	}
	if (rc)
		return rc;
	strip_image_name(bi->cmdline);
	if (!bi->nr_mem) {
		*why = "the boot loader gave no memory map";
		return -EINVAL;
	}
	bootinfo_sanitize_memmap(bi);
	return 0;
}

/* Higher value wins where two ranges overlap: anything beats RAM. */
static int type_rank(uint32_t type)
{
	return type == MEM_RAM ? 0 : (int)type;
}

void bootinfo_sanitize_memmap(struct boot_info *bi)
{
	struct mem_range out[BOOT_MAX_MEMRANGES];
	uint64_t points[2 * BOOT_MAX_MEMRANGES];
	size_t np = 0, no = 0;

	/* Boundaries of all ranges, sorted and deduplicated (insertion sort: n <= 256). */
	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		points[np++] = bi->mem[i].start;
		points[np++] = bi->mem[i].end;
	}
	for (size_t i = 1; i < np; i++)
		for (size_t j = i; j && points[j - 1] > points[j]; j--) {
			uint64_t t = points[j];

			points[j] = points[j - 1];
			points[j - 1] = t;
		}

	/* Each elementary interval takes the highest-ranked type covering it. */
	for (size_t i = 0; i + 1 < np; i++) {
		uint64_t a = points[i], b = points[i + 1];
		int best = -1;
		uint32_t type = 0;

		if (a == b)
			continue;
		for (unsigned int k = 0; k < bi->nr_mem; k++)
			if (bi->mem[k].start <= a && bi->mem[k].end >= b &&
			    type_rank(bi->mem[k].type) > best) {
				best = type_rank(bi->mem[k].type);
				type = bi->mem[k].type;
			}
		if (best < 0)
			continue;	/* a hole */
		if (no && out[no - 1].end == a && out[no - 1].type == type) {
			out[no - 1].end = b;
		} else if (no < ARRAY_SIZE(out)) {
			out[no++] = (struct mem_range){ a, b, type };
		} else {
			bi->warnings++;
		}
	}
	memcpy(bi->mem, out, no * sizeof(out[0]));
	bi->nr_mem = (unsigned int)no;
}

size_t bootinfo_free_ranges(const struct boot_info *bi, const struct mem_range *excl,
			    size_t nr_excl, struct mem_range *out, size_t max)
{
	size_t n = 0;

	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		uint64_t s, e;

		if (bi->mem[i].type != MEM_RAM)
			continue;
		s = ROUNDUP(bi->mem[i].start, (uint64_t)PAGE_SIZE);
		e = ROUNDDOWN(bi->mem[i].end, (uint64_t)PAGE_SIZE);
		/* Walk the RAM range, cutting out every excluded piece. */
		while (s < e) {
			uint64_t cut_s = e, cut_e = e;

			for (size_t k = 0; k < nr_excl; k++) {
				uint64_t xs = ROUNDDOWN(excl[k].start, (uint64_t)PAGE_SIZE);
				uint64_t xe = ROUNDUP(excl[k].end, (uint64_t)PAGE_SIZE);

				/* An empty exclusion (a zero-length module) excludes nothing. */
				if (excl[k].end <= excl[k].start || xe <= s || xs >= e)
					continue;
				if (xs <= s) {	/* covers our start: skip past it */
					cut_s = s;
					cut_e = xe;
					break;
				}
				if (xs < cut_s) {
					cut_s = xs;
					cut_e = xe;
				}
			}
			if (cut_s > s && n < max)
				out[n++] = (struct mem_range){ s, cut_s, MEM_RAM };
			s = cut_e > cut_s ? cut_e : e;
			if (cut_s == e)
				break;
		}
	}
	return n;
}
