/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain configuration files in xl.cfg style (docs/toolstack.md):
 *   name = "web"            memory = 256      vcpus = 2
 *   kernel = "/boot/vmlinuz"  ramdisk = "/boot/initrd.img"
 *   extra = "console=hvc0"    root = "/dev/xvda ro"   cmdline = "..."
 *   disk = [ 'file:/images/web.img,xvda,w' ]
 *   vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
 *   on_poweroff = "destroy"   on_reboot = "restart"   on_crash = "preserve"
 * Parsing is pure (text in, struct out) so every error path is unit
 * tested; config_validate() checks the result against the machine through
 * callbacks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_NAME_MAX	64	/* bytes including the NUL */
#define CFG_PATH_MAX	256
#define CFG_STR_MAX	1024	/* extra, cmdline, root: WARD_CTL_CMDLINE_MAX */
#define CFG_MAX_DISKS	8
#define CFG_MAX_VIFS	8
#define CFG_MSG_MAX	320	/* one error or warning line */
#define CFG_MAX_WARNINGS 8

enum cfg_action {
	CFG_ACTION_DESTROY,
	CFG_ACTION_RESTART,
	CFG_ACTION_PRESERVE,
};

struct cfg_disk {
	char target[CFG_PATH_MAX];	/* image file or block device */
	char vdev[16];			/* "xvda" */
	uint32_t virtual_device;	/* blkfront's number: 51712 for xvda */
	bool writable;
	/* 'w!': share it even while another live domain uses it (xl's spelling) */
	bool force;
	bool cdrom;
	unsigned int line;
};

struct cfg_vif {
	uint8_t mac[6];
	bool mac_set;			/* else create picks 00:16:3e:xx:xx:xx */
	char bridge[32];
	char script[CFG_PATH_MAX];
	unsigned int line;
};

/* Keys that appear once; their line numbers are kept for messages. */
enum cfg_key {
	CFG_KEY_NAME, CFG_KEY_MEMORY, CFG_KEY_VCPUS, CFG_KEY_KERNEL,
	CFG_KEY_RAMDISK, CFG_KEY_EXTRA, CFG_KEY_CMDLINE, CFG_KEY_ROOT,
	CFG_KEY_DISK, CFG_KEY_VIF, CFG_KEY_ON_POWEROFF, CFG_KEY_ON_REBOOT,
	CFG_KEY_ON_CRASH, CFG_KEY_TYPE, CFG_KEY_MAXMEM,
	CFG_NR_KEYS
};

struct dom_config {
	char name[CFG_NAME_MAX];
	uint64_t memory_mb;		/* what it starts with: its balloon target */
	uint64_t maxmem_mb;		/* how far it may balloon up; 0: memory */
	uint32_t vcpus;
	char kernel[CFG_PATH_MAX];
	char ramdisk[CFG_PATH_MAX];	/* "" = none */
	char extra[CFG_STR_MAX];
	char cmdline[CFG_STR_MAX];
	char root[CFG_STR_MAX];
	struct cfg_disk disks[CFG_MAX_DISKS];
	unsigned int nr_disks;
	struct cfg_vif vifs[CFG_MAX_VIFS];
	unsigned int nr_vifs;
	enum cfg_action on_poweroff, on_reboot, on_crash;
	unsigned int line[CFG_NR_KEYS];	/* 0: not given */
};

/* What a parse or validation said: one error (fatal) and some warnings. */
struct cfg_msgs {
	char error[CFG_MSG_MAX];
	char warnings[CFG_MAX_WARNINGS][CFG_MSG_MAX];
	unsigned int nr_warnings;
};

/*
 * Parse @text (the contents of @file, used only in messages) into @cfg,
 * with defaults for what is absent (memory 128, vcpus 1, on_poweroff
 * destroy, on_reboot restart, on_crash destroy). Returns 0, or -1 with
 * msgs->error = "FILE:LINE: what is wrong". Unknown keys are warnings.
 */
int config_parse(const char *text, const char *file, struct dom_config *cfg,
		 struct cfg_msgs *msgs);

/*
 * Parse one xl disk spec ('file:/img,xvda,w', '/img,raw,xvda,rw' or
 * 'vdev=xvda, access=rw, target=/img'). 0, or -1 with @err filled.
 */
int config_parse_disk(const char *spec, struct cfg_disk *disk, char *err,
		      size_t errlen);

/* Parse one vif spec ('mac=00:16:3e:01:02:03,bridge=xenbr0'). */
int config_parse_vif(const char *spec, struct cfg_vif *vif, char *err,
		     size_t errlen);

/* "xvda" -> 51712 (202 << 8), "xvdb2" -> 51730. 0 if not an xvd name. */
uint32_t config_vdev_number(const char *vdev);

/* The command line the domain gets: cmdline, else "root=ROOT EXTRA". */
void config_cmdline(const struct dom_config *cfg, char *buf, size_t len);

/* What config_validate() needs to know about the machine. */
struct cfg_env {
	uint64_t free_kb;		/* physinfo free memory */
	/* 0 if @path is a readable file or device, else an errno value. */
	int (*path_ok)(const char *path);
	/* true if a live domain is called @name. */
	bool (*name_in_use)(const char *name, void *arg);
	void *arg;
};

/*
 * Check a parsed config against the machine: required keys, memory range,
 * files present, name free, vdevs and MACs unique, command line length.
 * 0, or -1 with msgs->error set.
 */
int config_validate(const struct dom_config *cfg, const char *file,
		    const struct cfg_env *env, struct cfg_msgs *msgs);

/*
 * A name a domain may have: letters, digits, '-', '_', '.', not only
 * digits (it could not be told from a domid), not empty.
 */
bool config_valid_name(const char *name);

/* The most the domain may balloon up to: maxmem, else memory. */
uint64_t config_maxmem_mb(const struct dom_config *cfg);

/* "destroy", "restart", "preserve". */
const char *config_action_name(enum cfg_action a);
