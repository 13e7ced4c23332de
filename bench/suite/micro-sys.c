// SPDX-License-Identifier: GPL-2.0-only
/*
 * System-call micro-benchmarks: the cheapest round trip into the kernel,
 * then 1-byte I/O on character devices and the path-walking calls. Under
 * a 64-bit PV hypervisor every syscall enters the hypervisor first and is
 * bounced to the guest kernel, so these rows show that cost directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* getppid is a real syscall every time: glibc does not cache it. */
static uint64_t loop_getppid(void *arg, uint64_t n)
{
	uint64_t t0 = now_ns();

	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		getppid();
	return now_ns() - t0;
}

static int run_null_syscall(double *out)
{
	*out = bench_per_op_us(loop_getppid, NULL);
	return 0;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		bench_die("open %s: %s", path, strerror(errno));
	return fd;
}

static uint64_t loop_read(void *arg, uint64_t n)
{
	int fd = *(int *)arg;
	uint64_t t0 = now_ns();
	char c;

	for (uint64_t i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1)
			bench_die("read /dev/zero: %s", strerror(errno));
	return now_ns() - t0;
}

static int run_read(double *out)
{
	int fd = open_or_die("/dev/zero", O_RDONLY);

	*out = bench_per_op_us(loop_read, &fd);
	close(fd);
	return 0;
}

static uint64_t loop_write(void *arg, uint64_t n)
{
	int fd = *(int *)arg;
	uint64_t t0 = now_ns();
	char c = 0;

	for (uint64_t i = 0; i < n; i++)
		if (write(fd, &c, 1) != 1)
			bench_die("write /dev/null: %s", strerror(errno));
	return now_ns() - t0;
}

static int run_write(double *out)
{
	int fd = open_or_die("/dev/null", O_WRONLY);

	*out = bench_per_op_us(loop_write, &fd);
	close(fd);
	return 0;
}

/* A one-byte file in the scratch directory (tmpfs in the guest). */
static const char *target_file(void)
{
	static char path[256];
	static const char byte = 'x';

	snprintf(path, sizeof(path), "%s/ward-bench-stat", bench_opts.tmpdir);
	bench_write_file(path, &byte, 1);
	return path;
}

static uint64_t loop_stat(void *arg, uint64_t n)
{
	const char *path = arg;
	uint64_t t0 = now_ns();
	struct stat st;

	for (uint64_t i = 0; i < n; i++)
		if (stat(path, &st) < 0)
			bench_die("stat %s: %s", path, strerror(errno));
	return now_ns() - t0;
}

static int run_stat(double *out)
{
	const char *path = target_file();

	*out = bench_per_op_us(loop_stat, (void *)path);
	unlink(path);
	return 0;
}

static uint64_t loop_open_close(void *arg, uint64_t n)
{
	const char *path = arg;
	uint64_t t0 = now_ns();
	int fd;

	for (uint64_t i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			bench_die("open %s: %s", path, strerror(errno));
		close(fd);
	}
	return now_ns() - t0;
}

static int run_open_close(double *out)
{
	const char *path = target_file();

	*out = bench_per_op_us(loop_open_close, (void *)path);
	unlink(path);
	return 0;
}

const struct bench micro_sys_benches[] = {
	{ "null_syscall", "us", "getppid()", run_null_syscall },
	{ "read_1b", "us", "read 1 byte from /dev/zero", run_read },
	{ "write_1b", "us", "write 1 byte to /dev/null", run_write },
	{ "stat", "us", "stat() of a file in tmpfs", run_stat },
	{ "open_close", "us",
	  "open(O_RDONLY) + close() of a file in tmpfs",
	  run_open_close },
	{ NULL, NULL, NULL, NULL },
};
