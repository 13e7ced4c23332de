// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual-memory micro-benchmarks. mmap of untouched memory only creates
 * a VMA; touching it takes a page fault per 4 KiB page, which allocates
 * and zeroes a frame and writes a PTE (a hypervisor-validated write in a
 * PV guest); munmap of touched memory zaps those PTEs and frees frames.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

#define MMAP_BYTES (1ul << 20)
/* Fresh pages are mapped this many at a time (64 MiB), then unmapped. */
#define FAULT_CHUNK_PAGES 16384ul

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static char *map_anon(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap %zu bytes: %s", bytes, strerror(errno));
	return p;
}

static void unmap(char *p, size_t bytes)
{
	if (munmap(p, bytes) < 0)
		bench_die("munmap: %s", strerror(errno));
}

/* arg: non-NULL to write one byte in every page before unmapping. */
static uint64_t loop_mmap(void *arg, uint64_t n)
{
	size_t pg = page_size();
	uint64_t t0 = now_ns();
	char *p;

	for (uint64_t i = 0; i < n; i++) {
		p = map_anon(MMAP_BYTES);
		if (arg)
			for (size_t off = 0; off < MMAP_BYTES; off += pg)
				((volatile char *)p)[off] = 1;
		unmap(p, MMAP_BYTES);
	}
	return now_ns() - t0;
}

static int run_mmap(double *out)
{
	*out = bench_per_op_us(loop_mmap, NULL);
	return 0;
}

static int run_mmap_touch(double *out)
{
	static int touch = 1;

	*out = bench_per_op_us(loop_mmap, &touch);
	return 0;
}

/* n first-touch faults; only the touching is timed. */
static uint64_t loop_page_fault(void *arg, uint64_t n)
{
	size_t pg = page_size();
	uint64_t total = 0, t0;
	size_t pages, bytes;
	char *p;

	(void)arg;
	while (n > 0) {
		pages = n < FAULT_CHUNK_PAGES ? n : FAULT_CHUNK_PAGES;
		bytes = pages * pg;
		p = map_anon(bytes);
		t0 = now_ns();
		for (size_t off = 0; off < bytes; off += pg)
			((volatile char *)p)[off] = 1;
		total += now_ns() - t0;
		unmap(p, bytes);
		n -= pages;
	}
	return total;
}

static int run_page_fault(double *out)
{
	*out = bench_per_op_us(loop_page_fault, NULL);
	return 0;
}

const struct bench micro_mem_benches[] = {
	{ "mmap_1m", "us",
	  "mmap 1 MiB anonymous + munmap, untouched",
	  run_mmap },
	{ "mmap_1m_touch", "us",
	  "mmap 1 MiB anonymous, write every 4 KiB page, munmap",
	  run_mmap_touch },
	{ "page_fault", "us",
	  "first write to a fresh anonymous 4 KiB page (per page)",
	  run_page_fault },
	{ NULL, NULL, NULL, NULL },
};
