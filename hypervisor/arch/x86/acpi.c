// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI table discovery. We trust firmware tables only as far as their
 * checksums and lengths: every table is length-checked before it is read,
 * and the MADT walk stops at the first malformed entry.
 *
 * Soft-off needs SLP_TYPa for \_S5, which lives in the DSDT's AML. We do
 * not interpret AML; we find the "_S5_" name and decode the small package
 * that follows, which is how firmware writes it in practice.
 */
#include <hv/bootinfo.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/paging.h>

#define RSDP_SIG		"RSD PTR "
#define EBDA_SEG_PTR		0x40e
#define EBDA_SCAN_LEN		1024
#define BIOS_ROM_START		0xe0000
#define BIOS_ROM_END		0x100000
#define RSDP_V1_LEN		20
#define ACPI_TABLE_MAX		(1u << 20)	/* sanity bound on a table's length */

#define MADT_LAPIC		0
#define MADT_X2APIC		9
#define MADT_IOAPIC		1
#define MADT_IOAPIC_LEN		12
#define MADT_LAPIC_ENABLED	(1u << 0)
#define MADT_LAPIC_ONLINE_CAPABLE (1u << 1)

#define AML_NAME_OP		0x08
#define AML_PACKAGE_OP		0x12
#define AML_BYTE_PREFIX		0x0a
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_EN		(1u << 13)

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;	/* revision >= 2 */
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __packed;

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	uint32_t creator;
	uint32_t creator_rev;
} __packed;

struct madt {
	struct sdt_header h;
	uint32_t lapic_addr;
	uint32_t flags;
} __packed;

/* The FADT fields we use, by their offsets in the ACPI specification. */
#define FADT_DSDT_OFF		40
#define FADT_PM1A_CNT_OFF	64
#define FADT_PM1B_CNT_OFF	68
#define FADT_X_DSDT_OFF		140

/* Written at boot on the boot CPU, read-only afterwards. */
static struct acpi_cpus cpus;
static uint16_t pm1a_cnt, pm1b_cnt;
static int slp_typa = -1, slp_typb = -1;

static uint8_t checksum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

/* Map a whole table after checking its header; NULL if it is bad. */
static const struct sdt_header *map_table(paddr_t pa)
{
	const struct sdt_header *h = ioremap_cached(pa, sizeof(*h));
	uint32_t len;

	if (!h)
		return NULL;
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_TABLE_MAX)
		return NULL;
	h = ioremap_cached(pa, len);
	if (!h || checksum(h, len)) {
		pr_warn("ACPI: table at %#llx has a bad checksum; ignored\n",
			(unsigned long long)pa);
		return NULL;
	}
	return h;
}

static const struct rsdp *scan_rsdp(paddr_t start, size_t len)
{
	const uint8_t *p = ioremap_cached(start, len);

	if (!p)
		return NULL;
	for (size_t off = 0; off + RSDP_V1_LEN <= len; off += 16)
		if (!memcmp(p + off, RSDP_SIG, 8) && !checksum(p + off, RSDP_V1_LEN))
			return (const struct rsdp *)(p + off);
	return NULL;
}

static const struct rsdp *find_rsdp(const struct boot_info *bi)
{
	const uint16_t *ebda_seg;
	const struct rsdp *r;

	if (bi->rsdp_len >= RSDP_V1_LEN && !memcmp(bi->rsdp, RSDP_SIG, 8) &&
	    !checksum(bi->rsdp, RSDP_V1_LEN))
		return (const struct rsdp *)bi->rsdp;
	ebda_seg = ioremap_cached(EBDA_SEG_PTR, sizeof(*ebda_seg));
	if (ebda_seg && *ebda_seg) {
		r = scan_rsdp((paddr_t)*ebda_seg << 4, EBDA_SCAN_LEN);
		if (r)
			return r;
	}
	return scan_rsdp(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START);
}

static void parse_madt(const struct madt *m)
{
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.length;

	cpus.lapic_phys = m->lapic_addr;
	while (p + 2 <= end) {
		uint8_t type = p[0], len = p[1];

		if (len < 2 || p + len > end) {
			pr_warn("ACPI: malformed MADT entry; stopping\n");
			break;
		}
		if (type == MADT_LAPIC && len >= 8) {
			uint32_t flags;

			memcpy(&flags, p + 4, 4);
			if ((flags & MADT_LAPIC_ENABLED) && cpus.count < ACPI_MAX_CPUS) {
				cpus.acpi_ids[cpus.count] = p[2];
				cpus.apic_ids[cpus.count++] = p[3];
			}
		} else if (type == MADT_IOAPIC && len >= MADT_IOAPIC_LEN && !cpus.ioapic_phys) {
			/* The first IOAPIC only: QEMU and small machines have one. */
			uint32_t addr, gsi_base;

			memcpy(&addr, p + 4, 4);
			memcpy(&gsi_base, p + 8, 4);
			cpus.ioapic_phys = addr;
			cpus.ioapic_gsi_base = gsi_base;
		} else if (type == MADT_X2APIC && len >= 16) {
			uint32_t id, flags;

			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
			/* xAPIC mode reaches only 8-bit APIC ids. */
			if ((flags & MADT_LAPIC_ENABLED) && id < 0xff && cpus.count < ACPI_MAX_CPUS) {
				memcpy(&cpus.acpi_ids[cpus.count], p + 12, 4);
				cpus.apic_ids[cpus.count++] = id;
			}
		}
		p += len;
	}
}

/* Decode one AML integer of the \_S5 package; advances *p. */
static int aml_small_int(const uint8_t **p, const uint8_t *end)
{
	if (*p >= end)
		return -1;
	if (**p == AML_ZERO_OP || **p == AML_ONE_OP)
		return *(*p)++;
	if (**p == AML_BYTE_PREFIX && *p + 1 < end) {
		*p += 2;
		return (*p)[-1];
	}
	return -1;
}

static void parse_s5(const struct sdt_header *dsdt)
{
	const uint8_t *b = (const uint8_t *)dsdt, *end = b + dsdt->length;

	for (const uint8_t *p = b + sizeof(*dsdt); p + 4 < end; p++) {
		const uint8_t *q;

		if (memcmp(p, "_S5_", 4))
			continue;
		/* NameOp (optionally with a root prefix) then PackageOp. */
		if (!(p[-1] == AML_NAME_OP || (p[-1] == '\\' && p[-2] == AML_NAME_OP)))
			continue;
		q = p + 4;
		if (q + 3 > end || *q != AML_PACKAGE_OP)
			continue;
		q++;
		q += ((*q >> 6) & 3) + 1;	/* PkgLength: lead byte + 0-3 more */
		q++;				/* NumElements */
		slp_typa = aml_small_int(&q, end);
		slp_typb = aml_small_int(&q, end);
		return;
	}
}

static void parse_fadt(const struct sdt_header *f)
{
	uint32_t v32;
	uint64_t dsdt = 0;
	const struct sdt_header *d;

	if (f->length < FADT_PM1B_CNT_OFF + 4)
		return;
	memcpy(&v32, (const uint8_t *)f + FADT_PM1A_CNT_OFF, 4);
	pm1a_cnt = (uint16_t)v32;
	memcpy(&v32, (const uint8_t *)f + FADT_PM1B_CNT_OFF, 4);
	pm1b_cnt = (uint16_t)v32;
	if (f->length >= FADT_X_DSDT_OFF + 8)
		memcpy(&dsdt, (const uint8_t *)f + FADT_X_DSDT_OFF, 8);
	if (!dsdt) {
		memcpy(&v32, (const uint8_t *)f + FADT_DSDT_OFF, 4);
		dsdt = v32;
	}
	if (dsdt && (d = map_table(dsdt)) != NULL)
		parse_s5(d);
}

bool acpi_init(const struct boot_info *bi)
{
	const struct rsdp *r = find_rsdp(bi);
	const struct sdt_header *root;
	bool xsdt;
	size_t entry_size, n;

	if (!r) {
		pr_warn("ACPI: no RSDP found\n");
		return false;
	}
	xsdt = r->revision >= 2 && r->xsdt;
	root = map_table(xsdt ? r->xsdt : r->rsdt);
	if (!root) {
		pr_warn("ACPI: root table unusable\n");
		return false;
	}
	entry_size = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		const struct sdt_header *t;

		memcpy(&pa, (const uint8_t *)(root + 1) + i * entry_size, entry_size);
		t = map_table(pa);
		if (!t)
			continue;
		if (!memcmp(t->sig, "APIC", 4) && t->length >= sizeof(struct madt))
			parse_madt((const struct madt *)t);
		else if (!memcmp(t->sig, "FACP", 4))
			parse_fadt(t);
	}
	pr_info("ACPI: %s, %u CPU(s) in the MADT, local APIC at %#llx, S5 %s\n",
		xsdt ? "XSDT" : "RSDT", cpus.count, (unsigned long long)cpus.lapic_phys,
		pm1a_cnt && slp_typa >= 0 ? "found" : "not found");
	return true;
}

void acpi_pm1_cnt_ports(uint16_t *a, uint16_t *b)
{
	*a = pm1a_cnt;
	*b = pm1b_cnt;
}

const struct acpi_cpus *acpi_get_cpus(void)
{
	return &cpus;
}

bool acpi_power_off(void)
{
	if (!pm1a_cnt || slp_typa < 0)
		return false;
	outw(pm1a_cnt, (uint16_t)((slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	if (pm1b_cnt && slp_typb >= 0)
		outw(pm1b_cnt, (uint16_t)((slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	return true;
}
