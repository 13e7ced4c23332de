// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ctrl-C and friends during create and destroy. Those verbs must never
 * stop half-way (a paused domain, a loop device or xenstore nodes left
 * behind), so they hold SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked: a
 * signal stays pending until the verb reaches one of its checkpoints,
 * where create undoes what it did and destroy carries on to the end.
 * sig_finish() then unblocks, and the pending signal ends the process
 * with its usual status (130 for SIGINT).
 *
 * A signal the shell had ignored when wardctl started (a background job
 * of a script) stays ignored, as programs usually leave it.
 *
 * Test hooks, so that a test can hit every step (docs/toolstack.md lists
 * them): WARDCTL_TEST_STOP=STEP makes wardctl send itself SIGINT when it
 * reaches checkpoint STEP, exactly as a Ctrl-C typed at that moment would;
 * WARDCTL_TEST_KILL=STEP sends SIGKILL instead, which nothing can hold,
 * to leave the state that "wardctl cleanup" and "destroy NAME" remove.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wardctl.h"

#define TEST_STOP_ENV	"WARDCTL_TEST_STOP"
#define TEST_KILL_ENV	"WARDCTL_TEST_KILL"

static const int deferred[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* The set sig_defer() blocked and the mask before it; main's thread only. */
static sigset_t held, saved;
static bool holding;

void sig_defer(void)
{
	struct sigaction sa;
	size_t i;

	sigemptyset(&held);
	for (i = 0; i < sizeof(deferred) / sizeof(deferred[0]); i++) {
		if (sigaction(deferred[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			continue;
		sigaddset(&held, deferred[i]);
	}
	sigprocmask(SIG_BLOCK, &held, &saved);
	holding = true;
}

int sig_caught(const char *step)
{
	const char *stop = getenv(TEST_STOP_ENV);
	const char *die = getenv(TEST_KILL_ENV);
	sigset_t pend;
	size_t i;

	if (!holding)
		return 0;
	if (die && !strcmp(die, step)) {
		fprintf(stderr, "wardctl: test: SIGKILL at step %s (%s)\n", step,
			TEST_KILL_ENV);
		kill(getpid(), SIGKILL);
	}
	if (stop && !strcmp(stop, step)) {
		fprintf(stderr, "wardctl: test: SIGINT at step %s (%s)\n", step,
			TEST_STOP_ENV);
		kill(getpid(), SIGINT);
	}
	if (sigpending(&pend))
		return 0;
	for (i = 0; i < sizeof(deferred) / sizeof(deferred[0]); i++)
		if (sigismember(&held, deferred[i]) && sigismember(&pend, deferred[i]))
			return deferred[i];
	return 0;
}

void sig_child_reset(void)
{
	/* The hook is for this wardctl, not a daemon's later ones. */
	unsetenv(TEST_STOP_ENV);
	unsetenv(TEST_KILL_ENV);
	if (holding)
		sigprocmask(SIG_SETMASK, &saved, NULL);
}

int sig_finish(int rc)
{
	int sig = sig_caught("");

	if (!holding)
		return rc;
	holding = false;
	/* A pending signal is delivered here and, by default, ends us. */
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return sig ? 128 + sig : rc;
}
