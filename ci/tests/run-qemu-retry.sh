#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/run-qemu.sh's batch mode against a stand-in QEMU: one that dies of
# SIGSEGV on its first run is run once more (QEMU 7.2's MTTCG crash, see
# the script), the crashed run's log kept; a second crash, a guest failure
# or a timeout is passed through as it is, never retried.
. "$(dirname "$0")/../lib.sh"

fake=$TEST_DIR/fake-qemu
count=$TEST_DIR/runs
# The stand-in: writes its run number to the serial "file:" it is given,
# then behaves as $FAKE_PLAN says for that run (segv, or an exit status).
cat >"$fake" <<'SH'
#!/usr/bin/env bash
n=$(( $(cat "$FAKE_COUNT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$FAKE_COUNT"
for a in "$@"; do case $a in file:*) echo "run $n" >"${a#file:}" ;; esac; done
what=$(echo "$FAKE_PLAN" | cut -d' ' -f"$n")
if [ "$what" = segv ]; then kill -SEGV $$; fi
exit "${what:-0}"
SH
chmod +x "$fake"

# run PLAN: run-qemu.sh with the stand-in; sets rc and runs.
run() {
	rm -f "$count" "$TEST_DIR/log" "$TEST_DIR/log.qemu-crash"
	rc=0
	FAKE_PLAN=$1 FAKE_COUNT=$count QEMU=$fake WARD_LOG=$TEST_DIR/log WARD_TIMEOUT=20 \
		scripts/run-qemu.sh kernel "$fake" "" 2>"$TEST_DIR/stderr" || rc=$?
	runs=$(cat "$count")
}

run "segv 1"
[ "$rc" -eq 1 ] && [ "$runs" -eq 2 ] && ok "a SIGSEGV is run once more (status $rc, $runs runs)" ||
	bad "a SIGSEGV is run once more (status $rc, $runs runs; want 1, 2)"
expect "$TEST_DIR/log" '^run 2$' "the log is the second run's"
expect "$TEST_DIR/log.qemu-crash" '^run 1$' "the crashed run's log is kept"
expect "$TEST_DIR/stderr" '^run-qemu: QEMU itself crashed' "it says so"

run "segv segv"
[ "$rc" -eq 139 ] && [ "$runs" -eq 2 ] && ok "a second SIGSEGV is passed on (status $rc, $runs runs)" ||
	bad "a second SIGSEGV is passed on (status $rc, $runs runs; want 139, 2)"

run "3"
[ "$rc" -eq 3 ] && [ "$runs" -eq 1 ] && ok "a guest's failure is not retried (status $rc, $runs runs)" ||
	bad "a guest's failure is not retried (status $rc, $runs runs; want 3, 1)"
finish
