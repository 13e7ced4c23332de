// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore nodes of a new domain. Permissions follow libxl so that
 * Linux's xenbus drivers find what they expect: the domain reads its home
 * and its backend dirs (n0,rD), owns its frontend dirs (nD,r0) so it can
 * write ring refs and state, and owns control/ and the scratch dirs (nD).
 * Every node gets its perms explicitly rather than relying on inheritance.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xen/io/xenbus.h>
#include "layout.h"

#define DOM0_ID		0
#define XEN_OUI		0x00, 0x16, 0x3e

void layout_home(uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%" PRIu32, domid);
}

void layout_backend_dir(const char *type, uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%d/backend/%s/%" PRIu32, DOM0_ID,
		 type, domid);
}

void layout_random_mac(uint8_t mac[6], const uint8_t rnd[3])
{
	const uint8_t oui[3] = { XEN_OUI };

	memcpy(mac, oui, 3);
	memcpy(mac + 3, rnd, 3);
}

void layout_format_mac(const uint8_t mac[6], char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		mac[3], mac[4], mac[5]);
}

/* Emitting nodes: the first failure sticks and is returned at the end. */
struct emitter {
	struct xs_plan *plan;
	int rc;
	char dir[XS_PATH_MAX];	/* relative paths are under this */
	char perms[XS_PERMS_MAX];
};

static void __attribute__((format(printf, 3, 4)))
emit(struct emitter *em, const char *rel, const char *fmt, ...)
{
	struct xs_entry *e;
	va_list ap;
	int n;

	if (em->rc)
		return;
	if (em->plan->nr >= em->plan->max) {
		em->rc = -ENOSPC;
		return;
	}
	e = &em->plan->e[em->plan->nr];
	if (rel[0])
		n = snprintf(e->path, sizeof(e->path), "%s/%s", em->dir, rel);
	else
		n = snprintf(e->path, sizeof(e->path), "%s", em->dir);
	if (n < 0 || (size_t)n >= sizeof(e->path)) {
		em->rc = -ENAMETOOLONG;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(e->value, sizeof(e->value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(e->value)) {
		em->rc = -ENAMETOOLONG;
		return;
	}
	snprintf(e->perms, sizeof(e->perms), "%s", em->perms);
	em->plan->nr++;
}

static void __attribute__((format(printf, 3, 4)))
set_dir(struct emitter *em, const char *perms, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(em->dir, sizeof(em->dir), fmt, ap);
	va_end(ap);
	snprintf(em->perms, sizeof(em->perms), "%s", perms);
}

static void emit_home(struct emitter *em, const struct dom_config *cfg,
		      const struct dom_build *b, const char *home,
		      const char *p_read, const char *p_own)
{
	static const char *const control_keys[] = {
		"shutdown", "feature-poweroff", "feature-reboot",
		"feature-suspend", "sysrq",
	};
	static const char *const scratch[] = {
		"data", "drivers", "feature", "attr", "error",
	};
	uint64_t mem_kb = cfg->memory_mb * 1024;
	uint64_t max_kb = config_maxmem_mb(cfg) * 1024;
	unsigned int i;
	char rel[32];

	set_dir(em, p_read, "%s", home);
	emit(em, "", "%s", "");
	emit(em, "name", "%s", cfg->name);
	emit(em, "domid", "%" PRIu32, b->domid);
	emit(em, "start_time", "%s", b->start_time);
	emit(em, "memory", "%s", "");
	/* Linux's balloon driver follows target (KiB) within static-max. */
	emit(em, "memory/static-max", "%" PRIu64, max_kb);
	emit(em, "memory/target", "%" PRIu64, mem_kb);
	for (i = 0; i < cfg->vcpus; i++) {
		snprintf(rel, sizeof(rel), "cpu/%u/availability", i);
		emit(em, rel, "%s", "online");
	}
	emit(em, "device", "%s", "");
	emit(em, "control", "%s", "");
	/* The store and console are ours to describe; the domain only reads. */
	emit(em, "store/ring-ref", "%" PRIu64, b->store_mfn);
	emit(em, "store/port", "%" PRIu32, b->store_port);
	emit(em, "console/ring-ref", "%" PRIu64, b->console_mfn);
	emit(em, "console/port", "%" PRIu32, b->console_port);
	emit(em, "console/type", "%s", "ward-consoled");
	emit(em, "console/output", "%s", b->console_log);

	/* The guest acknowledges shutdown requests and writes features. */
	set_dir(em, p_own, "%s", home);
	for (i = 0; i < sizeof(control_keys) / sizeof(control_keys[0]); i++) {
		snprintf(rel, sizeof(rel), "control/%s", control_keys[i]);
		emit(em, rel, "%s", "");
	}
	for (i = 0; i < sizeof(scratch) / sizeof(scratch[0]); i++)
		emit(em, scratch[i], "%s", "");
}

/* What a vbd's backend opens: the block device and its path. */
struct vbd_dev {
	unsigned int major, minor;
	const char *node;
};

static void emit_vbd(struct emitter *em, const struct cfg_disk *d,
		     uint32_t domid, const struct vbd_dev *dev,
		     const char *p_read, const char *p_fe)
{
	char be[XS_PATH_MAX], fe[XS_PATH_MAX];
	uint32_t v = d->virtual_device;

	layout_backend_dir("vbd", domid, be, sizeof(be));
	snprintf(be + strlen(be), sizeof(be) - strlen(be), "/%" PRIu32, v);
	layout_vbd_frontend(domid, v, fe, sizeof(fe));

	set_dir(em, p_fe, "%s", fe);
	emit(em, "", "%s", "");
	emit(em, "backend", "%s", be);
	emit(em, "backend-id", "%d", DOM0_ID);
	emit(em, "virtual-device", "%" PRIu32, v);
	emit(em, "device-type", "%s", d->cdrom ? "cdrom" : "disk");
	emit(em, "state", "%d", XenbusStateInitialising);

	set_dir(em, p_read, "%s", be);
	emit(em, "", "%s", "");
	emit(em, "frontend", "%s", fe);
	emit(em, "frontend-id", "%" PRIu32, domid);
	emit(em, "online", "%d", 1);
	emit(em, "params", "%s", d->target);
	emit(em, "type", "%s", "phy");
	emit(em, "removable", "%d", d->cdrom ? 1 : 0);
	emit(em, "bootable", "%d", 1);
	emit(em, "mode", "%s", d->writable ? "w" : "r");
	emit(em, "dev", "%s", d->vdev);
	emit(em, "device-type", "%s", d->cdrom ? "cdrom" : "disk");
	/* blkback parses it with "%x:%x": hex, not decimal. */
	emit(em, "physical-device", "%x:%x", dev->major, dev->minor);
	emit(em, "node", "%s", dev->node);
	emit(em, "state", "%d", XenbusStateInitialising);
}

static void emit_vif(struct emitter *em, const struct cfg_vif *vif,
		     unsigned int handle, uint32_t domid, const uint8_t mac6[6],
		     const char *p_read, const char *p_fe)
{
	char be[XS_PATH_MAX], fe[XS_PATH_MAX], mac[18];

	layout_backend_dir("vif", domid, be, sizeof(be));
	snprintf(be + strlen(be), sizeof(be) - strlen(be), "/%u", handle);
	snprintf(fe, sizeof(fe), "/local/domain/%" PRIu32 "/device/vif/%u",
		 domid, handle);
	layout_format_mac(mac6, mac);

	set_dir(em, p_fe, "%s", fe);
	emit(em, "", "%s", "");
	emit(em, "backend", "%s", be);
	emit(em, "backend-id", "%d", DOM0_ID);
	emit(em, "handle", "%u", handle);
	emit(em, "mac", "%s", mac);
	emit(em, "state", "%d", XenbusStateInitialising);

	set_dir(em, p_read, "%s", be);
	emit(em, "", "%s", "");
	emit(em, "frontend", "%s", fe);
	emit(em, "frontend-id", "%" PRIu32, domid);
	emit(em, "online", "%d", 1);
	emit(em, "handle", "%u", handle);
	emit(em, "mac", "%s", mac);
	emit(em, "type", "%s", "vif");
	emit(em, "bridge", "%s", vif->bridge);
	/* netback refuses to probe without it; we run no script ourselves. */
	emit(em, "script", "%s", vif->script);
	emit(em, "state", "%d", XenbusStateInitialising);
}

/* dom0 owns, the domain reads / the domain owns, dom0 reads. */
static void perms_for(uint32_t domid, char p_read[XS_PERMS_MAX],
		      char p_own[XS_PERMS_MAX], char p_fe[XS_PERMS_MAX])
{
	snprintf(p_read, XS_PERMS_MAX, "n%d,r%" PRIu32, DOM0_ID, domid);
	snprintf(p_own, XS_PERMS_MAX, "n%" PRIu32, domid);
	snprintf(p_fe, XS_PERMS_MAX, "n%" PRIu32 ",r%d", domid, DOM0_ID);
}

void layout_vbd_frontend(uint32_t domid, uint32_t vdev, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%" PRIu32 "/device/vbd/%" PRIu32, domid, vdev);
}

int layout_vbd(const struct cfg_disk *d, uint32_t domid, unsigned int major,
	       unsigned int minor, const char *node, struct xs_plan *plan)
{
	struct emitter em = { .plan = plan };
	struct vbd_dev dev = { major, minor, node };
	char p_read[XS_PERMS_MAX], p_own[XS_PERMS_MAX], p_fe[XS_PERMS_MAX];

	plan->nr = 0;
	perms_for(domid, p_read, p_own, p_fe);
	emit_vbd(&em, d, domid, &dev, p_read, p_fe);
	return em.rc;
}

int layout_vif(const struct cfg_vif *vif, uint32_t domid, unsigned int handle,
	       const uint8_t mac[6], struct xs_plan *plan)
{
	struct emitter em = { .plan = plan };
	char p_read[XS_PERMS_MAX], p_own[XS_PERMS_MAX], p_fe[XS_PERMS_MAX];

	plan->nr = 0;
	perms_for(domid, p_read, p_own, p_fe);
	emit_vif(&em, vif, handle, domid, mac, p_read, p_fe);
	return em.rc;
}

int layout_domain(const struct dom_config *cfg, const struct dom_build *b,
		  struct xs_plan *plan)
{
	struct emitter em = { .plan = plan };
	char home[XS_PATH_MAX];
	char p_read[XS_PERMS_MAX], p_own[XS_PERMS_MAX], p_fe[XS_PERMS_MAX];
	unsigned int i;

	plan->nr = 0;
	layout_home(b->domid, home, sizeof(home));
	perms_for(b->domid, p_read, p_own, p_fe);

	emit_home(&em, cfg, b, home, p_read, p_own);
	for (i = 0; i < cfg->nr_disks; i++) {
		struct vbd_dev dev = { b->disk_major[i], b->disk_minor[i],
				       b->disk_node[i] };

		emit_vbd(&em, &cfg->disks[i], b->domid, &dev, p_read, p_fe);
	}
	for (i = 0; i < cfg->nr_vifs; i++)
		emit_vif(&em, &cfg->vifs[i], i, b->domid, b->vif_mac[i], p_read, p_fe);
	return em.rc;
}
