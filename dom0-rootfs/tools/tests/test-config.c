// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/config.c: parsing of xl.cfg-style files, disk and vif specs, and
 * validation against a fake machine. Every error message is checked, so a
 * message that loses its file:line or its reason fails a test.
 */
// sources: ctl/config.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <ward/ctl.h>
#include "ctl/config.h"

static struct dom_config cfg;
static struct cfg_msgs msgs;

/* ---- fake machine for config_validate() ---- */

static int fake_path_ok(const char *path)
{
	if (!strncmp(path, "/missing", 8))
		return ENOENT;
	if (!strncmp(path, "/secret", 7))
		return EACCES;
	return 0;
}

static bool fake_name_in_use(const char *name, void *arg)
{
	(void)arg;
	return !strcmp(name, "taken");
}

static const struct cfg_env env = {
	.free_kb = 1024 * 1024,		/* 1 GiB free */
	.path_ok = fake_path_ok,
	.name_in_use = fake_name_in_use,
};

static int parse(const char *text)
{
	return config_parse(text, "g.cfg", &cfg, &msgs);
}

/* Parse must fail with exactly @expected as its message. */
static void parse_fails(const char *text, const char *expected)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(msgs.error, expected);
}

static int validate(const char *text)
{
	if (parse(text))
		fail_msg("parse: %s", msgs.error);
	return config_validate(&cfg, "g.cfg", &env, &msgs);
}

static void validate_fails(const char *text, const char *expected)
{
	if (validate(text) != -1)
		fail_msg("validation passed, expected: %s", expected);
	assert_string_equal(msgs.error, expected);
}

#define GOOD "name = \"web\"\nkernel = \"/boot/vmlinuz\"\n"

/* ---- parsing ---- */

static void test_full_file(void **state)
{
	const char *text =
		"# a web server\n"
		"name = \"web\"   # trailing comment\n"
		"type = 'pv'\n"
		"memory = 256\n"
		"maxmem = 256\n"
		"vcpus = 2\n"
		"kernel = '/boot/vmlinuz'\n"
		"ramdisk = \"/boot/initrd.img\"\n"
		"root = '/dev/xvda ro'\n"
		"extra = \"console=hvc0\"\n"
		"disk = [ 'file:/img/web.img,xvda,w',\n"
		"         'format=raw, vdev=xvdb, access=ro, target=/img/data,1.img' ]\n"
		"vif = [ 'mac=00:16:3e:0a:0b:0c,bridge=br1', '' ]\n"
		"on_poweroff = 'destroy'; on_reboot = \"preserve\"\n"
		"on_crash = 'restart'\n";
	char cmdline[CFG_STR_MAX];

	assert_int_equal(parse(text), 0);
	assert_string_equal(msgs.error, "");
	assert_int_equal(msgs.nr_warnings, 0);
	assert_string_equal(cfg.name, "web");
	assert_int_equal(cfg.memory_mb, 256);
	assert_int_equal(cfg.vcpus, 2);
	assert_string_equal(cfg.kernel, "/boot/vmlinuz");
	assert_string_equal(cfg.ramdisk, "/boot/initrd.img");
	assert_int_equal(cfg.nr_disks, 2);
	assert_string_equal(cfg.disks[0].target, "/img/web.img");
	assert_string_equal(cfg.disks[0].vdev, "xvda");
	assert_int_equal(cfg.disks[0].virtual_device, 51712);
	assert_true(cfg.disks[0].writable);
	assert_string_equal(cfg.disks[1].target, "/img/data,1.img");
	assert_int_equal(cfg.disks[1].virtual_device, 51728);
	assert_false(cfg.disks[1].writable);
	assert_int_equal(cfg.disks[1].line, 11);
	assert_int_equal(cfg.nr_vifs, 2);
	assert_true(cfg.vifs[0].mac_set);
	assert_memory_equal(cfg.vifs[0].mac, ((uint8_t[]){ 0, 0x16, 0x3e, 0xa, 0xb, 0xc }), 6);
	assert_string_equal(cfg.vifs[0].bridge, "br1");
	assert_false(cfg.vifs[1].mac_set);
	assert_string_equal(cfg.vifs[1].bridge, "xenbr0");
	assert_string_equal(cfg.vifs[1].script, "vif-bridge");
	assert_int_equal(cfg.on_poweroff, CFG_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, CFG_ACTION_PRESERVE);
	assert_int_equal(cfg.on_crash, CFG_ACTION_RESTART);
	assert_int_equal(cfg.line[CFG_KEY_VCPUS], 6);
	config_cmdline(&cfg, cmdline, sizeof(cmdline));
	assert_string_equal(cmdline, "root=/dev/xvda ro console=hvc0");
	assert_int_equal(config_validate(&cfg, "g.cfg", &env, &msgs), 0);
}

static void test_defaults(void **state)
{
	char cmdline[CFG_STR_MAX];

	assert_int_equal(parse(GOOD), 0);
	assert_int_equal(cfg.memory_mb, 128);
	assert_int_equal(cfg.vcpus, 1);
	assert_string_equal(cfg.ramdisk, "");
	assert_int_equal(cfg.nr_disks, 0);
	assert_int_equal(cfg.on_poweroff, CFG_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, CFG_ACTION_RESTART);
	assert_int_equal(cfg.on_crash, CFG_ACTION_DESTROY);
	config_cmdline(&cfg, cmdline, sizeof(cmdline));
	assert_string_equal(cmdline, "");
	/* No trailing newline, hex numbers, empty file. */
	assert_int_equal(parse("memory = 0x100"), 0);
	assert_int_equal(cfg.memory_mb, 256);
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("# only a comment"), 0);
}

static void test_cmdline_forms(void **state)
{
	char buf[CFG_STR_MAX];

	assert_int_equal(parse("cmdline = 'a b'\nroot='/dev/xvda'\nextra='x'"), 0);
	config_cmdline(&cfg, buf, sizeof(buf));
	assert_string_equal(buf, "a b");
	assert_int_equal(parse("root='/dev/xvda'"), 0);
	config_cmdline(&cfg, buf, sizeof(buf));
	assert_string_equal(buf, "root=/dev/xvda");
	assert_int_equal(parse("extra='console=hvc0'"), 0);
	config_cmdline(&cfg, buf, sizeof(buf));
	assert_string_equal(buf, "console=hvc0");
}

static void test_escapes(void **state)
{
	assert_int_equal(parse("extra = \"a \\\"q\\\" b\\\\\""), 0);
	assert_string_equal(cfg.extra, "a \"q\" b\\");
	assert_int_equal(parse("extra = 'it''s'"), -1);
}

static void test_unknown_key_warns(void **state)
{
	assert_int_equal(parse(GOOD "vnc = 1\nmaxmem = 512\n"), 0);
	assert_int_equal(msgs.nr_warnings, 1);
	assert_string_equal(msgs.warnings[0], "g.cfg:3: unknown key 'vnc' ignored");
	/* maxmem is a key of its own now: how far the domain may balloon. */
	assert_int_equal(cfg.maxmem_mb, 512);
	assert_int_equal(config_maxmem_mb(&cfg), 512);
}

static void test_syntax_errors(void **state)
{
	parse_fails("name = \"web", "g.cfg:1: unterminated string");
	parse_fails("\n\nname = 'a\nb'", "g.cfg:3: unterminated string");
	parse_fails("name \"web\"", "g.cfg:1: expected '=' after name");
	parse_fails("= 3", "g.cfg:1: expected KEY = VALUE");
	parse_fails("memory = ", "g.cfg:1: expected a number, a quoted string or a [ list ]");
	parse_fails("memory = 12abc", "g.cfg:1: bad number");
	parse_fails("memory = 99999999999999999999999", "g.cfg:1: bad number");
	parse_fails("name = 'a' 'b'", "g.cfg:1: junk after the value of name");
	parse_fails("name = @", "g.cfg:1: unexpected character '@'");
	parse_fails("disk = [ 'a' 'b' ]", "g.cfg:1: expected ',' or ']' in list");
	parse_fails("disk = [ 3 ]", "g.cfg:1: list items must be quoted strings");
	parse_fails("disk = [ 'file:/a,xvda,w',\n", "g.cfg:2: list items must be quoted strings");
	parse_fails("vif = ['','','','','','','','','','','','','','','','','']",
		    "g.cfg:1: list has more than 16 items");
	parse_fails("name = 'a'\nname = 'b'", "g.cfg:2: name is set twice (first on line 1)");
}

static void test_type_errors(void **state)
{
	parse_fails("memory = '128'", "g.cfg:1: memory must be a number");
	parse_fails("name = 5", "g.cfg:1: name must be a quoted string");
	parse_fails("disk = 'file:/a,xvda,w'", "g.cfg:1: disk must be a [ list ]");
	parse_fails("vif = 'mac=00:16:3e:00:00:01'", "g.cfg:1: vif must be a [ list ]");
	parse_fails("kernel = [ ]", "g.cfg:1: kernel must be a quoted string");
	parse_fails("vcpus = 0", "g.cfg:1: vcpus = 0: must be 1..8");
	parse_fails("vcpus = 9", "g.cfg:1: vcpus = 9: must be 1..8");
	parse_fails("type = 'hvm'", "g.cfg:1: type = \"hvm\": only \"pv\" guests are supported");
	parse_fails("on_crash = 'reboot'",
		    "g.cfg:1: on_crash = \"reboot\": expected destroy, restart or preserve");
	parse_fails("on_reboot = 1", "g.cfg:1: on_reboot must be a quoted string");
	parse_fails("disk = ['a','b','c','d','e','f','g','h','i']", "g.cfg:1: more than 8 disks");
	parse_fails("vif = ['','','','','','','','','']", "g.cfg:1: more than 8 vifs");
}

static void test_too_long(void **state)
{
	char text[CFG_STR_MAX + 64];

	snprintf(text, sizeof(text), "name = '%0*d'", CFG_NAME_MAX, 0);
	parse_fails(text, "g.cfg:1: name is longer than 63 characters");
	snprintf(text, sizeof(text), "kernel = '/%0*d'", CFG_PATH_MAX, 0);
	parse_fails(text, "g.cfg:1: kernel is longer than 255 characters");
	snprintf(text, sizeof(text), "extra = '%0*d'", CFG_STR_MAX, 0);
	parse_fails(text, "g.cfg:1: string too long");
}

/* ---- disk specs ---- */

static void disk_ok(const char *spec, const char *target, const char *vdev,
		    bool writable)
{
	struct cfg_disk d;
	char err[200] = "";

	assert_int_equal(config_parse_disk(spec, &d, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(d.target, target);
	assert_string_equal(d.vdev, vdev);
	assert_int_equal(d.writable, writable);
}

static void disk_bad(const char *spec, const char *expected)
{
	struct cfg_disk d;
	char err[200] = "";

	assert_int_equal(config_parse_disk(spec, &d, err, sizeof(err)), -1);
	assert_string_equal(err, expected);
}

static void test_disk_forms(void **state)
{
	disk_ok("file:/img/a.img,xvda,w", "/img/a.img", "xvda", true);
	disk_ok("phy:/dev/sdb,xvdb,r", "/dev/sdb", "xvdb", false);
	disk_ok("tap:aio:/x,xvdc,rw", "/x", "xvdc", true);
	disk_ok("/img/a.img,raw,xvda,ro", "/img/a.img", "xvda", false);
	disk_ok("/img/a.img,,xvda", "/img/a.img", "xvda", true);
	disk_ok("vdev=xvda, access=rw, format=raw, target=/a b,c", "/a b,c", "xvda", true);
	disk_ok(" vdev=xvdz, target = /img/x,y ", "/img/x,y", "xvdz", true);
}

/* 'w!' is read-write with the disk-in-use check skipped; only it forces. */
static void test_disk_force(void **state)
{
	static const struct { const char *spec; bool writable, force; } rows[] = {
		{ "file:/a,xvda,w!", true, true },
		{ "/a,raw,xvda,rw!", true, true },
		{ "vdev=xvda, access=w!, target=/a", true, true },
		{ "file:/a,xvda,w", true, false },
		{ "file:/a,xvda,r", false, false },
		{ "/a,,xvda", true, false },
		{ "/a,,xvda,devtype=cdrom,access=w!", false, false },
	};
	struct cfg_disk d;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(config_parse_disk(rows[i].spec, &d, err, sizeof(err)), 0);
		assert_int_equal(d.writable, rows[i].writable);
		assert_int_equal(d.force, rows[i].force);
	}
	disk_bad("file:/a,xvda,r!", "access 'r!': expected r, ro, w, rw or w! (read-write, shared by force)");
}

static void test_disk_cdrom(void **state)
{
	struct cfg_disk d;
	char err[200];

	assert_int_equal(config_parse_disk("/iso,,xvdc,devtype=cdrom", &d, err,
					   sizeof(err)), 0);
	assert_true(d.cdrom);
	assert_false(d.writable);
}

static void test_disk_errors(void **state)
{
	disk_bad("file:/a,hda,w", "vdev 'hda' is not an xvd name (xvda, xvdb, ...)");
	disk_bad("file:/a,xvda,q", "access 'q': expected r, ro, w, rw or w! (read-write, shared by force)");
	disk_bad("target=/a, vdev=xvda", "no vdev (e.g. xvda)");
	disk_bad("/a,raw,hda,w", "vdev 'hda' is not an xvd name (xvda, xvdb, ...)");
	disk_bad("/a,raw,xvda,x", "access 'x': expected r, ro, w, rw or w! (read-write, shared by force)");
	disk_bad("/a,qcow2,xvda,w", "format 'qcow2': only raw images are supported");
	disk_bad("/a,raw,xvda,w,extra", "too many positional parameters");
	disk_bad("vdev=xvda", "no target (image file or device)");
	disk_bad("/a", "no vdev (e.g. xvda)");
	disk_bad("/a,,xvda,w,bogus=1", "unknown parameter 'bogus'");
	disk_bad("/a,,xvda,devtype=floppy", "devtype 'floppy': expected disk or cdrom");
	disk_bad("/a,,xvda,backendtype=qdisk", "backendtype 'qdisk': only phy (blkback) is supported");
}

static void test_disk_error_in_file(void **state)
{
	parse_fails("\ndisk = [ 'file:/a,xvda,q' ]",
		    "g.cfg:2: disk 'file:/a,xvda,q': access 'q': expected r, ro, w, rw or w! (read-write, shared by force)");
	parse_fails("disk = [ '/a,raw,sda,w' ]",
		    "g.cfg:1: disk '/a,raw,sda,w': vdev 'sda' is not an xvd name (xvda, xvdb, ...)");
}

static void test_vdev_numbers(void **state)
{
	assert_int_equal(config_vdev_number("xvda"), 202 << 8);
	assert_int_equal(config_vdev_number("xvdb"), (202 << 8) | 16);
	assert_int_equal(config_vdev_number("xvda1"), (202 << 8) | 1);
	assert_int_equal(config_vdev_number("xvdp15"), (202 << 8) | 255);
	assert_int_equal(config_vdev_number("xvdq"), (1u << 28) | (16 << 8));
	assert_int_equal(config_vdev_number("xvdaa"), (1u << 28) | (26 << 8));
	assert_int_equal(config_vdev_number("xvda16"), (1u << 28) | 16);
	assert_int_equal(config_vdev_number("xvd"), 0);
	assert_int_equal(config_vdev_number("xvda0"), 0);
	assert_int_equal(config_vdev_number("xvdaaa"), 0);
	assert_int_equal(config_vdev_number("xvdA"), 0);
	assert_int_equal(config_vdev_number("xvda1x"), 0);
	assert_int_equal(config_vdev_number("sda"), 0);
	assert_int_equal(config_vdev_number("xvdq256"), 0);
}

/* ---- vif specs ---- */

static void vif_bad(const char *spec, const char *expected)
{
	struct cfg_vif v;
	char err[200] = "";

	assert_int_equal(config_parse_vif(spec, &v, err, sizeof(err)), -1);
	assert_string_equal(err, expected);
}

static void test_vif(void **state)
{
	struct cfg_vif v;
	char err[200];

	assert_int_equal(config_parse_vif(" mac = 00:16:3E:FF:00:01 , bridge=br0,script=/etc/x,type=vif,ip=10.0.0.2,model=e1000",
					  &v, err, sizeof(err)), 0);
	assert_memory_equal(v.mac, ((uint8_t[]){ 0, 0x16, 0x3e, 0xff, 0, 1 }), 6);
	assert_string_equal(v.bridge, "br0");
	assert_string_equal(v.script, "/etc/x");
}

static void test_vif_errors(void **state)
{
	vif_bad("mac=00:16:3e:00:00", "mac '00:16:3e:00:00': expected six hex pairs like 00:16:3e:01:02:03");
	vif_bad("mac=00:16:3e:00:00:0g", "mac '00:16:3e:00:00:0g': expected six hex pairs like 00:16:3e:01:02:03");
	vif_bad("mac=00:16:3e:00:00:01:02", "mac '00:16:3e:00:00:01:02': expected six hex pairs like 00:16:3e:01:02:03");
	vif_bad("mac=01:16:3e:00:00:01", "mac '01:16:3e:00:00:01' is a multicast address");
	vif_bad("bridge=a-very-long-bridge-name", "bridge 'a-very-long-bridge-name' is not an interface name");
	vif_bad("bridge=", "bridge '' is not an interface name");
	vif_bad("script=", "script must be 1..255 characters");
	vif_bad("type=ioemu", "type 'ioemu': only vif (netback) is supported");
	vif_bad("rate=10Mb/s", "unknown parameter 'rate'");
	vif_bad("xenbr0", "'xenbr0' is not KEY=VALUE");
	parse_fails("vif = [ 'bridge=' ]", "g.cfg:1: vif 'bridge=': bridge '' is not an interface name");
}

/* ---- validation ---- */

static void test_validate_ok(void **state)
{
	assert_int_equal(validate(GOOD "memory = 16"), 0);
	assert_int_equal(validate(GOOD "memory = 1024"), 0);
	/* Only memory must be free: the rest comes when it balloons up. */
	assert_int_equal(validate(GOOD "memory = 64\nmaxmem = 4096"), 0);
	assert_int_equal(config_maxmem_mb(&cfg), 4096);
	assert_int_equal(validate(GOOD "memory = 64\nmaxmem = 64"), 0);
}

static void test_validate_errors(void **state)
{
	char text[2200];

	validate_fails("kernel = '/k'", "g.cfg: no name = \"...\" given");
	validate_fails("name = 'x'", "g.cfg: no kernel = \"...\" given");
	validate_fails("name = '123'\nkernel='/k'",
		"g.cfg:1: name \"123\": use letters, digits, '-', '_' and '.', not only digits");
	validate_fails("name = 'a b'\nkernel='/k'",
		"g.cfg:1: name \"a b\": use letters, digits, '-', '_' and '.', not only digits");
	validate_fails("name = 'taken'\nkernel='/k'",
		"g.cfg:1: a domain called \"taken\" already exists");
	validate_fails(GOOD "memory = 15",
		"g.cfg:3: memory = 15 MiB is below the minimum of 16 MiB");
	validate_fails(GOOD "maxmem = 64\nmemory = 128",
		       "g.cfg:3: maxmem = 64 MiB is below memory = 128 MiB; make it at least memory (or leave it out)");
	validate_fails(GOOD "memory = 1025",
		"g.cfg:3: memory = 1025 MiB is more than the 1024 MiB free");
	validate_fails("name='x'\nkernel = '/missing/vmlinuz'",
		"g.cfg:2: kernel \"/missing/vmlinuz\": No such file or directory");
	validate_fails(GOOD "ramdisk = '/secret/initrd'",
		"g.cfg:3: ramdisk \"/secret/initrd\": Permission denied");
	validate_fails(GOOD "disk = [ 'file:/missing.img,xvda,w' ]",
		"g.cfg:3: disk \"/missing.img\": No such file or directory");
	validate_fails(GOOD "disk = [ '/a,,xvda', '/b,,xvda' ]",
		"g.cfg:3: vdev xvda is used by two disks");
	validate_fails(GOOD "vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3e:00:00:01' ]",
		"g.cfg:3: two vifs have the same mac");
	snprintf(text, sizeof(text), GOOD "extra = '%0*d'\nroot = '/dev/xvda'",
		 1010, 0);
	validate_fails(text, "g.cfg: the kernel command line is longer than 1023 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_cmdline_forms),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_unknown_key_warns),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_disk_forms),
		cmocka_unit_test(test_disk_force),
		cmocka_unit_test(test_disk_cdrom),
		cmocka_unit_test(test_disk_errors),
		cmocka_unit_test(test_disk_error_in_file),
		cmocka_unit_test(test_vdev_numbers),
		cmocka_unit_test(test_vif),
		cmocka_unit_test(test_vif_errors),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_errors),
	};

	return cmocka_run_group_tests_name("tools config", tests, NULL, NULL);
}
