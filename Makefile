# SPDX-License-Identifier: GPL-2.0-only
# Ward: top-level build. See README.md.
#   make / make iso   build build/ward.iso (hypervisor + dom0 kernel + initramfs)
#   make run          boot the ISO in QEMU, serial console on this terminal,
#                     guest store build/ward-data.img (kept across runs)
#   make run-guests   the same, booting dom0 plus two running domUs
#                     (guest1, guest2; docs/guests.md)
#   make domu         the domU root image, Debian's domU initramfs and the
#                     dom0 payload that carries them (build/domU, ...)
#   make run-kernel   boot build/ward.elf with QEMU -kernel (multiboot1)
#   make test         install what is missing, build, run every test
#   make check        host unit tests only (hypervisor and dom0 tools)
#   make tools        build the dom0 tools (wardctl, ...) into build/tools/
#   make kernel       build our guest kernel (cached) into build/kernel/
#   make guests       build the PV test guests into build/guests/
#   make bench        benchmark native / Xen 4.17 / Ward; build/bench/report.*
#   make fuzz         hours of hostile children against the hypervisor
#                     (FUZZ_MINUTES=60 FUZZ_SEED=... FUZZ_KINDS=...; README "Fuzzing")
#   make help         these targets and the machine settings (WARD_MEM=...)
#   make clean        everything but the guest store

BUILD := build

# The machine `make run` and `make run-guests` boot: the one place for its
# settings (`make help` shows them; README.md, "Machine settings"). Give
# them on the command line (make run WARD_MEM=4G WARD_DOM0_MEM=1G) or in
# the environment. The scripts read them from the environment, given only
# where they matter: scripts/mkiso.sh the command-line ones (they go into
# the ISO's GRUB entries), scripts/run-qemu.sh the QEMU ones and the store.
WARD_MEM ?= 2G
WARD_SMP ?= 2
WARD_DOM0_MEM ?= 512M
WARD_DOM0_VCPUS ?= 1
WARD_HV_EXTRA ?=
WARD_DOM0_EXTRA ?=
WARD_DATA ?= $(BUILD)/ward-data.img
WARD_DATA_SIZE ?= 4G
MKISO_ENV = WARD_DOM0_MEM='$(WARD_DOM0_MEM)' WARD_DOM0_VCPUS='$(WARD_DOM0_VCPUS)' \
	WARD_HV_EXTRA='$(WARD_HV_EXTRA)' WARD_DOM0_EXTRA='$(WARD_DOM0_EXTRA)'
QEMU_ENV = WARD_MEM='$(WARD_MEM)' WARD_SMP='$(WARD_SMP)' WARD_DISK='$(WARD_DATA)'
HV_ELF := $(BUILD)/ward.elf
ISO := $(BUILD)/ward.iso
DEBIAN_KERNEL := $(BUILD)/debian/vmlinuz
OUR_KERNEL := $(BUILD)/kernel/bzImage
DOM0_INITRD := $(BUILD)/dom0-initrd.cpio.gz
TOOLS_DIR := $(CURDIR)/$(BUILD)/tools
TOOLS_STAGE := $(TOOLS_DIR)/stage

all: iso

deps:
	@scripts/install-deps.sh

hypervisor:
	@$(MAKE) --no-print-directory -C hypervisor O=../$(BUILD)

$(HV_ELF): hypervisor

# dom0's tools (dom0-rootfs/tools/), installed into a staging tree that
# becomes part of the initramfs.
tools:
	@$(MAKE) --no-print-directory -C dom0-rootfs/tools O=$(TOOLS_DIR) \
		DESTDIR=$(TOOLS_STAGE) install

# Cheap when cached: the script compares the archive's version first.
$(DEBIAN_KERNEL): FORCE
	@scripts/fetch-debian-kernel.sh $@

# The initramfs also carries Debian's Xen driver modules (used only when
# dom0 runs that kernel; ours has them built in) and the tools. The tools'
# sources are among the prerequisites, so 'tools' need only come first.
$(DOM0_INITRD): $(shell find dom0-rootfs -type f 2>/dev/null) $(DEBIAN_KERNEL) | tools
	@DOM0_EXTRA_DIRS=$(BUILD)/debian/modules:$(TOOLS_STAGE) dom0-rootfs/build.sh $@

# domU side (docs/guests.md): the BusyBox ext4 root image, the initramfs
# Debian's kernel needs as a domU, and the payload that puts both, the
# kernels and /etc/ward/*.cfg into the ISO's dom0.
DOMU_IMG := $(BUILD)/domU/rootfs.img
DOMU_IMG_MB := 32
DEBIAN_DOMU_INITRD := $(BUILD)/debian/domU-initrd.cpio.gz
DOM0_PAYLOAD := $(BUILD)/dom0-payload.cpio.gz
# The ISO's dom0 initramfs: the plain one with the guest payload appended.
ISO_INITRD := $(BUILD)/dom0-initrd-iso.cpio.gz
GUESTS_ISO := $(BUILD)/ward-guests.iso
$(DOMU_IMG): $(shell find domU-images/overlay -type f 2>/dev/null) domU-images/build-image.sh
	@domU-images/build-image.sh $@ $(DOMU_IMG_MB)

$(DEBIAN_DOMU_INITRD): $(DEBIAN_KERNEL) domU-images/initrd-init domU-images/build-debian-initrd.sh
	@domU-images/build-debian-initrd.sh $@ $(BUILD)/debian/domU-modules

$(DOM0_PAYLOAD): $(DOMU_IMG) $(DEBIAN_KERNEL) $(DEBIAN_DOMU_INITRD) \
		$(wildcard domU-images/configs/*.cfg) domU-images/build-dom0-payload.sh kernel
	@domU-images/build-dom0-payload.sh $@ $(DOMU_IMG) $(OUR_KERNEL) \
		$(DEBIAN_KERNEL) $(DEBIAN_DOMU_INITRD)

# Linux unpacks concatenated cpio archives one after the other. They go
# into one gzip stream: GRUB unzips a .gz module itself and stops after
# the first member of a multi-member file, which would drop the payload.
$(ISO_INITRD): $(DOM0_INITRD) $(DOM0_PAYLOAD)
	@{ gzip -dc $(DOM0_INITRD) && gzip -dc $(DOM0_PAYLOAD); } | gzip -1 -n >$@.tmp
	@mv $@.tmp $@

domu: $(DOMU_IMG) $(DEBIAN_DOMU_INITRD) $(DOM0_PAYLOAD)

.PHONY: domu run-guests

# Default GRUB entry: our kernel as dom0; second entry: Debian's stock
# kernel; third: our kernel, dom0 starting guest1 and guest2 at boot;
# last: safe mode, dom0 without ACPI and PCI.
iso: hypervisor kernel $(DEBIAN_KERNEL) $(ISO_INITRD)
	@$(MKISO_ENV) scripts/mkiso.sh $(ISO) $(HV_ELF) $(OUR_KERNEL) $(ISO_INITRD) $(DEBIAN_KERNEL)

# The guest store both run targets attach as a virtio disk, which dom0
# mounts as /var/lib/ward (docs/guests.md, "The guest store"): made empty
# on the first run, kept after that (`make clean` keeps it too).
$(WARD_DATA):
	@scripts/mkstore.sh $@ $(WARD_DATA_SIZE)

run: deps
	@$(MAKE) --no-print-directory iso $(WARD_DATA)
	@echo "run: guest store $(WARD_DATA) (dom0's /var/lib/ward, kept across runs)"
	@$(QEMU_ENV) scripts/run-qemu.sh iso $(ISO)

# The same ISO contents with the guests entry as the default.
run-guests: deps
	@$(MAKE) --no-print-directory hypervisor kernel $(DEBIAN_KERNEL) $(ISO_INITRD) $(WARD_DATA)
	@$(MKISO_ENV) WARD_DEFAULT=guests scripts/mkiso.sh $(GUESTS_ISO) $(HV_ELF) $(OUR_KERNEL) \
		$(ISO_INITRD) $(DEBIAN_KERNEL)
	@echo "run-guests: guest store $(WARD_DATA) (dom0's /var/lib/ward, kept across runs)"
	@$(QEMU_ENV) scripts/run-qemu.sh iso $(GUESTS_ISO)

run-kernel: deps
	@$(MAKE) --no-print-directory hypervisor $(DEBIAN_KERNEL) $(DOM0_INITRD)
	@scripts/run-qemu.sh kernel $(HV_ELF) "loglvl=info" \
		"$(DEBIAN_KERNEL) console=hvc0 earlyprintk=xen,$(DOM0_INITRD)"

run-kernel-ours: deps kernel
	@$(MAKE) --no-print-directory hypervisor $(DOM0_INITRD)
	@scripts/run-qemu.sh kernel $(HV_ELF) "loglvl=info" \
		"$(OUR_KERNEL) console=hvc0 earlyprintk=xen,$(DOM0_INITRD)"

check: hypervisor
	@$(MAKE) --no-print-directory -C hypervisor O=../$(BUILD) check
	@$(MAKE) --no-print-directory -C dom0-rootfs/tools O=$(TOOLS_DIR) check

kernel:
	@scripts/build-kernel.sh

# Native vs Xen 4.17 vs Ward, with a chart (docs/bench.md); about 10 minutes.
bench: deps
	@$(MAKE) --no-print-directory hypervisor kernel
	@scripts/bench.sh

# The tier-2 PV test guests (hypervisor/tests/guests/README.md).
guests:
	@$(MAKE) --no-print-directory -C hypervisor/tests/guests

test: deps
	@ci/run-tests.sh

# The hostile tier's long run (scripts/fuzz.sh; its settings come from FUZZ_*
# variables on the make command line, which make exports to the script).
fuzz: deps
	@$(MAKE) --no-print-directory hypervisor guests
	@scripts/fuzz.sh

# The targets (this file's header) and the machine settings above, with
# the values this make would use.
help:
	@echo "Targets:"
	@sed -n '3,/^$$/s/^#   /  /p' Makefile
	@echo "Machine settings of make run and run-guests (make run VAR=VALUE ...; README.md):"
	@printf '  %-32s %s\n' \
		"WARD_MEM=$(WARD_MEM)" "QEMU's memory (-m)" \
		"WARD_SMP=$(WARD_SMP)" "QEMU's CPUs (-smp)" \
		"WARD_DOM0_MEM=$(WARD_DOM0_MEM)" "dom0's memory (dom0_mem=)" \
		"WARD_DOM0_VCPUS=$(WARD_DOM0_VCPUS)" "dom0's vCPUs (dom0_max_vcpus=)" \
		"WARD_HV_EXTRA='$(WARD_HV_EXTRA)'" "added to the hypervisor's command line" \
		"WARD_DOM0_EXTRA='$(WARD_DOM0_EXTRA)'" "added to dom0's kernel command line" \
		"WARD_DATA=$(WARD_DATA)" "the guest store, dom0's /var/lib/ward" \
		"WARD_DATA_SIZE=$(WARD_DATA_SIZE)" "size of a new guest store"

# Everything but the guest store: it holds the user's guests.
clean:
	@[ ! -d $(BUILD) ] || find $(BUILD) -mindepth 1 -maxdepth 1 ! -path $(WARD_DATA) -exec rm -rf {} +
	@[ ! -f $(WARD_DATA) ] || echo "clean: kept the guest store $(WARD_DATA) (remove it yourself to start afresh)"

.PHONY: all deps help hypervisor tools iso run run-kernel run-kernel-ours check kernel guests bench test fuzz clean FORCE
