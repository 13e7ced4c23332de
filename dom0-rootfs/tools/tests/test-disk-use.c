// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/disk-use.c: xl's disk-in-use rules. One table row per case: what a
 * live domain has, what the new config asks for, refused or not; then the
 * messages, which must say what to do.
 */
// sources: ctl/disk-use.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/disk-use.h"

#define IMG	{ .dev = 8, .ino = 100, .rdev = 0x700 }	/* file on loop0 */
#define IMG_NEW	{ .dev = 8, .ino = 100 }		/* same file, no loop yet */
#define OTHER	{ .dev = 8, .ino = 101 }		/* another file */
#define OTHER_FS { .dev = 9, .ino = 100 }		/* same inode, other fs */
#define LOOP0	{ .rdev = 0x700 }			/* /dev/loop0 given as is */
#define SDB	{ .rdev = 0x810 }			/* a block device */

static const struct {
	const char *what;
	struct disk_id have;
	bool have_w;
	struct disk_id want;
	bool want_w, force;
	bool refused;
} rows[] = {
	{ "w beside w", IMG, true, IMG_NEW, true, false, true },
	{ "r beside w", IMG, true, IMG_NEW, false, false, true },
	{ "w beside r", IMG, false, IMG_NEW, true, false, true },
	{ "r beside r", IMG, false, IMG_NEW, false, false, false },
	{ "w! beside w", IMG, true, IMG_NEW, true, true, false },
	{ "w! beside r", IMG, false, IMG_NEW, true, true, false },
	{ "w beside another file", IMG, true, OTHER, true, false, false },
	{ "same inode on another fs", IMG, true, OTHER_FS, true, false, false },
	{ "its loop device by path", IMG, true, LOOP0, true, false, true },
	{ "r of its loop beside r", IMG, false, LOOP0, false, false, false },
	{ "block device beside w", SDB, true, SDB, false, false, true },
	{ "block device beside r", SDB, false, SDB, false, false, false },
	{ "another block device", SDB, true, LOOP0, true, false, false },
};

static void test_rules(void **state)
{
	struct disk_use use = { .domid = 1, .name = "guest1", .vdev = "xvda" };
	struct cfg_disk want = { .target = "/img" };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		use.id = rows[i].have;
		use.writable = rows[i].have_w;
		want.writable = rows[i].want_w;
		want.force = rows[i].force;
		int got = disk_conflict(&use, 1, &rows[i].want, &want);

		if ((got == 0) != rows[i].refused)
			fail_msg("%s: refused %d, want %d", rows[i].what, got == 0,
				 rows[i].refused);
	}
}

/* Unknown ids (0) never match, and the first conflicting use is named. */
static void test_several(void **state)
{
	const struct disk_use uses[] = {
		{ .id = OTHER, .domid = 1, .writable = true },
		{ .id = IMG, .domid = 2, .writable = false },
		{ .id = IMG, .domid = 3, .writable = true },
	};
	const struct disk_id none = { 0 };
	struct cfg_disk want = { .target = "/img", .writable = false };

	assert_int_equal(disk_conflict(uses, 3, &(struct disk_id)IMG_NEW, &want), 2);
	want.writable = true;
	assert_int_equal(disk_conflict(uses, 3, &(struct disk_id)IMG_NEW, &want), 1);
	assert_int_equal(disk_conflict(uses, 3, &none, &want), -1);
	assert_int_equal(disk_conflict(uses, 0, &(struct disk_id)IMG_NEW, &want), -1);
	assert_false(disk_same(&none, &none));
}

static void test_messages(void **state)
{
	struct disk_use use = { .domid = 1, .name = "guest1", .vdev = "xvda",
				.writable = true };
	struct cfg_disk want = { .target = "/var/lib/ward/guest1.img",
				 .writable = true };
	char buf[512];

	disk_conflict_msg(&use, &want, buf, sizeof(buf));
	assert_string_equal(buf, "disk /var/lib/ward/guest1.img: domain guest1 (id 1) has it read-write as xvda; shut that domain down first, or give access 'w!' to share it anyway (two writers corrupt a normal filesystem)");
	want.writable = false;
	disk_conflict_msg(&use, &want, buf, sizeof(buf));
	assert_string_equal(buf, "disk /var/lib/ward/guest1.img: domain guest1 (id 1) has it read-write as xvda; a read-only disk shares only with read-only users: shut that domain down first");
	want.writable = true;
	use.writable = false;
	use.name[0] = '\0';
	use.vdev[0] = '\0';
	disk_conflict_msg(&use, &want, buf, sizeof(buf));
	assert_string_equal(buf, "disk /var/lib/ward/guest1.img: domain 1 has it read-only; make this one read-only too ('r'), shut that domain down first, or give access 'w!' to share it anyway");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests_name("tools disk-use", tests, NULL, NULL);
}
