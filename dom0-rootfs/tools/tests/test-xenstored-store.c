// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored/store.c: paths, the tree, Xen's permission strings and rules,
 * node quotas and deep copies.
 */
// sources: xenstored/store.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "xenstored/store.h"

static const struct caller dom0 = { 0, true };
static const struct caller dom5 = { 5, false };
static const struct caller dom6 = { 6, false };

static int setup(void **state)
{
	static struct store s;

	assert_int_equal(store_init(&s), 0);
	*state = &s;
	return 0;
}

static int teardown(void **state)
{
	store_destroy(*state);
	return 0;
}

static void test_path_check(void **state)
{
	static const char *const good[] = {
		"/", "/a", "/local/domain/0", "/A-z_9/@x",
	};
	static const char *const bad[] = {
		"", "a", "/a/", "//", "/a//b", "/a b", "/a.b", "/a\n",
	};
	char longp[3074];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(path_check(good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(path_check(bad[i]), -EINVAL);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[3072] = '\0';
	assert_int_equal(path_check(longp), 0);
	longp[3072] = 'a';
	longp[3073] = '\0';
	assert_int_equal(path_check(longp), -EINVAL);
}

static void test_write_read_creates_ancestors(void **state)
{
	struct store *s = *state;
	const char *val;
	uint32_t len;

	assert_int_equal(store_write(s, &dom0, "/a/b/c", "xyz", 3), 0);
	assert_int_equal(store_read(s, &dom0, "/a/b/c", &val, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(val, "xyz", 3);
	/* Ancestors exist with empty values. */
	assert_int_equal(store_read(s, &dom0, "/a/b", &val, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(store_read(s, &dom0, "/a/x", &val, &len), -ENOENT);
	/* Values are bytes: NULs survive. */
	assert_int_equal(store_write(s, &dom0, "/a/bin", "\0\1\0", 3), 0);
	assert_int_equal(store_read(s, &dom0, "/a/bin", &val, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(val, "\0\1\0", 3);
	assert_int_equal(store_write(s, &dom0, "/big", "", 4097), -E2BIG);
}

static void test_directory(void **state)
{
	struct store *s = *state;
	char buf[64];
	size_t len;

	assert_int_equal(store_write(s, &dom0, "/d/one", "1", 1), 0);
	assert_int_equal(store_write(s, &dom0, "/d/two", "2", 1), 0);
	assert_int_equal(store_directory(s, &dom0, "/d", buf, sizeof(buf),
					 &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "one\0two\0", 8);
	assert_int_equal(store_directory(s, &dom0, "/d/one", buf, sizeof(buf),
					 &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(store_directory(s, &dom0, "/d", buf, 5, &len),
			 -E2BIG);
	assert_int_equal(store_directory(s, &dom0, "/nope", buf, sizeof(buf),
					 &len), -ENOENT);
}

static void test_mkdir_and_rm(void **state)
{
	struct store *s = *state;
	bool created, removed;

	assert_int_equal(store_mkdir(s, &dom0, "/m/n", &created), 0);
	assert_true(created);
	assert_int_equal(store_mkdir(s, &dom0, "/m/n", &created), 0);
	assert_false(created);
	assert_int_equal(store_write(s, &dom0, "/m/n/o/p", "v", 1), 0);
	assert_int_equal(store_rm(s, &dom0, "/m/n", &removed), 0);
	assert_true(removed);
	assert_null(store_lookup(s, "/m/n/o/p"));
	assert_null(store_lookup(s, "/m/n"));
	assert_non_null(store_lookup(s, "/m"));
	/* Missing node, parent present: fine; parent missing: ENOENT. */
	assert_int_equal(store_rm(s, &dom0, "/m/n", &removed), 0);
	assert_false(removed);
	assert_int_equal(store_rm(s, &dom0, "/m/n/o", &removed), -ENOENT);
	assert_int_equal(store_rm(s, &dom0, "/", &removed), -EINVAL);
}

static void test_perm_strings(void **state)
{
	struct xs_perm p;
	char buf[16];

	(void)state;
	assert_int_equal(perm_parse("n0", &p), 0);
	assert_int_equal(p.domid, 0);
	assert_int_equal(p.access, XS_PERM_NONE);
	assert_int_equal(perm_parse("r1", &p), 0);
	assert_int_equal(p.access, XS_PERM_READ);
	assert_int_equal(perm_parse("w65535", &p), 0);
	assert_int_equal(p.access, XS_PERM_WRITE);
	assert_int_equal(p.domid, 65535);
	assert_int_equal(perm_parse("b7", &p), 0);
	assert_int_equal(p.access, XS_PERM_BOTH);
	perm_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "b7");
	assert_int_equal(perm_parse("x0", &p), -EINVAL);
	assert_int_equal(perm_parse("r", &p), -EINVAL);
	assert_int_equal(perm_parse("r-1", &p), -EINVAL);
	assert_int_equal(perm_parse("r1x", &p), -EINVAL);
	assert_int_equal(perm_parse("r65536", &p), -EINVAL);
	assert_int_equal(perm_parse("", &p), -EINVAL);
}

static void test_permissions(void **state)
{
	struct store *s = *state;
	struct xs_perm home[] = { { 0, XS_PERM_NONE }, { 5, XS_PERM_READ } };
	struct xs_perm own5[] = { { 5, XS_PERM_NONE } };
	struct xs_perm give6[] = { { 6, XS_PERM_BOTH } };
	const char *val;
	uint32_t len;
	char buf[64];
	size_t blen;
	bool created, removed;

	assert_int_equal(store_write(s, &dom0, "/h", "v", 1), 0);
	/* n0 inherited from the root: domUs see nothing. */
	assert_int_equal(store_read(s, &dom5, "/h", &val, &len), -EACCES);
	assert_int_equal(store_set_perms(s, &dom0, "/h", home, 2), 0);
	assert_int_equal(store_get_perms(s, &dom0, "/h", buf, sizeof(buf),
					 &blen), 0);
	assert_int_equal(blen, 6);
	assert_memory_equal(buf, "n0\0r5\0", 6);
	assert_int_equal(store_read(s, &dom5, "/h", &val, &len), 0);
	assert_int_equal(store_read(s, &dom6, "/h", &val, &len), -EACCES);
	/* Read is not write; creation needs write on the closest ancestor. */
	assert_int_equal(store_write(s, &dom5, "/h", "x", 1), -EACCES);
	assert_int_equal(store_write(s, &dom5, "/h/c", "x", 1), -EACCES);
	assert_int_equal(store_mkdir(s, &dom5, "/h/c", &created), -EACCES);
	assert_int_equal(store_rm(s, &dom5, "/h", &removed), -EACCES);
	assert_int_equal(store_set_perms(s, &dom5, "/h", own5, 1), -EACCES);

	/* The owner has full access and a creator becomes owner. */
	assert_int_equal(store_mkdir(s, &dom0, "/h/w", &created), 0);
	assert_int_equal(store_set_perms(s, &dom0, "/h/w", own5, 1), 0);
	assert_int_equal(store_write(s, &dom5, "/h/w/x/y", "1", 1), 0);
	assert_int_equal(store_lookup(s, "/h/w/x")->perms[0].domid, 5);
	assert_int_equal(store_lookup(s, "/h/w/x/y")->perms[0].domid, 5);
	assert_int_equal(store_read(s, &dom5, "/h/w/x/y", &val, &len), 0);
	assert_int_equal(store_read(s, &dom6, "/h/w/x/y", &val, &len),
			 -EACCES);
	/* An owner may change its perms but not give the node away. */
	assert_int_equal(store_set_perms(s, &dom5, "/h/w/x", own5, 1), 0);
	assert_int_equal(store_set_perms(s, &dom5, "/h/w/x", give6, 1),
			 -EACCES);
	assert_int_equal(store_set_perms(s, &dom6, "/h/w/x", own5, 1),
			 -EACCES);
	assert_int_equal(store_set_perms(s, &dom0, "/nope", own5, 1), -ENOENT);
	assert_int_equal(store_set_perms(s, &dom0, "/h", own5, 0), -EINVAL);
	/* Privileged callers bypass everything. */
	assert_int_equal(store_rm(s, &dom0, "/h/w/x", &removed), 0);
	assert_true(removed);
}

static void test_node_quota(void **state)
{
	struct store *s = *state;
	struct xs_perm own5[] = { { 5, XS_PERM_NONE } };
	bool created;

	s->quota_nodes = 4;
	assert_int_equal(store_mkdir(s, &dom0, "/q", &created), 0);
	assert_int_equal(store_set_perms(s, &dom0, "/q", own5, 1), 0);
	/* /q counts: 3 more fit. */
	assert_int_equal(store_write(s, &dom5, "/q/a/b", "", 0), 0);
	assert_int_equal(store_write(s, &dom5, "/q/c/d", "", 0), -ENOSPC);
	assert_null(store_lookup(s, "/q/c"));
	assert_int_equal(store_write(s, &dom5, "/q/c", "", 0), 0);
	assert_int_equal(store_write(s, &dom5, "/q/d", "", 0), -ENOSPC);
	/* Rewriting existing nodes costs nothing. */
	assert_int_equal(store_write(s, &dom5, "/q/c", "v", 1), 0);
	assert_int_equal(store_count_owned(s, 5), 4);
	/* dom0 is not limited; its nodes inherit the parent's owner. */
	assert_int_equal(store_write(s, &dom0, "/q/d/e/f", "", 0), 0);
	assert_int_equal(store_count_owned(s, 5), 7);
}

static void test_clone_is_deep(void **state)
{
	struct store *s = *state, copy;
	const char *val;
	uint32_t len;
	uint64_t gen;

	assert_int_equal(store_write(s, &dom0, "/c/x", "old", 3), 0);
	gen = s->gen;
	assert_int_equal(store_clone(&copy, s), 0);
	assert_int_equal(copy.gen, gen);
	assert_int_equal(store_write(&copy, &dom0, "/c/x", "new", 3), 0);
	assert_int_equal(store_write(&copy, &dom0, "/c/y", "", 0), 0);
	assert_int_equal(store_read(s, &dom0, "/c/x", &val, &len), 0);
	assert_memory_equal(val, "old", 3);
	assert_null(store_lookup(s, "/c/y"));
	assert_int_equal(s->gen, gen);
	assert_true(copy.gen > gen);
	store_destroy(&copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_check),
		cmocka_unit_test_setup_teardown(test_write_read_creates_ancestors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_and_rm, setup, teardown),
		cmocka_unit_test(test_perm_strings),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_is_deep, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
