#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run every Ward test: build, host unit tests (cmocka, TAP), then each
# integration test in ci/tests/. Each unit test case and each integration
# script counts once. Logs go to build/test-logs/. The last line is
# "N passed, N failed"; the exit status is non-zero if anything failed.
#
# Usage: ci/run-tests.sh [PATTERN]   (PATTERN filters ci/tests/*.sh by name)
set -uo pipefail

cd "$(dirname "$0")/.."
logs=build/test-logs
mkdir -p "$logs"
pattern=${1:-}
passed=0 failed=0 skipped=0
failures=()

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1${2:+: $2}"; }

echo "== build"
# The kernel comes from its cache when unchanged; unit tests read it too.
if make --no-print-directory iso kernel guests >"$logs/build.log" 2>&1; then
	pass build
else
	fail build "see $logs/build.log"
	tail -n 20 "$logs/build.log"
fi

echo "== host unit tests"
if make --no-print-directory -C hypervisor O=../build unit-tests >"$logs/unit-build.log" 2>&1 &&
	make --no-print-directory -C dom0-rootfs/tools O="$PWD/build/tools" unit-tests >>"$logs/unit-build.log" 2>&1; then
	# The hypervisor's tests, then the dom0 tools' (named tools-test-* in logs).
	for t in build/tests/unit/test-* build/tools/tests/test-*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		case $t in build/tools/*) name=tools-$name ;; esac
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$logs/$name.log" 2>&1
		rc=$?
		# TAP: "# SKIP" marks a skipped case, whether cmocka prints ok or not ok.
		skip=$(grep -cE '^(not )?ok .*# SKIP' "$logs/$name.log")
		ok=$(grep -E '^ok ' "$logs/$name.log" | grep -vc '# SKIP')
		bad=$(grep -E '^not ok ' "$logs/$name.log" | grep -vc '# SKIP')
		passed=$((passed + ok))
		skipped=$((skipped + skip))
		if [ "$bad" -gt 0 ] || { [ $rc -ne 0 ] && [ "$ok" -eq 0 ]; } || [ $((ok + bad + skip)) -eq 0 ]; then
			[ "$bad" -gt 0 ] || bad=1
			failed=$((failed + bad))
			failures+=("$name")
			echo "FAIL $name: $bad case(s), see $logs/$name.log"
			grep -E '^not ok|ERROR|error' "$logs/$name.log" | head -n 10
		else
			if [ "$skip" -gt 0 ]; then echo "PASS $name ($ok cases, $skip skipped)"; else echo "PASS $name ($ok cases)"; fi
		fi
	done
else
	fail unit-build "see $logs/unit-build.log"
	tail -n 20 "$logs/unit-build.log"
fi

echo "== integration tests"
# What a test's output shows when QEMU itself died of SIGSEGV.
QEMU_CRASHED='Segmentation fault.*(QEMU|qemu)|\(status 139, want|QEMU itself crashed'
for t in ci/tests/*.sh; do
	name=$(basename "$t" .sh)
	[ -z "$pattern" ] || [[ $name == *$pattern* ]] || continue
	start=$SECONDS
	note=
	ok=0
	bash "$t" >"$logs/$name.log" 2>&1 && ok=1
	# QEMU 7.2's multi-threaded TCG can crash during a dom0's PCI probe
	# (scripts/run-qemu.sh says why): such a run says nothing about Ward,
	# so the test runs once more, and says so.
	if [ "$ok" -eq 0 ] && grep -qE "$QEMU_CRASHED" "$logs/$name.log"; then
		mv "$logs/$name.log" "$logs/$name.qemu-crash.log"
		note=", run again after QEMU crashed (SIGSEGV)"
		bash "$t" >"$logs/$name.log" 2>&1 && ok=1
	fi
	if [ "$ok" -eq 1 ]; then
		pass "$name ($((SECONDS - start))s$note)"
	else
		fail "$name" "$(grep -m1 -E 'FAIL|error' "$logs/$name.log" || tail -n 1 "$logs/$name.log")"
		tail -n 15 "$logs/$name.log" | sed 's/^/    /'
	fi
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
