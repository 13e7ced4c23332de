// SPDX-License-Identifier: GPL-2.0-only
/*
 * Macro workloads that do a fixed amount of work per run. The guest has
 * no compiler, so "a small compile job" is stood in for by what a build
 * spends its time on: user-mode CPU work (an integer loop, BusyBox gzip
 * and awk, i.e. a compressor and an interpreter) and a configure-style
 * shell script that forks and execs a little program for every line.
 * Plus memory bandwidth. Sizes are chosen so that one run takes a few
 * hundred milliseconds natively under TCG.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CPU_LOOP_ITERATIONS 20000000ull
#define MEMCPY_BYTES (64ul << 20)
#define GZIP_INPUT_BYTES (1ul << 20)

/* Where BusyBox lives in the initramfs; it picks the applet by argv[0]. */
static const char busybox[] = "/bin/busybox";

static volatile uint64_t sink;

/* xorshift64 with a data-dependent branch: pure register work. */
static uint64_t run_cpu_work(void *arg)
{
	uint64_t t0 = now_ns(), x = 0x9e3779b97f4a7c15ull, acc = 0;

	(void)arg;
	for (uint64_t i = 0; i < CPU_LOOP_ITERATIONS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += (x & 1) ? x >> 3 : x * 3;
	}
	sink = acc;
	return now_ns() - t0;
}

static int run_cpu_loop(double *out)
{
	*out = bench_run_ms(run_cpu_work, NULL);
	return 0;
}

struct copy_bufs {
	char *src;
	char *dst;
};

static uint64_t loop_memcpy(void *arg, uint64_t n)
{
	struct copy_bufs *b = arg;
	uint64_t t0 = now_ns();

	for (uint64_t i = 0; i < n; i++) {
		memcpy(b->dst, b->src, MEMCPY_BYTES);
		/* Keep the copy from being elided or merged across iterations. */
		__asm__ volatile("" : : "r"(b->dst) : "memory");
	}
	return now_ns() - t0;
}

static int run_memcpy(double *out)
{
	struct copy_bufs b;
	double us;

	b.src = malloc(MEMCPY_BYTES);
	b.dst = malloc(MEMCPY_BYTES);
	if (!b.src || !b.dst)
		bench_die("malloc %lu bytes: %s", MEMCPY_BYTES, strerror(errno));
	/* Fault both buffers in first: this row is bandwidth, not page faults. */
	memset(b.src, 0x5a, MEMCPY_BYTES);
	memset(b.dst, 0, MEMCPY_BYTES);
	us = bench_per_op_us(loop_memcpy, &b);
	*out = (double)MEMCPY_BYTES / us;	/* bytes per us = MB/s */
	return 0;
}

/*
 * Deterministic text with the redundancy of a source tree: words from a
 * small vocabulary, chosen by a fixed xorshift stream, in short lines.
 */
static void make_text(char *buf, size_t size)
{
	static const char *const words[] = {
		"static", "int", "return", "struct", "const", "char", "void",
		"if", "else", "for", "while", "unsigned", "long", "sizeof",
		"page", "domain", "vcpu", "event", "grant", "table", "error",
		"{", "}", "(", ")", ";", "=", "==", "->", "0", "1", "NULL",
	};
	const size_t nwords = sizeof(words) / sizeof(words[0]);
	uint64_t x = 88172645463325252ull;
	size_t pos = 0, len, col = 0;
	const char *w;

	while (pos < size) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w = words[x % nwords];
		len = strlen(w);
		if (pos + len + 1 > size)
			break;
		memcpy(buf + pos, w, len);
		pos += len;
		col += len + 1;
		buf[pos++] = col > 60 || (x >> 32) % 11 == 0 ? '\n' : ' ';
		if (buf[pos - 1] == '\n')
			col = 0;
	}
	memset(buf + pos, '\n', size - pos);
}

struct gzip_files {
	char plain[PATH_MAX];
	char packed[PATH_MAX];
};

static void gzip_files_init(struct gzip_files *f)
{
	char *text = malloc(GZIP_INPUT_BYTES);

	if (!text)
		bench_die("malloc: %s", strerror(errno));
	make_text(text, GZIP_INPUT_BYTES);
	snprintf(f->plain, sizeof(f->plain), "%s/ward-bench.txt",
		 bench_opts.tmpdir);
	snprintf(f->packed, sizeof(f->packed), "%s/ward-bench.txt.gz",
		 bench_opts.tmpdir);
	bench_write_file(f->plain, text, GZIP_INPUT_BYTES);
	free(text);
}

static uint64_t run_gzip_once(void *arg)
{
	struct gzip_files *f = arg;
	char *argv[] = { "gzip", "-c", f->plain, NULL };

	return bench_spawn(busybox, argv, f->packed);
}

static uint64_t run_gunzip_once(void *arg)
{
	struct gzip_files *f = arg;
	char *argv[] = { "gzip", "-dc", f->packed, NULL };

	return bench_spawn(busybox, argv, "/dev/null");
}

static int run_gzip(double *out)
{
	struct gzip_files f;

	gzip_files_init(&f);
	*out = bench_run_ms(run_gzip_once, &f);
	unlink(f.plain);
	unlink(f.packed);
	return 0;
}

static int run_gunzip(double *out)
{
	struct gzip_files f;

	gzip_files_init(&f);
	run_gzip_once(&f);
	*out = bench_run_ms(run_gunzip_once, &f);
	unlink(f.plain);
	unlink(f.packed);
	return 0;
}

/* An interpreter at work: loops, string building, an associative array. */
static const char awk_program[] =
	"BEGIN {\n"
	"	for (i = 0; i < 60000; i++) {\n"
	"		k = \"key\" (i % 997);\n"
	"		a[k] += i % 13;\n"
	"		s = s substr(\"abcdefghij\", i % 10 + 1, 1);\n"
	"		if (length(s) > 64) s = \"\";\n"
	"	}\n"
	"	for (k in a) n += a[k];\n"
	"	print n;\n"
	"}\n";

static uint64_t run_awk_once(void *arg)
{
	char *argv[] = { "awk", (char *)awk_program, NULL };

	(void)arg;
	return bench_spawn(busybox, argv, "/dev/null");
}

static int run_awk(double *out)
{
	*out = bench_run_ms(run_awk_once, NULL);
	return 0;
}

/*
 * What configure scripts and Makefiles do: per line, a command
 * substitution (a forked subshell) running a two-stage pipeline of
 * external programs (fork + exec each), then a test of the result.
 */
static const char sh_script[] =
	"i=0\n"
	"while [ $i -lt 60 ]; do\n"
	"	v=$(echo \"line $i\" | tr a-z A-Z | sed -e 's/LINE/x/')\n"
	"	case $v in x*) ;; *) exit 1 ;; esac\n"
	"	i=$((i + 1))\n"
	"done\n";

static uint64_t run_sh_once(void *arg)
{
	char *argv[] = { "sh", "-c", (char *)sh_script, NULL };

	(void)arg;
	return bench_spawn(busybox, argv, "/dev/null");
}

static int run_sh_script(double *out)
{
	*out = bench_run_ms(run_sh_once, NULL);
	return 0;
}

const struct bench macro_cpu_benches[] = {
	{ "cpu_loop", "ms",
	  "20M iterations of an xorshift64 integer loop (no syscalls)",
	  run_cpu_loop },
	{ "memcpy_bw", "MB/s",
	  "memcpy of a 64 MiB buffer (pre-faulted), MB = 10^6 bytes",
	  run_memcpy },
	{ "gzip", "ms",
	  "BusyBox gzip -c of a 1 MiB text file in tmpfs",
	  run_gzip },
	{ "gunzip", "ms",
	  "BusyBox gzip -dc of that file to /dev/null",
	  run_gunzip },
	{ "awk", "ms",
	  "BusyBox awk: 60k-iteration loop with strings and an array",
	  run_awk },
	{ "sh_script", "ms",
	  "BusyBox sh: 60 lines of $(echo | tr | sed), configure-style",
	  run_sh_script },
	{ NULL, NULL, NULL, NULL },
};
