// SPDX-License-Identifier: GPL-2.0-only
/* Running BusyBox applets (losetup, brctl, ip) and collecting their output. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "wardctl.h"

int run(char *const argv[], char *out, size_t outlen)
{
	int pipefd[2] = { -1, -1 };
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int status;

	if (out && pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		sig_child_reset();	/* the daemon must take SIGTERM */
		if (out) {
			dup2(pipefd[1], STDOUT_FILENO);
			close(pipefd[0]);
			close(pipefd[1]);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(pipefd[1]);
		while (got + 1 < outlen &&
		       (n = read(pipefd[0], out + got, outlen - 1 - got)) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			got += n;
		}
		out[got] = '\0';
		while (got && (out[got - 1] == '\n' || out[got - 1] == '\r'))
			out[--got] = '\0';
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}
