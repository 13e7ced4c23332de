// SPDX-License-Identifier: GPL-2.0-only
/*
 * ward-bench: the in-guest benchmark suite of `make bench`. Runs the
 * whole table --rounds times, each benchmark in a fresh child process per
 * round, and prints
 *
 *   BENCH-ROUND <name> <round> <value> <unit> ops=N lo=X hi=Y
 *                                      one round's result (and samples)
 *   BENCH <name> <value> <unit>        the result: best of the rounds
 *   BENCH-FAIL <name> <reason>         no result, and why
 *   BENCH-INFO <key=value>...          about the system
 *   BENCH-CLOCK <ns>                   CLOCK_MONOTONIC now, at the start,
 *                                      every round and the end, so the
 *                                      host can check the guest's clock
 *
 * between "ward-bench: start" and "ward-bench: done" markers, which the
 * host side (scripts/bench-run.py) waits for. See docs/bench.md.
 *
 * Usage: ward-bench [--list] [--only N1,N2] [--rounds N] [--scale X]
 *        [--libdir DIR] [--tmpdir DIR] [--loop-dir DIR] [--vda-dir DIR]
 * (--only also takes N1+N2: QEMU's -initrd splits arguments at commas.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* A benchmark round that runs longer than this is killed, and failed. */
#define BENCH_TIMEOUT_S 60
#define DEFAULT_ROUNDS 3
#define MAX_ROUNDS 20

/* In report order: micro-benchmarks, then macro workloads. */
static const struct bench *const groups[] = {
	micro_sys_benches, micro_signal_benches, micro_proc_benches,
	micro_mem_benches, macro_cpu_benches, macro_fileio_benches,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(void)
{
	fprintf(stderr, "usage: ward-bench [--list] [--only N1,N2] [--rounds N] "
		"[--scale X] [--libdir DIR] [--tmpdir DIR] [--loop-dir DIR] "
		"[--vda-dir DIR]\n");
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

/*
 * Every value is measured with the guest's CLOCK_MONOTONIC. The host
 * stamps these lines with its own clock; if a hypervisor gives the guest
 * a wrong TSC frequency, the two disagree and the report says so.
 */
static void print_clock(void)
{
	printf("BENCH-CLOCK %llu\n", (unsigned long long)now_ns());
}

/* Rates are better when higher; everything else is a time. */
static int higher_is_better(const struct bench *b)
{
	return strcmp(b->unit, "MB/s") == 0;
}

/*
 * Runs one round of b in a child, with st shared between us. Prints a
 * BENCH-ROUND line, or makes sure exactly one BENCH-FAIL line is printed.
 */
static int run_round(const struct bench *b, struct bench_state *st, int round)
{
	unsigned int limit = BENCH_TIMEOUT_S;
	int status;
	double v;
	pid_t pid;

	if (bench_opts.scale > 1)
		limit = (unsigned int)(limit * bench_opts.scale);
	st->round = round;
	st->done = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("BENCH-FAIL %s fork: %s\n", b->name, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		bench_current = b->name;
		bench_state = st;
		/* The default action of SIGALRM kills us; the parent reports it. */
		alarm(limit);
		b->run(&v);
		st->value = v;
		st->done = 1;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("BENCH-FAIL %s waitpid: %s\n", b->name, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && st->done) {
		printf("BENCH-ROUND %s %d %.6g %s ops=%llu lo=%.6g hi=%.6g\n",
		       b->name, round + 1, st->value, b->unit,
		       (unsigned long long)st->ops, st->lo, st->hi);
		return 0;
	}
	/* Exit status 1: the child printed its own BENCH-FAIL line. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("BENCH-FAIL %s timed out after %u s\n", b->name, limit);
	else if (WIFSIGNALED(status))
		printf("BENCH-FAIL %s killed by signal %d\n", b->name, WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
		printf("BENCH-FAIL %s exited with status 0x%x\n", b->name, status);
	return -1;
}

/* The selected benchmarks, in table order; returns how many. */
static int select_benches(const char *only, const struct bench **out, int max)
{
	const struct bench *b;
	int n = 0;

	for (size_t g = 0; g < NGROUPS; g++)
		for (b = groups[g]; b->name; b++)
			if ((!only || in_list(only, b->name)) && n < max)
				out[n++] = b;
	return n;
}

int main(int argc, char **argv)
{
	const struct bench *sel[128];
	struct bench_state *st;
	double best[128];
	int failed[128];
	const char *only = NULL;
	int list = 0, rounds = DEFAULT_ROUNDS, n, ok = 0, bad = 0;

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
		else if (!strcmp(a, "--rounds"))
			rounds = atoi(val);
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
	if (bench_opts.scale <= 0 || rounds < 1 || rounds > MAX_ROUNDS)
		usage();

	n = select_benches(only, sel, 128);
	if (list) {
		/* name<TAB>unit<TAB>description: the host's list of rows. */
		for (int i = 0; i < n; i++)
			printf("%s\t%s\t%s\n", sel[i]->name, sel[i]->unit, sel[i]->what);
		return 0;
	}

	/* Shared with the children, so calibration carries across rounds. */
	st = mmap(NULL, n * sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		perror("ward-bench: mmap");
		return 1;
	}
	memset(st, 0, n * sizeof(*st));

	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_to_cpu0();
	printf("ward-bench: start (%d benchmarks, %d rounds)\n", n, rounds);
	print_system();
	print_clock();
	for (int i = 0; i < n; i++)
		failed[i] = 0;
	for (int r = 0; r < rounds; r++) {
		printf("ward-bench: round %d/%d\n", r + 1, rounds);
		if (r > 0)
			print_clock();
		for (int i = 0; i < n; i++) {
			if (failed[i])
				continue;
			if (run_round(sel[i], &st[i], r) < 0) {
				failed[i] = 1;
				continue;
			}
			if (r == 0 || (higher_is_better(sel[i]) ?
				       st[i].value > best[i] : st[i].value < best[i]))
				best[i] = st[i].value;
		}
	}
	print_clock();
	for (int i = 0; i < n; i++) {
		if (failed[i]) {
			bad++;
			continue;
		}
		printf("BENCH %s %.6g %s\n", sel[i]->name, best[i], sel[i]->unit);
		ok++;
	}
	printf("ward-bench: done (%d ok, %d failed)\n", ok, bad);
	return bad ? 1 : 0;
}
