// SPDX-License-Identifier: GPL-2.0-only
/*
 * cr3-ops OP N [EXIT_HELPER]: do one operation exactly N times and exit,
 * for scripts/count-cr3.sh, which counts the CR3 writes of a run with N
 * and of one with 0 and divides the difference by N (docs/bench.md,
 * "Where the time goes"). No timing, no output: the runs with 0 and with
 * N must differ in nothing but the N operations. The operations are those
 * of the suite's rows of the same names (micro-sys.c, micro-proc.c,
 * micro-mem.c).
 *   getppid     the null syscall
 *   page_fault  a first write to a fresh anonymous page (N pages mapped at
 *               once, touched, unmapped: the map and unmap are shared by N)
 *   fork_exit   fork, the child _exits, the parent waits
 *   fork_exec   fork, the child execs EXIT_HELPER, the parent waits
 *   mmap_1m_touch  mmap 1 MiB, write every page, munmap
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MMAP_BYTES	(1ul << 20)
#define PAGE		4096ul

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static char *map_anon(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("cr3-ops: mmap");
	return p;
}

static void touch(char *p, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += PAGE)
		((volatile char *)p)[off] = 1;
}

static void fork_wait(const char *exec_path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("cr3-ops: fork");
	if (pid == 0) {
		if (exec_path) {
			execl(exec_path, exec_path, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("cr3-ops: child");
}

int main(int argc, char **argv)
{
	const char *op = argc > 2 ? argv[1] : "";
	char *end;
	unsigned long n = argc > 2 ? strtoul(argv[2], &end, 10) : 0;

	if (argc < 3 || *end || (!strcmp(op, "fork_exec") && argc < 4)) {
		fprintf(stderr, "usage: cr3-ops getppid|page_fault|fork_exit|mmap_1m_touch N\n"
				"       cr3-ops fork_exec N EXIT_HELPER\n");
		return 2;
	}
	if (!strcmp(op, "getppid")) {
		for (unsigned long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(op, "page_fault")) {
		if (n) {
			char *p = map_anon(n * PAGE);

			touch(p, n * PAGE);
			munmap(p, n * PAGE);
		}
	} else if (!strcmp(op, "fork_exit") || !strcmp(op, "fork_exec")) {
		for (unsigned long i = 0; i < n; i++)
			fork_wait(!strcmp(op, "fork_exec") ? argv[3] : NULL);
	} else if (!strcmp(op, "mmap_1m_touch")) {
		for (unsigned long i = 0; i < n; i++) {
			char *p = map_anon(MMAP_BYTES);

			touch(p, MMAP_BYTES);
			munmap(p, MMAP_BYTES);
		}
	} else {
		fprintf(stderr, "cr3-ops: unknown operation '%s'\n", op);
		return 2;
	}
	return 0;
}
