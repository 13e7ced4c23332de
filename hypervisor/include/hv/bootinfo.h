/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told us, copied out of its multiboot 1 or 2
 * structures into one bounded, validated form. The parsers are pure (they
 * reach boot-loader memory only through a caller-supplied accessor), so
 * they are unit-tested on the host with malformed input.
 */
#pragma once
#include <hv/types.h>

#define BOOT_CMDLINE_MAX	1024
#define BOOT_MOD_CMDLINE_MAX	512
#define BOOT_MAX_MODULES	16
#define BOOT_MAX_MEMRANGES	128
#define BOOT_LOADER_NAME_MAX	64
#define ACPI_RSDP_COPY_MAX	36	/* size of an ACPI 2.0 RSDP */

/* Memory types as multiboot (and the e820 map) number them. */
enum mem_type {
	MEM_RAM = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_range {
	uint64_t start;
	uint64_t end;		/* exclusive */
	uint32_t type;
};

struct boot_module {
	uint64_t start;
	uint64_t end;		/* exclusive */
	char cmdline[BOOT_MOD_CMDLINE_MAX];
};

struct boot_info {
	unsigned int protocol;	/* 1 or 2 */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_LOADER_NAME_MAX];
	struct mem_range mem[BOOT_MAX_MEMRANGES];
	unsigned int nr_mem;
	struct boot_module mods[BOOT_MAX_MODULES];
	unsigned int nr_mods;
	uint8_t rsdp[ACPI_RSDP_COPY_MAX];	/* copy from the mb2 ACPI tag */
	size_t rsdp_len;			/* 0: none given */
	unsigned int warnings;			/* things dropped or truncated */
};

/*
 * Returns a pointer through which @len bytes at boot-loader physical
 * address @pa can be read, or NULL if that range is not accessible.
 */
typedef const void *(*phys_reader_t)(uint64_t pa, size_t len);

/*
 * Fill @bi from the boot magic in EAX and the info address in EBX.
 * Returns 0, or a negative errno with a one-line reason in @why when the
 * information is unusable (wrong magic, no memory map, corrupt tags).
 */
int bootinfo_parse(struct boot_info *bi, uint32_t magic, uint64_t info_pa,
		   phys_reader_t read, const char **why);

/* Sort the memory map and resolve overlaps (reserved wins over RAM). */
void bootinfo_sanitize_memmap(struct boot_info *bi);

/*
 * Compute the page-aligned RAM ranges of @bi minus the @nr_excl ranges in
 * @excl, into @out (at most @max). Returns how many were written.
 */
size_t bootinfo_free_ranges(const struct boot_info *bi, const struct mem_range *excl,
			    size_t nr_excl, struct mem_range *out, size_t max);

const char *mem_type_name(uint32_t type);

/* The host's memory map, sorted (setup.c; read-only once dom0 runs). */
unsigned int host_memory_map(const struct mem_range **map);
