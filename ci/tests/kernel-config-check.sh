#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Test scripts/kernel-config-check.sh on small synthetic (fragment, .config)
# pairs: it must pass when every request is met and detect each kind of
# mismatch. No kernel build is involved.
set -euo pipefail

T=kernel-config-check-test
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
CHECK=scripts/kernel-config-check.sh
W=build/tests/kernel-config-check
rm -rf "$W"
mkdir -p "$W"

fail() { echo "$T: FAIL: $*"; exit 1; }
cases=0

# expect NAME RC [STRING]: run the check on $W/NAME.{config,frag*}; the
# exit code must be RC and, when given, stderr must contain STRING.
expect() {
	local name=$1 want_rc=$2 want_msg=${3:-} rc=0
	cases=$((cases + 1))
	"$CHECK" "$W/$name.config" "$W/$name".frag* >"$W/$name.out" 2>&1 || rc=$?
	[ "$rc" -eq "$want_rc" ] ||
		fail "case '$name': exit $rc, want $want_rc ($(head -n1 "$W/$name.out"))"
	if [ -n "$want_msg" ] && ! grep -qF -- "$want_msg" "$W/$name.out"; then
		fail "case '$name': output lacks '$want_msg' ($(head -n1 "$W/$name.out"))"
	fi
}

# A good pair: y, a string value, an int and an explicit "not set".
cat >"$W/good.frag1" <<'X'
# comment lines and blanks are ignored

CONFIG_XEN=y
CONFIG_LOCALVERSION="-x"
CONFIG_NR_CPUS=8
# CONFIG_MODULES is not set
X
cat >"$W/good.config" <<'X'
CONFIG_XEN=y
CONFIG_LOCALVERSION="-x"
CONFIG_NR_CPUS=8
# CONFIG_MODULES is not set
CONFIG_OTHER=y
X
expect good 0

# Kconfig dropped the option: "is not set" in .config.
printf 'CONFIG_XEN_DOM0=y\nCONFIG_XEN=y\n' >"$W/dropped.frag1"
printf 'CONFIG_XEN=y\n# CONFIG_XEN_DOM0 is not set\n' >"$W/dropped.config"
expect dropped 1 "kernel-config-check: error: fragment asks CONFIG_XEN_DOM0=y but .config has it unset"

# The option does not appear in .config at all (its menu is hidden).
printf 'CONFIG_VIRTIO_BLK=y\n' >"$W/absent.frag1"
printf 'CONFIG_XEN=y\n' >"$W/absent.config"
expect absent 1 "fragment asks CONFIG_VIRTIO_BLK=y but .config has it unset"

# Built as a module instead of built in.
printf 'CONFIG_EXT4_FS=y\n' >"$W/module.frag1"
printf 'CONFIG_EXT4_FS=m\n' >"$W/module.config"
expect module 1 "fragment asks CONFIG_EXT4_FS=y but .config has CONFIG_EXT4_FS=m"

# Asked off, but something selected it.
printf '# CONFIG_MODULES is not set\n' >"$W/forced.frag1"
printf 'CONFIG_MODULES=y\n' >"$W/forced.config"
expect forced 1 "fragment asks CONFIG_MODULES unset but .config has CONFIG_MODULES=y"

# A later fragment overrides an earlier one, as merge_config.sh does.
printf 'CONFIG_KERNEL_XZ=y\n' >"$W/override.frag1"
printf '# CONFIG_KERNEL_XZ is not set\nCONFIG_KERNEL_GZIP=y\n' >"$W/override.frag2"
printf '# CONFIG_KERNEL_XZ is not set\nCONFIG_KERNEL_GZIP=y\n' >"$W/override.config"
expect override 0

# Every mismatch is reported, not only the first.
printf 'CONFIG_A=y\nCONFIG_B=y\n' >"$W/two.frag1"
printf '# CONFIG_A is not set\n' >"$W/two.config"
expect two 1 "2 of 2 requested options"

# Bad input is refused with exit 2.
printf 'XEN=y\n' >"$W/garbage.frag1"
printf 'CONFIG_XEN=y\n' >"$W/garbage.config"
expect garbage 2 "not a config line"
printf 'CONFIG_XEN=y\n' >"$W/noconfig.frag1"
expect noconfig 2 "no such .config"

# The real fragments must ask for everything one kernel needs as dom0 and
# as domU (docs/guests.md), built in; the check above then fails a build
# whose .config lost any of them. Dropping a line from a fragment fails here.
need="XEN_BLKDEV_BACKEND XEN_NETDEV_BACKEND XEN_BLKDEV_FRONTEND XEN_NETDEV_FRONTEND
XEN_BACKEND XEN_GNTDEV XEN_GRANT_DEV_ALLOC XEN_DEV_EVTCHN XENFS XEN_PRIVCMD
HVC_XEN BLK_DEV_LOOP EXT4_FS BRIDGE NET INET IP_PNP PACKET UNIX MAGIC_SYSRQ
DEVTMPFS TMPFS"
for o in $need; do
	cases=$((cases + 1))
	grep -qx "CONFIG_$o=y" linux-patches/configs/*.config ||
		fail "no fragment in linux-patches/configs asks CONFIG_$o=y"
done
grep -qx "# CONFIG_MODULES is not set" linux-patches/configs/*.config ||
	fail "the fragments do not keep modules off (everything must be built in)"

echo "$T: ok ($cases cases)"
