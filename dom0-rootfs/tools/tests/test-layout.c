// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/layout.c: the xenstore nodes create writes. Checks the keys Linux's
 * drivers silently require (vbd dev/mode/hex physical-device, vif script/
 * handle/backend mac), the permissions, the order (frontend before backend)
 * and the error returns.
 */
// sources: ctl/layout.c ctl/config.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/layout.h"

static struct dom_config cfg;
static struct cfg_msgs msgs;
static struct dom_build b;
static struct xs_entry entries[200];
static struct xs_plan plan = { .e = entries, .max = 200 };

static int setup(void **state)
{
	const char *text =
		"name = 'web'\nmemory = 64\nvcpus = 2\nkernel = '/k'\n"
		"disk = [ 'file:/img/web.img,xvda,w', '/iso,,xvdb,r' ]\n"
		"vif = [ 'mac=00:16:3e:01:02:03,bridge=br0', '' ]\n";

	if (config_parse(text, "t.cfg", &cfg, &msgs))
		fail_msg("%s", msgs.error);
	memset(&b, 0, sizeof(b));
	b.domid = 7;
	b.store_mfn = 0x12345;
	b.store_port = 3;
	b.console_mfn = 0x12346;
	b.console_port = 2;
	b.disk_major[0] = 7;
	b.disk_minor[0] = 0;
	snprintf(b.disk_node[0], sizeof(b.disk_node[0]), "/dev/loop0");
	b.disk_major[1] = 259;
	b.disk_minor[1] = 10;
	memcpy(b.vif_mac[0], cfg.vifs[0].mac, 6);
	memcpy(b.vif_mac[1], ((uint8_t[]){ 0, 0x16, 0x3e, 0xaa, 0xbb, 0xcc }), 6);
	snprintf(b.console_log, sizeof(b.console_log), "/var/log/ward/console-web.log");
	snprintf(b.start_time, sizeof(b.start_time), "12.34");
	plan.max = 200;
	return 0;
}

static int find(const char *path)
{
	unsigned int i;

	for (i = 0; i < plan.nr; i++)
		if (!strcmp(entries[i].path, path))
			return (int)i;
	return -1;
}

/* @path must be in the plan with @value and @perms. */
static void has(const char *path, const char *value, const char *perms)
{
	int i = find(path);

	if (i < 0)
		fail_msg("missing %s", path);
	assert_string_equal(entries[i].value, value);
	assert_string_equal(entries[i].perms, perms);
}

static void test_home(void **state)
{
	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	has("/local/domain/7", "", "n0,r7");
	has("/local/domain/7/name", "web", "n0,r7");
	has("/local/domain/7/domid", "7", "n0,r7");
	has("/local/domain/7/start_time", "12.34", "n0,r7");
	has("/local/domain/7/memory/target", "65536", "n0,r7");
	has("/local/domain/7/memory/static-max", "65536", "n0,r7");
	has("/local/domain/7/cpu/0/availability", "online", "n0,r7");
	has("/local/domain/7/cpu/1/availability", "online", "n0,r7");
	assert_int_equal(find("/local/domain/7/cpu/2/availability"), -1);
	has("/local/domain/7/store/ring-ref", "74565", "n0,r7");
	has("/local/domain/7/store/port", "3", "n0,r7");
	has("/local/domain/7/console/ring-ref", "74566", "n0,r7");
	has("/local/domain/7/console/port", "2", "n0,r7");
	has("/local/domain/7/console/output", "/var/log/ward/console-web.log", "n0,r7");
	has("/local/domain/7/control/shutdown", "", "n7");
	has("/local/domain/7/control/feature-poweroff", "", "n7");
	has("/local/domain/7/error", "", "n7");
	has("/local/domain/7/data", "", "n7");
	/* The home comes first: children inherit nothing we did not set. */
	assert_int_equal(find("/local/domain/7"), 0);
}

/* maxmem: the balloon driver's ceiling, while the target is memory. */
static void test_maxmem(void **state)
{
	cfg.maxmem_mb = 96;
	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	has("/local/domain/7/memory/target", "65536", "n0,r7");
	has("/local/domain/7/memory/static-max", "98304", "n0,r7");
}

/* @p's nodes are those of the whole-domain plan from index @at on. */
static void same_nodes(const struct xs_plan *p, int at)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		assert_string_equal(p->e[i].path, entries[at + i].path);
		assert_string_equal(p->e[i].value, entries[at + i].value);
		assert_string_equal(p->e[i].perms, entries[at + i].perms);
	}
}

/* block-attach writes a disk exactly as create does, and nothing else. */
static void test_vbd_alone(void **state)
{
	static struct xs_entry one[40];
	struct xs_plan p1 = { .e = one, .max = 40 };
	unsigned int i, n = 0;
	int at;

	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	assert_int_equal(layout_vbd(&cfg.disks[0], 7, 7, 0, "/dev/loop0", &p1), 0);
	at = find("/local/domain/7/device/vbd/51712");
	assert_true(at > 0);
	same_nodes(&p1, at);
	for (i = 0; i < p1.nr; i++)
		if (!strncmp(one[i].path, "/local/domain/0/backend/vbd/7/51712", 35))
			n++;
	assert_true(n > 10);
	assert_string_equal(one[p1.nr - 1].path, "/local/domain/0/backend/vbd/7/51712/state");
	p1.max = 3;
	assert_int_equal(layout_vbd(&cfg.disks[0], 7, 7, 0, "/dev/loop0", &p1), -ENOSPC);
}

/* network-attach writes a vif exactly as create does. */
static void test_vif_alone(void **state)
{
	static struct xs_entry one[40];
	struct xs_plan p1 = { .e = one, .max = 40 };
	int at;

	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	assert_int_equal(layout_vif(&cfg.vifs[1], 7, 1, b.vif_mac[1], &p1), 0);
	at = find("/local/domain/7/device/vif/1");
	assert_true(at > 0);
	same_nodes(&p1, at);
	assert_string_equal(one[p1.nr - 1].path, "/local/domain/0/backend/vif/7/1/state");
}

static void test_vbd(void **state)
{
	const char *fe = "/local/domain/7/device/vbd/51712";
	const char *be = "/local/domain/0/backend/vbd/7/51712";
	char p[300];

	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	has(fe, "", "n7,r0");
#define FE(k, v) snprintf(p, sizeof(p), "%s/%s", fe, k), has(p, v, "n7,r0")
#define BE(k, v) snprintf(p, sizeof(p), "%s/%s", be, k), has(p, v, "n0,r7")
	FE("backend", be);
	FE("backend-id", "0");
	FE("virtual-device", "51712");
	FE("device-type", "disk");
	FE("state", "1");
	has(be, "", "n0,r7");
	BE("frontend", fe);
	BE("frontend-id", "7");
	BE("online", "1");
	BE("params", "/img/web.img");
	BE("type", "phy");
	BE("mode", "w");
	BE("dev", "xvda");
	BE("physical-device", "7:0");
	BE("node", "/dev/loop0");
	BE("state", "1");
	/* Second disk: read-only, and major 259 minor 10 in hex. */
	has("/local/domain/0/backend/vbd/7/51728/mode", "r", "n0,r7");
	has("/local/domain/0/backend/vbd/7/51728/physical-device", "103:a", "n0,r7");
	/* Frontend dir before its backend dir (§4.1). */
	assert_true(find(fe) < find(be));
}

static void test_vif(void **state)
{
	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	has("/local/domain/7/device/vif/0/mac", "00:16:3e:01:02:03", "n7,r0");
	has("/local/domain/7/device/vif/0/handle", "0", "n7,r0");
	has("/local/domain/7/device/vif/0/backend", "/local/domain/0/backend/vif/7/0", "n7,r0");
	has("/local/domain/7/device/vif/0/state", "1", "n7,r0");
	has("/local/domain/0/backend/vif/7/0/mac", "00:16:3e:01:02:03", "n0,r7");
	has("/local/domain/0/backend/vif/7/0/handle", "0", "n0,r7");
	has("/local/domain/0/backend/vif/7/0/bridge", "br0", "n0,r7");
	has("/local/domain/0/backend/vif/7/0/script", "vif-bridge", "n0,r7");
	has("/local/domain/0/backend/vif/7/0/frontend-id", "7", "n0,r7");
	has("/local/domain/0/backend/vif/7/0/state", "1", "n0,r7");
	has("/local/domain/0/backend/vif/7/1/mac", "00:16:3e:aa:bb:cc", "n0,r7");
	has("/local/domain/0/backend/vif/7/1/bridge", "xenbr0", "n0,r7");
	has("/local/domain/7/device/vif/1/handle", "1", "n7,r0");
}

static void test_plan_too_small(void **state)
{
	plan.max = 10;
	assert_int_equal(layout_domain(&cfg, &b, &plan), -ENOSPC);
	assert_int_equal(plan.nr, 10);
}

static void test_value_too_long(void **state)
{
	memset(b.console_log, 'x', sizeof(b.console_log) - 1);
	b.console_log[sizeof(b.console_log) - 1] = '\0';
	/* 255 characters fit a value; a path of that length would not. */
	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
	memset(cfg.disks[0].target, 'y', sizeof(cfg.disks[0].target) - 1);
	assert_int_equal(layout_domain(&cfg, &b, &plan), 0);
}

static void test_paths_and_macs(void **state)
{
	char buf[64];
	uint8_t mac[6];

	layout_home(12, buf, sizeof(buf));
	assert_string_equal(buf, "/local/domain/12");
	layout_backend_dir("vbd", 12, buf, sizeof(buf));
	assert_string_equal(buf, "/local/domain/0/backend/vbd/12");
	layout_random_mac(mac, (uint8_t[]){ 0xde, 0xad, 0x01 });
	layout_format_mac(mac, buf);
	assert_string_equal(buf, "00:16:3e:de:ad:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_home, setup),
		cmocka_unit_test_setup(test_maxmem, setup),
		cmocka_unit_test_setup(test_vbd, setup),
		cmocka_unit_test_setup(test_vbd_alone, setup),
		cmocka_unit_test_setup(test_vif_alone, setup),
		cmocka_unit_test_setup(test_vif, setup),
		cmocka_unit_test_setup(test_plan_too_small, setup),
		cmocka_unit_test_setup(test_value_too_long, setup),
		cmocka_unit_test_setup(test_paths_and_macs, setup),
	};

	return cmocka_run_group_tests_name("tools xenstore layout", tests, NULL, NULL);
}
