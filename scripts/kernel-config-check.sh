#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Check that a kernel .config really has every option the fragments ask for.
#
# Usage: scripts/kernel-config-check.sh DOTCONFIG FRAGMENT [FRAGMENT...]
#
# Kconfig silently drops an option whose dependencies are unmet, so a merged
# config can lack what a fragment asked for without any error. For each
# `CONFIG_X=value` line the final .config must hold exactly that value, and
# for each `# CONFIG_X is not set` line it must not set X. Fragments are
# read in order and a later request for the same option replaces an earlier
# one, as merge_config.sh does. Every mismatch is reported, then the script
# exits 1; it exits 0 with one summary line when all requests are met.
set -euo pipefail

PROG=kernel-config-check
die() { echo "$PROG: error: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: scripts/kernel-config-check.sh DOTCONFIG FRAGMENT [FRAGMENT...]"
DOTCONFIG=$1
shift
[ -f "$DOTCONFIG" ] || die "no such .config: '$DOTCONFIG'"
for f in "$@"; do
	[ -f "$f" ] || die "no such fragment: '$f'"
done

# What the final .config has: name -> value, "" for "is not set".
declare -A have=()
while IFS= read -r line || [ -n "$line" ]; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		have[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		have[${BASH_REMATCH[1]}]=
	fi
done <"$DOTCONFIG"

# What the fragments ask for, keeping the order of first mention so that
# the report reads like the fragments. want[X] is the value or "" for unset.
declare -A want=() where=()
order=()
for f in "$@"; do
	fname=$(basename "$f")
	n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%"${line##*[![:space:]]}"}
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.+)$ ]]; then
			name=${BASH_REMATCH[1]}
			val=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			val=
		elif [[ -z $line || $line =~ ^# ]]; then
			continue
		else
			die "$f:$n: not a config line: '$line'"
		fi
		[ -n "${want[$name]+x}" ] || order+=("$name")
		want[$name]=$val
		where[$name]=$fname:$n
	done <"$f"
done

bad=0
for name in "${order[@]}"; do
	val=${want[$name]}
	if [ -n "${have[$name]+x}" ]; then got=${have[$name]}; else got=; fi
	[ "$val" = "$got" ] && continue
	bad=$((bad + 1))
	if [ -z "$val" ]; then
		echo "$PROG: error: fragment asks $name unset but .config has $name=$got (${where[$name]})" >&2
	elif [ -z "$got" ]; then
		echo "$PROG: error: fragment asks $name=$val but .config has it unset (${where[$name]})" >&2
	else
		echo "$PROG: error: fragment asks $name=$val but .config has $name=$got (${where[$name]})" >&2
	fi
done

if [ "$bad" -ne 0 ]; then
	echo "$PROG: error: $bad of ${#order[@]} requested options not as asked; add their missing dependencies to the fragments" >&2
	exit 1
fi
echo "$PROG: all ${#order[@]} requested options present in $DOTCONFIG"
