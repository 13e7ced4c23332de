// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/dominfo.c: "wardctl list" lines from a fake WARD_CTL_list result,
 * state letters for every flag, NAME|ID lookup, "uptime" lines and the
 * JSON of "list -l".
 */
// sources: ctl/dominfo.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include "ctl/dominfo.h"

static const struct dom_entry doms[] = {
	{ .info = { .domid = 0, .flags = WARD_DOMINF_running | WARD_DOMINF_privileged,
		    .nr_vcpus = 2, .tot_pages = 262144, .cpu_time_ns = 12345000000ull },
	  .name = "Domain-0" },
	{ .info = { .domid = 3, .flags = WARD_DOMINF_blocked, .nr_vcpus = 1,
		    .tot_pages = 32768, .cpu_time_ns = 50000000ull },
	  .name = "web" },
	{ .info = { .domid = 5, .flags = WARD_DOMINF_paused, .nr_vcpus = 4,
		    .tot_pages = 65536 },
	  .name = "" },
	{ .info = { .domid = 12, .nr_vcpus = 1 }, .name = "12x" },
};

static void state_of(uint32_t flags, uint32_t reason, const char *expected)
{
	struct ward_dominfo i = { .flags = flags, .shutdown_reason = reason };
	char buf[7];

	dominfo_state(&i, buf);
	assert_string_equal(buf, expected);
}

static void test_state_letters(void **state)
{
	state_of(0, 0, "------");
	state_of(WARD_DOMINF_running, 0, "r-----");
	state_of(WARD_DOMINF_blocked, 0, "-b----");
	state_of(WARD_DOMINF_paused, 0, "--p---");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_poweroff, "---s--");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_reboot, "---s--");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_crash, "----c-");
	state_of(WARD_DOMINF_dying, 0, "-----d");
	state_of(WARD_DOMINF_dying | WARD_DOMINF_shutdown | WARD_DOMINF_paused,
		 SHUTDOWN_crash, "--p-cd");
	/* A crash reason without the shutdown flag is not a crash. */
	state_of(0, SHUTDOWN_crash, "------");
}

static void test_format(void **state)
{
	char buf[200];

	assert_string_equal(dominfo_header(),
		"Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
	dominfo_format(&doms[0], buf, sizeof(buf));
	assert_string_equal(buf,
		"Domain-0                                     0  1024     2     r-----     12.3\n");
	dominfo_format(&doms[1], buf, sizeof(buf));
	assert_string_equal(buf,
		"web                                          3   128     1     -b----      0.1\n");
	dominfo_format(&doms[2], buf, sizeof(buf));
	assert_string_equal(buf,
		"(domain 5)                                   5   256     4     --p---      0.0\n");
}

static void test_lookup(void **state)
{
	assert_int_equal(dominfo_lookup(doms, 4, "web"), 1);
	assert_int_equal(dominfo_lookup(doms, 4, "Domain-0"), 0);
	assert_int_equal(dominfo_lookup(doms, 4, "0"), 0);
	assert_int_equal(dominfo_lookup(doms, 4, "5"), 2);
	assert_int_equal(dominfo_lookup(doms, 4, "12x"), 3);
	assert_int_equal(dominfo_lookup(doms, 4, "12"), 3);
	assert_int_equal(dominfo_lookup(doms, 4, "13"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, "mail"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, "-1"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, ""), -EINVAL);
	assert_int_equal(dominfo_lookup(doms, 4, NULL), -EINVAL);
	assert_int_equal(dominfo_lookup(doms, 0, "web"), -ENOENT);
}

static void uptime_is(unsigned int dom, uint64_t secs, const char *expected)
{
	char line[160];

	dominfo_uptime(&doms[dom], secs, line, sizeof(line));
	assert_string_equal(line, expected);
}

static void test_uptime(void **state)
{
	assert_string_equal(dominfo_uptime_header(),
			    "Name                                ID Uptime\n");
	uptime_is(0, 0, "Domain-0                             0  0:00:00\n");
	uptime_is(1, 3723, "web                                  3  1:02:03\n");
	uptime_is(1, 86400 + 59, "web                                  3 1 day,  0:00:59\n");
	uptime_is(2, 3 * 86400 + 36000, "(domain 5)                           5 3 days, 10:00:00\n");
}

static char *json_of(const struct dom_detail *d, unsigned int nr)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	dominfo_json(f, d, nr);
	fclose(f);
	return text;
}

static void test_json(void **state)
{
	static struct dom_detail d[2];
	char *text;

	text = json_of(d, 0);
	assert_string_equal(text, "[]\n");
	free(text);

	d[0].e = doms[0];
	d[1].e = doms[1];
	snprintf(d[1].e.name, sizeof(d[1].e.name), "we\"b");
	d[1].target_kb = d[1].max_kb = 131072;
	snprintf(d[1].disks[0].target, sizeof(d[1].disks[0].target), "/img/web.img");
	snprintf(d[1].disks[0].vdev, sizeof(d[1].disks[0].vdev), "xvda");
	d[1].disks[0].writable = true;
	d[1].nr_disks = 1;
	snprintf(d[1].nics[0].mac, sizeof(d[1].nics[0].mac), "00:16:3e:00:00:01");
	snprintf(d[1].nics[0].bridge, sizeof(d[1].nics[0].bridge), "xenbr0");
	d[1].nr_nics = 1;
	text = json_of(d, 2);
	assert_string_equal(text,
		"[\n"
		"    {\n"
		"        \"domid\": 0,\n"
		"        \"config\": {\n"
		"            \"c_info\": {\n"
		"                \"type\": \"pv\",\n"
		"                \"name\": \"Domain-0\"\n"
		"            },\n"
		"            \"b_info\": {\n"
		"                \"max_vcpus\": 2\n"
		"            },\n"
		"            \"disks\": [],\n"
		"            \"nics\": []\n"
		"        }\n"
		"    },\n"
		"    {\n"
		"        \"domid\": 3,\n"
		"        \"config\": {\n"
		"            \"c_info\": {\n"
		"                \"type\": \"pv\",\n"
		"                \"name\": \"we\\\"b\"\n"
		"            },\n"
		"            \"b_info\": {\n"
		"                \"max_vcpus\": 1,\n"
		"                \"max_memkb\": 131072,\n"
		"                \"target_memkb\": 131072\n"
		"            },\n"
		"            \"disks\": [\n"
		"                {\n"
		"                    \"pdev_path\": \"/img/web.img\",\n"
		"                    \"vdev\": \"xvda\",\n"
		"                    \"readwrite\": 1\n"
		"                }\n"
		"            ],\n"
		"            \"nics\": [\n"
		"                {\n"
		"                    \"devid\": 0,\n"
		"                    \"mac\": \"00:16:3e:00:00:01\",\n"
		"                    \"bridge\": \"xenbr0\"\n"
		"                }\n"
		"            ]\n"
		"        }\n"
		"    }\n"
		"]\n");
	free(text);
}

/* block-list: xl's header and column widths. */
static void test_vbd_rows(void **state)
{
	struct dom_vbd_row r = { 51728, 0, 3, 4, 9, 8, "/local/domain/0/backend/vbd/3/51728" };
	char buf[256];

	assert_string_equal(dominfo_vbd_header(),
		"Vdev  BE  handle state evt-ch ring-ref BE-path                       \n");
	dominfo_vbd_format(&r, buf, sizeof(buf));
	assert_string_equal(buf,
		"51728 0   3      4     9      8        /local/domain/0/backend/vbd/3/51728\n");
	r.evtchn = -1;
	r.ring_ref = -1;
	dominfo_vbd_format(&r, buf, sizeof(buf));
	assert_string_equal(buf,
		"51728 0   3      4     -1     -1       /local/domain/0/backend/vbd/3/51728\n");
}

/* network-list: xl's header and column widths. */
static void test_nic_rows(void **state)
{
	struct dom_nic_row r = { 1, 0, "00:16:3e:00:00:43", 3, 4, 10, 768, 769,
				 "/local/domain/0/backend/vif/3/1" };
	char buf[256];

	assert_string_equal(dominfo_nic_header(),
		"Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n");
	dominfo_nic_format(&r, buf, sizeof(buf));
	assert_string_equal(buf,
		"1   0  00:16:3e:00:00:43 3      4     10       768/769   /local/domain/0/backend/vif/3/1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_letters),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_vbd_rows),
		cmocka_unit_test(test_nic_rows),
	};

	return cmocka_run_group_tests_name("tools dominfo", tests, NULL, NULL);
}
