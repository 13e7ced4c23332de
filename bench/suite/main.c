// SPDX-License-Identifier: GPL-2.0-only
/*
 * ward-bench: the in-guest benchmark suite of `make bench`. Runs every
 * benchmark in its own child process and prints one line each:
 *
 *   BENCH <name> <value> <unit>        a result
 *   BENCH-FAIL <name> <reason>         no result, and why
 *   BENCH-INFO <name> <key=value>...   diagnostics (samples, spread)
 *
 * between "ward-bench: start" and "ward-bench: done" markers, which the
 * host side (scripts/bench-run.py) waits for. See docs/bench.md.
 *
 * Usage: ward-bench [--list] [--only N1,N2 (or N1+N2)] [--scale X] [--libdir DIR]
 *                   [--tmpdir DIR] [--loop-dir DIR] [--vda-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* A benchmark that runs longer than this is killed and reported failed. */
#define BENCH_TIMEOUT_S 60

/* In report order: micro-benchmarks, then macro workloads. */
static const struct bench *const groups[] = {
	micro_sys_benches, micro_signal_benches, micro_proc_benches,
	micro_mem_benches, macro_cpu_benches, macro_fileio_benches,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(void)
{
	fprintf(stderr, "usage: ward-bench [--list] [--only N1,N2] [--scale X] "
		"[--libdir DIR] [--tmpdir DIR] [--loop-dir DIR] [--vda-dir DIR]\n");
	exit(2);
}

/*
 * True if name is one of the names in list, separated by ',' or '+'
 * ('+' can pass through QEMU's -initrd, which splits at commas).
 */
static int in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (strncmp(p, name, len) == 0 &&
		    (p[len] == ',' || p[len] == '+' || !p[len]))
			return 1;
		p = strpbrk(p, ",+");
		if (p)
			p++;
	}
	return 0;
}

/*
 * One CPU for the whole suite: the pipe ping-pong then measures context
 * switches rather than cross-CPU wake-ups, and no row depends on where
 * the scheduler happened to place a child. Harmless if only CPU 0 exists.
 */
static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		printf("BENCH-INFO suite cannot pin to CPU 0: %s\n", strerror(errno));
}

static void print_system(void)
{
	char caps[64] = "none";
	struct utsname u;
	ssize_t r;
	int fd;

	fd = open("/proc/xen/capabilities", O_RDONLY);
	if (fd >= 0) {
		r = read(fd, caps, sizeof(caps) - 1);
		caps[r > 0 ? r : 0] = '\0';
		caps[strcspn(caps, "\n")] = '\0';
		if (!caps[0])
			strcpy(caps, "domU");
		close(fd);
	}
	uname(&u);
	printf("BENCH-INFO system kernel=%s cpus_online=%ld xen=%s scale=%g\n",
	       u.release, sysconf(_SC_NPROCESSORS_ONLN), caps, bench_opts.scale);
}

/* Runs b in a child; prints exactly one BENCH or BENCH-FAIL line. */
static int run_one(const struct bench *b)
{
	unsigned int limit = BENCH_TIMEOUT_S;
	int status;
	double v;
	pid_t pid;

	if (bench_opts.scale > 1)
		limit = (unsigned int)(limit * bench_opts.scale);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("BENCH-FAIL %s fork: %s\n", b->name, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		bench_current = b->name;
		/* The default action of SIGALRM kills us; the parent reports it. */
		alarm(limit);
		b->run(&v);
		printf("BENCH %s %.6g %s\n", b->name, v, b->unit);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("BENCH-FAIL %s waitpid: %s\n", b->name, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* Exit status 1: the child printed its own BENCH-FAIL line. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("BENCH-FAIL %s timed out after %u s\n", b->name, limit);
	else if (WIFSIGNALED(status))
		printf("BENCH-FAIL %s killed by signal %d\n", b->name, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 1)
		printf("BENCH-FAIL %s exited with status %d\n", b->name,
		       WEXITSTATUS(status));
	return -1;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int list = 0, ok = 0, failed = 0;
	const struct bench *b;
	size_t g;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			list = 1;
			continue;
		}
		if (!val)
			usage();
		i++;
		if (!strcmp(a, "--only"))
			only = val;
		else if (!strcmp(a, "--scale"))
			bench_opts.scale = atof(val);
		else if (!strcmp(a, "--libdir"))
			bench_opts.libdir = val;
		else if (!strcmp(a, "--tmpdir"))
			bench_opts.tmpdir = val;
		else if (!strcmp(a, "--loop-dir"))
			bench_opts.loop_dir = val;
		else if (!strcmp(a, "--vda-dir"))
			bench_opts.vda_dir = val;
		else
			usage();
	}
	if (bench_opts.scale <= 0)
		usage();

	if (list) {
		/* name<TAB>unit<TAB>description: the host's list of rows. */
		for (g = 0; g < NGROUPS; g++)
			for (b = groups[g]; b->name; b++)
				printf("%s\t%s\t%s\n", b->name, b->unit, b->what);
		return 0;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_to_cpu0();
	printf("ward-bench: start\n");
	print_system();
	for (g = 0; g < NGROUPS; g++) {
		for (b = groups[g]; b->name; b++) {
			if (only && !in_list(only, b->name))
				continue;
			if (run_one(b) == 0)
				ok++;
			else
				failed++;
		}
	}
	printf("ward-bench: done (%d ok, %d failed)\n", ok, failed);
	return failed ? 1 : 0;
}
