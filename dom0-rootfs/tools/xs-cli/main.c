// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore: talk to xenstored over its Unix socket (lib/xs).
 *
 *   xenstore read PATH...            print each value
 *   xenstore write PATH VALUE...     set PATH to VALUE (pairs)
 *   xenstore rm PATH...              remove subtrees
 *   xenstore mkdir PATH...
 *   xenstore ls [PATH]               the tree below PATH, with values
 *   xenstore list PATH               children names, one per line
 *   xenstore exists PATH             exit 0 if PATH exists
 *   xenstore chmod PATH PERM...      set permissions ("n0", "r5", ...)
 *   xenstore watch [-n N] PATH       print "path token" per event; with
 *                                    -n, exit after N events
 *
 * Invoked as xenstore-<cmd>, the command comes from argv[0].
 * Errors: one line on stderr, exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static const char *prog = "xenstore";

static int fail(const char *what, const char *path, int rc)
{
	fprintf(stderr, "%s: %s %s: %s\n", prog, what, path ? path : "",
		strerror(-rc));
	return 1;
}

static int cmd_read(struct xs_handle *h, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *val;
		size_t len;
		int rc = xs_read(h, XS_NO_TX, argv[i], &val, &len);

		if (rc)
			return fail("read", argv[i], rc);
		fwrite(val, 1, len, stdout);
		putchar('\n');
		free(val);
	}
	return 0;
}

static int cmd_write(struct xs_handle *h, int argc, char **argv)
{
	int i;

	if (argc % 2)
		return fail("write", "needs PATH VALUE pairs", -EINVAL);
	for (i = 0; i < argc; i += 2) {
		int rc = xs_write_str(h, XS_NO_TX, argv[i], argv[i + 1]);

		if (rc)
			return fail("write", argv[i], rc);
	}
	return 0;
}

static int cmd_rm(struct xs_handle *h, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		int rc = xs_rm(h, XS_NO_TX, argv[i]);

		if (rc)
			return fail("rm", argv[i], rc);
	}
	return 0;
}

static int cmd_mkdir(struct xs_handle *h, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		int rc = xs_mkdir(h, XS_NO_TX, argv[i]);

		if (rc)
			return fail("mkdir", argv[i], rc);
	}
	return 0;
}

static int cmd_exists(struct xs_handle *h, int argc, char **argv)
{
	char *val;
	int rc;

	if (argc != 1)
		return fail("exists", "needs one PATH", -EINVAL);
	rc = xs_read(h, XS_NO_TX, argv[0], &val, NULL);
	if (rc == -ENOENT)
		return 1;
	if (rc)
		return fail("exists", argv[0], rc);
	free(val);
	return 0;
}

static int cmd_list(struct xs_handle *h, int argc, char **argv)
{
	char **names;
	unsigned int n, i;
	int rc;

	if (argc != 1)
		return fail("list", "needs one PATH", -EINVAL);
	rc = xs_directory(h, XS_NO_TX, argv[0], &names, &n);
	if (rc)
		return fail("list", argv[0], rc);
	for (i = 0; i < n; i++)
		puts(names[i]);
	free(names);
	return 0;
}

/* Print @path's subtree: one "name = "value"" line per node, indented. */
static int ls_tree(struct xs_handle *h, const char *path, int depth)
{
	char **names;
	unsigned int n, i;
	int rc = xs_directory(h, XS_NO_TX, path, &names, &n);

	if (rc)
		return fail("ls", path, rc);
	for (i = 0; i < n; i++) {
		char child[4096], *val = NULL;
		size_t len = 0;

		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(path, "/") ? path : "", names[i]);
		rc = xs_read(h, XS_NO_TX, child, &val, &len);
		printf("%*s%s = \"%.*s\"\n", depth, "", names[i],
		       rc ? 0 : (int)len, rc ? "" : val);
		free(val);
		if (ls_tree(h, child, depth + 1)) {
			free(names);
			return 1;
		}
	}
	free(names);
	return 0;
}

static int cmd_ls(struct xs_handle *h, int argc, char **argv)
{
	return ls_tree(h, argc ? argv[0] : "/", 0);
}

static int cmd_chmod(struct xs_handle *h, int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return fail("chmod", "needs PATH PERM...", -EINVAL);
	rc = xs_set_perms(h, XS_NO_TX, argv[0], (const char *const *)argv + 1,
			  argc - 1);
	return rc ? fail("chmod", argv[0], rc) : 0;
}

static int cmd_watch(struct xs_handle *h, int argc, char **argv)
{
	long count = -1;
	int rc;

	if (argc == 3 && !strcmp(argv[0], "-n")) {
		count = atol(argv[1]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 1)
		return fail("watch", "needs [-n N] PATH", -EINVAL);
	rc = xs_watch(h, argv[0], "xenstore-watch");
	if (rc)
		return fail("watch", argv[0], rc);
	while (count != 0) {
		char *path, *token;

		rc = xs_read_watch(h, &path, &token, 0);
		if (rc)
			return fail("watch", argv[0], rc);
		printf("%s %s\n", path, token);
		fflush(stdout);
		free(path);
		free(token);
		if (count > 0)
			count--;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct xs_handle *h, int argc, char **argv);
	int min_args;
} cmds[] = {
	{ "read", cmd_read, 1 },
	{ "write", cmd_write, 2 },
	{ "rm", cmd_rm, 1 },
	{ "mkdir", cmd_mkdir, 1 },
	{ "ls", cmd_ls, 0 },
	{ "list", cmd_list, 1 },
	{ "exists", cmd_exists, 1 },
	{ "chmod", cmd_chmod, 2 },
	{ "watch", cmd_watch, 1 },
};

static int usage(void)
{
	fprintf(stderr, "usage: xenstore read|write|rm|mkdir|ls|list|exists|"
			"chmod|watch ARGS...\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const char *cmd = NULL;
	struct xs_handle *h;
	size_t i;
	int rc;

	base = base ? base + 1 : argv[0];
	if (!strncmp(base, "xenstore-", 9)) {
		cmd = base + 9;
		argv++;
		argc--;
	} else if (argc >= 2) {
		cmd = argv[1];
		argv += 2;
		argc -= 2;
	}
	if (!cmd)
		return usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]) || argc < cmds[i].min_args)
		return usage();
	prog = base;

	h = xs_open(NULL);
	if (!h) {
		fprintf(stderr, "%s: cannot connect to xenstored: %s\n", prog,
			strerror(errno));
		return 1;
	}
	rc = cmds[i].fn(h, argc, argv);
	xs_close(h);
	return rc;
}
