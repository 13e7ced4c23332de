# SPDX-License-Identifier: GPL-2.0-only
# Helpers shared by the integration tests in ci/tests/. Source it; each
# check prints one line and records a failure; finish() sets the status.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TEST_DIR=build/test-runs/$(basename "$0" .sh)
mkdir -p "$TEST_DIR"
_failures=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; _failures=$((_failures + 1)); }

# Lines of LOG matching REGEX. grep reads all its input (no -q): with
# pipefail, an early exit would kill tr with SIGPIPE and fail the match.
_matches() {
	tr -d '\r' <"$1" | grep -aE -- "$2"
}

# expect LOG REGEX WHAT: the serial log has a line matching REGEX.
expect() {
	if _matches "$1" "$2" >/dev/null; then ok "$3"; else bad "$3 (no line matching /$2/ in $1)"; fi
}

# reject LOG REGEX WHAT: no line matches REGEX.
reject() {
	local hit

	hit=$(_matches "$1" "$2" | head -n 1)
	if [ -n "$hit" ]; then
		bad "$3 (found: $hit)"
	else
		ok "$3"
	fi
}

# expect_status GOT WANT WHAT
expect_status() {
	if [ "$1" -eq "$2" ]; then ok "$3 (status $1)"; else bad "$3 (status $1, want $2)"; fi
}

# QEMU's isa-debug-exit status for Ward's test exit codes.
QEMU_EXIT_OK=1		# arch_power_off(0): dom0 gone, run over
QEMU_EXIT_NO_DOM0=5	# no dom0 could be built: code 2
QEMU_EXIT_FATAL=7	# fatal trap or panic: code 3
QEMU_TIMEOUT=124

# boot_kernel LOG TIMEOUT "HV ARGS" [MODULES]: multiboot1 boot of build/ward.elf.
boot_kernel() {
	local log=$1 t=$2
	shift 2
	rm -f "$log"
	WARD_LOG=$log WARD_TIMEOUT=$t scripts/run-qemu.sh kernel build/ward.elf "$@"
}

# boot_iso LOG TIMEOUT ISO
boot_iso() {
	rm -f "$1"
	WARD_LOG=$1 WARD_TIMEOUT=$2 scripts/run-qemu.sh iso "$3"
}

finish() {
	if [ "$_failures" -ne 0 ]; then
		echo "FAIL: $_failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# typed_session BASE TIMEOUT RUN-QEMU-ARGS...: boot with the serial line
# on the FIFOs BASE.in/BASE.out and logged to BASE.log, while the caller's
# type_into FIFO LOG types into it; rc is set to QEMU's exit status.
typed_session() {
	local base=$1 t=$2 reader feeder
	shift 2
	rc=0
	rm -f "$base.in" "$base.out" "$base.log"
	mkfifo "$base.in" "$base.out"
	cat "$base.out" >"$base.log" &
	reader=$!
	type_into "$base.in" "$base.log" &
	feeder=$!
	WARD_SERIAL_PIPE=$base WARD_TIMEOUT=$t scripts/run-qemu.sh "$@" || rc=$?
	kill "$feeder" 2>/dev/null
	wait "$reader" 2>/dev/null
	rm -f "$base.in" "$base.out"
}

# dom0_prompts LOG: how many dom0 shell prompts ("ward-dom0:DIR# ") the log
# shows so far.
dom0_prompts() {
	grep -ao 'ward-dom0:[^#]*# ' "$1" 2>/dev/null | wc -l
}

# dom0_type FIFO LOG [STEPS]: wait (up to 10 minutes) for dom0's shell on
# the serial line, then type each line of stdin once the previous one has
# given its prompt back: typing ahead would interleave the echo of the next
# command with this one's output. A command may take STEPS quarter-seconds
# (default 240) before the next is typed anyway.
dom0_type() {
	local in=$1 log=$2 steps=${3:-240} i n line

	exec 3>"$in"
	for i in $(seq 1 1200); do
		[ "$(dom0_prompts "$log")" -ge 1 ] && break
		sleep 0.5
	done
	while IFS= read -r line; do
		n=$(dom0_prompts "$log")
		printf '%s\r' "$line" >&3
		for i in $(seq 1 "$steps"); do
			[ "$(dom0_prompts "$log")" -gt "$n" ] && break
			sleep 0.25
		done
	done
}
