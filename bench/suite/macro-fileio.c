// SPDX-License-Identifier: GPL-2.0-only
/*
 * File I/O on ext4, on two media the init script mounts before the run:
 *
 *   loop  an ext4 image in a tmpfs file, on a loop device. Only the
 *         kernel's file-system and block layers are exercised, so it
 *         works under every hypervisor and compares like with like.
 *   vda   the same image attached by QEMU as a virtio-blk disk. This adds
 *         a real device: PCI config space, MMIO notifications and
 *         interrupts, which a dom0 gets only if its hypervisor passes
 *         the PCI device through (Xen does; a row that fails with "no
 *         ext4 mounted" means this kernel saw no /dev/vda).
 *
 * Sequential throughput includes fsync (write) and starts from a dropped
 * page cache (read); small files measure metadata work in the page cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "harness.h"

#define EXT4_SUPER_MAGIC 0xEF53
#define SEQ_FILE_BYTES (32ul << 20)
#define SEQ_CHUNK_BYTES (64ul << 10)
#define SMALL_FILE_BYTES 4096
/* Small files are created this many at a time, then unlinked. */
#define SMALL_FILE_BATCH 1000ul

/* Dies unless dir is the root of a mounted ext4 file system. */
static void check_ext4(const char *dir)
{
	char parent[PATH_MAX];
	struct stat st, pst;
	struct statfs sfs;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	if (statfs(dir, &sfs) < 0 || stat(dir, &st) < 0 ||
	    stat(parent, &pst) < 0)
		bench_die("no ext4 mounted at %s: %s", dir, strerror(errno));
	if (sfs.f_type != EXT4_SUPER_MAGIC || st.st_dev == pst.st_dev)
		bench_die("no ext4 mounted at %s (is the device there?)", dir);
}

static void drop_caches(void)
{
	static const char three[] = "3";
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, three, 1) != 1)
		bench_die("drop_caches: %s", strerror(errno));
	close(fd);
}

struct seq_file {
	char path[PATH_MAX];
	char *chunk;
};

static void seq_init(struct seq_file *f, const char *dir)
{
	check_ext4(dir);
	snprintf(f->path, sizeof(f->path), "%s/ward-bench-seq", dir);
	f->chunk = malloc(SEQ_CHUNK_BYTES);
	if (!f->chunk)
		bench_die("malloc: %s", strerror(errno));
	memset(f->chunk, 0xa5, SEQ_CHUNK_BYTES);
}

/* Write the whole file and fsync it; the previous copy is removed first. */
static uint64_t run_seq_write(void *arg)
{
	struct seq_file *f = arg;
	uint64_t t0;
	int fd;

	unlink(f->path);
	sync();
	t0 = now_ns();
	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		bench_die("open %s: %s", f->path, strerror(errno));
	for (size_t done = 0; done < SEQ_FILE_BYTES; done += SEQ_CHUNK_BYTES)
		if (write(fd, f->chunk, SEQ_CHUNK_BYTES) != SEQ_CHUNK_BYTES)
			bench_die("write %s: %s", f->path, strerror(errno));
	if (fsync(fd) < 0)
		bench_die("fsync %s: %s", f->path, strerror(errno));
	close(fd);
	return now_ns() - t0;
}

/* Read the whole file from a cold page cache. */
static uint64_t run_seq_read(void *arg)
{
	struct seq_file *f = arg;
	uint64_t t0;
	ssize_t r;
	size_t total = 0;
	int fd;

	drop_caches();
	t0 = now_ns();
	fd = open(f->path, O_RDONLY);
	if (fd < 0)
		bench_die("open %s: %s", f->path, strerror(errno));
	while ((r = read(fd, f->chunk, SEQ_CHUNK_BYTES)) > 0)
		total += (size_t)r;
	if (r < 0 || total != SEQ_FILE_BYTES)
		bench_die("read %s: %zu bytes: %s", f->path, total, strerror(errno));
	close(fd);
	return now_ns() - t0;
}

static double mb_per_s(double ms)
{
	return (double)SEQ_FILE_BYTES / (ms * 1000.0);
}

static int seq_write(const char *dir, double *out)
{
	struct seq_file f;

	seq_init(&f, dir);
	*out = mb_per_s(bench_run_ms(run_seq_write, &f));
	unlink(f.path);
	return 0;
}

static int seq_read(const char *dir, double *out)
{
	struct seq_file f;

	seq_init(&f, dir);
	run_seq_write(&f);
	*out = mb_per_s(bench_run_ms(run_seq_read, &f));
	unlink(f.path);
	return 0;
}

/* n x (create, write 4 KiB, close), then unlink them, in batches. */
static uint64_t loop_small_files(void *arg, uint64_t n)
{
	static char data[SMALL_FILE_BYTES];
	const char *dir = arg;
	char path[PATH_MAX];
	uint64_t t0 = now_ns(), batch;
	int fd;

	while (n > 0) {
		batch = n < SMALL_FILE_BATCH ? n : SMALL_FILE_BATCH;
		for (uint64_t i = 0; i < batch; i++) {
			snprintf(path, sizeof(path), "%s/s%llu", dir,
				 (unsigned long long)i);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
				bench_die("create %s: %s", path, strerror(errno));
			close(fd);
		}
		for (uint64_t i = 0; i < batch; i++) {
			snprintf(path, sizeof(path), "%s/s%llu", dir,
				 (unsigned long long)i);
			if (unlink(path) < 0)
				bench_die("unlink %s: %s", path, strerror(errno));
		}
		n -= batch;
	}
	return now_ns() - t0;
}

static int small_files(const char *dir, double *out)
{
	check_ext4(dir);
	*out = bench_per_op_us(loop_small_files, (void *)dir);
	return 0;
}

static int run_loop_write(double *out)
{
	return seq_write(bench_opts.loop_dir, out);
}

static int run_loop_read(double *out)
{
	return seq_read(bench_opts.loop_dir, out);
}

static int run_loop_small(double *out)
{
	return small_files(bench_opts.loop_dir, out);
}

static int run_vda_write(double *out)
{
	return seq_write(bench_opts.vda_dir, out);
}

static int run_vda_read(double *out)
{
	return seq_read(bench_opts.vda_dir, out);
}

static int run_vda_small(double *out)
{
	return small_files(bench_opts.vda_dir, out);
}

const struct bench macro_fileio_benches[] = {
	{ "ext4_loop_write", "MB/s",
	  "ext4 on loop over tmpfs: write 32 MiB in 64 KiB chunks + fsync",
	  run_loop_write },
	{ "ext4_loop_read", "MB/s",
	  "ext4 on loop over tmpfs: read 32 MiB after drop_caches",
	  run_loop_read },
	{ "ext4_loop_smallfile", "us",
	  "ext4 on loop over tmpfs: create+write 4 KiB+close, unlink (per file)",
	  run_loop_small },
	{ "ext4_vda_write", "MB/s",
	  "ext4 on virtio-blk: write 32 MiB in 64 KiB chunks + fsync",
	  run_vda_write },
	{ "ext4_vda_read", "MB/s",
	  "ext4 on virtio-blk: read 32 MiB after drop_caches",
	  run_vda_read },
	{ "ext4_vda_smallfile", "us",
	  "ext4 on virtio-blk: create+write 4 KiB+close, unlink (per file)",
	  run_vda_small },
	{ NULL, NULL, NULL, NULL },
};
