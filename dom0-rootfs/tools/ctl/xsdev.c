// SPDX-License-Identifier: GPL-2.0-only
/*
 * A paravirtual device of a running domain, as its two xenstore dirs
 * (frontend under the domain's home, backend under dom0's): reading their
 * nodes, waiting for either end's state, closing and removing them.
 * Shared by block- and network-attach/-detach.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs.h"
#include "wardctl.h"

#define DEV_WAIT_TRIES		100	/* 10 s for the other end to move */
#define DEV_WAIT_US		100000

int store_read_int(struct xs_handle *xs, const char *dir, const char *node)
{
	char path[XS_PATH_MAX + 32], val[32], *end;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	if (store_read(xs, path, val, sizeof(val)))
		return -1;
	n = strtol(val, &end, 10);
	return (*end || end == val) ? -1 : (int)n;
}

void dev_paths(const char *type, uint32_t domid, uint32_t devid, char *fe,
	       char *be, size_t len)
{
	layout_backend_dir(type, domid, be, len);
	snprintf(be + strlen(be), len - strlen(be), "/%" PRIu32, devid);
	snprintf(fe, len, "/local/domain/%" PRIu32 "/device/%s/%" PRIu32, domid,
		 type, devid);
}

static bool state_is(int state, enum dev_wait want)
{
	if (want == DEV_WAIT_CONNECTED)
		return state == XENBUS_STATE_CONNECTED;
	/* Closed, or gone: its dir was removed under us. */
	return state == XENBUS_STATE_CLOSED || state < 0;
}

int dev_wait_state(struct xs_handle *xs, const char *dir, enum dev_wait want)
{
	unsigned int try;
	int st = store_read_int(xs, dir, "state");

	/* Bounded: DEV_WAIT_TRIES polls; a held signal ends it early. */
	for (try = 0; try < DEV_WAIT_TRIES && !state_is(st, want); try++) {
		if (sig_caught("dev-wait"))
			break;
		usleep(DEV_WAIT_US);
		st = store_read_int(xs, dir, "state");
	}
	return st;
}

bool dev_state_reached(int state, enum dev_wait want)
{
	return state_is(state, want);
}

int dev_wait_secs(void)
{
	return DEV_WAIT_TRIES * (DEV_WAIT_US / 1000) / 1000;
}

void dev_ask_close(struct xs_handle *xs, const char *be)
{
	char path[XS_PATH_MAX + 16], val[4];

	/* online 0: the backend unregisters, rather than waits, once closed. */
	snprintf(path, sizeof(path), "%s/online", be);
	xs_write_str(xs, XS_NO_TX, path, "0");
	snprintf(path, sizeof(path), "%s/state", be);
	snprintf(val, sizeof(val), "%d", XENBUS_STATE_CLOSING);
	xs_write_str(xs, XS_NO_TX, path, val);
}

void dev_remove(struct xs_handle *xs, const char *fe, const char *be)
{
	/* Backend first: its removal makes the backend driver let go. */
	xs_rm(xs, XS_NO_TX, be);
	xs_rm(xs, XS_NO_TX, fe);
}
