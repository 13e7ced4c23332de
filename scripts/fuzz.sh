#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: the hostile tier's long run. Boots the domctl test guest as
# dom0 over and over (QEMU TCG, as ci/tests/guest-tests.sh does); each boot
# runs seeds through every kind of child: the structured attackers
# (attack=pt desc xenheap grant dbg batch, at the long scale) and the
# random ones (fuzz, insnfuzz). See README.md "Fuzzing" and
# hypervisor/tests/guests/README.md.
#
# A boot is a host failure when Ward faults (PANIC, FATAL TRAP, ASSERT),
# the machine stops printing for FUZZ_STALL seconds, dom0 reports a
# failure (a child's BREACH or failed check, memory that did not come
# back) or no result. The run stops at the first (unless FUZZ_KEEP_GOING)
# and prints the seed, the kind, the log and the command that replays it.
#
# Settings (environment, or make variables: make fuzz FUZZ_MINUTES=60):
#   FUZZ_MINUTES=60     time budget; 0 = no limit (then FUZZ_SEEDS ends it)
#   FUZZ_SEEDS=N        seeds to run (default: as many as the time allows)
#   FUZZ_SEED=S         first seed (default: from the clock, printed)
#   FUZZ_KINDS=a+b+...  default pt+desc+xenheap+grant+dbg+batch+fuzz+insnfuzz
#   FUZZ_PER_BOOT=1     seeds per boot (more: children pile up on one host)
#   FUZZ_LONG=1         the long scale (0: the bounded scale of make test)
#   FUZZ_KEEP_GOING=0   1: count host failures and go on
#   FUZZ_STALL=240      seconds of silence that mean the machine froze
#   FUZZ_DIR=build/fuzz logs (a passing boot's log is removed)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

die() { echo "fuzz: error: $*" >&2; exit 2; }

MINUTES=${FUZZ_MINUTES:-60}
SEEDS=${FUZZ_SEEDS:-0}
SEED=${FUZZ_SEED:-$(( $(date +%s) % 1000000 ))}
KINDS=${FUZZ_KINDS:-pt+desc+xenheap+grant+dbg+batch+fuzz+insnfuzz}
PER_BOOT=${FUZZ_PER_BOOT:-1}
LONG=${FUZZ_LONG:-1}
KEEP_GOING=${FUZZ_KEEP_GOING:-0}
STALL=${FUZZ_STALL:-240}
DIR=${FUZZ_DIR:-build/fuzz}
HV_ARGS="test_exit loglvl=all dom0_mem=64M"
GUEST=build/guests/domctl.elf

for v in MINUTES SEEDS SEED PER_BOOT STALL; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "FUZZ_$v must be a number (got '${!v}')"
done
SEED=$((10#$SEED))	# "0012" is twelve, not octal
[ "$PER_BOOT" -ge 1 ] || die "FUZZ_PER_BOOT must be at least 1"
[ "$MINUTES" -gt 0 ] || [ "$SEEDS" -gt 0 ] || die "FUZZ_MINUTES=0 needs FUZZ_SEEDS"
[[ $KINDS =~ ^[a-z]+(\+[a-z]+)*$ ]] || die "FUZZ_KINDS is kinds joined by '+' (got '$KINDS')"
if [ ! -f build/ward.elf ] || [ ! -f "$GUEST" ]; then
	die "build first: make hypervisor guests"
fi
mkdir -p "$DIR"
nr_kinds=$(tr '+' '\n' <<<"$KINDS" | wc -l)
long_word=""
[ "$LONG" != 1 ] || long_word=long
# A boot's ceiling: dom0 waits at most 9 x 20 s per long child (3 x 20 s otherwise).
per_child=$([ "$LONG" = 1 ] && echo 200 || echo 80)
boot_cap=$((60 + PER_BOOT * nr_kinds * per_child))

start=$SECONDS
deadline=$((MINUTES > 0 ? start + MINUTES * 60 : 0))
done_seeds=0 failures=0 held=0 crashed=0 destroyed=0
first_failure=""

hms() { printf '%d:%02d:%02d' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }

progress() {
	local el=$((SECONDS - start)) total left eta
	if [ "$SEEDS" -gt 0 ]; then
		total=$SEEDS
	elif [ "$done_seeds" -gt 0 ]; then
		left=$((deadline > SECONDS ? deadline - SECONDS : 0))
		total="~$((done_seeds + left * done_seeds / (el > 0 ? el : 1)))"
	else
		total="?"
	fi
	if [ "$deadline" -gt 0 ]; then
		left=$((deadline - SECONDS))
		[ "$left" -ge 0 ] || left=0
	fi
	if [ "$SEEDS" -gt 0 ] && [ "$done_seeds" -gt 0 ]; then
		eta=$(( (SEEDS - done_seeds) * el / done_seeds ))
		[ -z "${left:-}" ] || [ "$eta" -le "$left" ] || eta=$left
	else
		eta=${left:-0}
	fi
	printf 'fuzz: [%s] seeds %d/%s, host failures %d, children %d held %d crashed %d destroyed, %s left\n' \
		"$(hms "$el")" "$done_seeds" "$total" "$failures" "$held" "$crashed" "$destroyed" "$(hms "$eta")"
}

# boot LOG FIRST COUNT: one machine; sets $rc and $stalled.
boot() {
	local log=$1 pid last_size=-1 quiet=0 size
	rm -f "$log"
	stalled=0
	# A process group of its own, so a frozen machine can be stopped whole.
	WARD_LOG=$log WARD_TIMEOUT=$boot_cap setsid scripts/run-qemu.sh kernel build/ward.elf \
		"$HV_ARGS" "$GUEST fuzzrun kinds=$KINDS seed=$2 count=$3 $long_word,$GUEST" \
		>"$log.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" = "$last_size" ]; then
			quiet=$((quiet + 5))
		else
			quiet=0
			last_size=$size
		fi
		if [ "$quiet" -ge "$STALL" ]; then
			stalled=1
			kill -TERM -- "-$pid" 2>/dev/null
			sleep 2
			kill -KILL -- "-$pid" 2>/dev/null
			break
		fi
	done
	wait "$pid"
	rc=$?
}

# verdict LOG: empty when the boot passed, else why it did not.
verdict() {
	local log=$1 hit
	hit=$(tr -d '\r' <"$log" | grep -aE -m1 'PANIC|FATAL TRAP|ASSERT')
	if [ -n "$hit" ]; then echo "hypervisor fault: $hit"; return; fi
	if [ "$stalled" = 1 ]; then echo "the machine stopped answering (no output for ${STALL}s)"; return; fi
	if [ "$rc" = 124 ]; then echo "the boot ran past its ${boot_cap}s ceiling"; return; fi
	hit=$(tr -d '\r' <"$log" | grep -aE -m1 '^Test result: ')
	if [ -z "$hit" ]; then echo "dom0 never reported (QEMU status $rc)"; return; fi
	if [ "$hit" != "Test result: SUCCESS" ]; then
		echo "dom0: ${hit#Test result: }"
		return
	fi
	[ "$rc" = 1 ] || echo "QEMU status $rc after a SUCCESS"
}

# excerpt LOG: what to show of a failed boot: the fault and its dump, or
# the failure lines, or the last lines before the machine went quiet.
excerpt() {
	if tr -d '\r' <"$1" | grep -aqE 'PANIC|FATAL TRAP|ASSERT'; then
		tr -d '\r' <"$1" | grep -aE -m1 -A12 'PANIC|FATAL TRAP|ASSERT'
	elif tr -d '\r' <"$1" | grep -aqE 'BREACH|FAIL'; then
		tr -d '\r' <"$1" | grep -aE 'BREACH|FAIL' | head -n 8
	else
		tr -d '\r' <"$1" | tail -n 8
	fi
}

# culprit LOG WHY: "KIND seed N": for a fault or a freeze the child that was
# running (the last one started), else the first one dom0 failed.
culprit() {
	local c=""
	case $2 in
	dom0:*) c=$(tr -d '\r' <"$1" | grep -aoE '^fuzz: [a-z]+ seed [0-9]+: FAILED' | head -n1) ;;
	esac
	[ -n "$c" ] || c=$(tr -d '\r' <"$1" | grep -aoE '^fuzz: [a-z]+ seed [0-9]+: start' | tail -n1)
	c=${c#fuzz: }
	echo "${c%%:*}"
}

echo "fuzz: kinds $KINDS, from seed $SEED, $PER_BOOT per boot, $([ "$LONG" = 1 ] && echo long || echo bounded) scale," \
	"$([ "$MINUTES" -gt 0 ] && echo "$MINUTES minutes" || echo "no time limit")$([ "$SEEDS" -gt 0 ] && echo ", $SEEDS seeds"); logs in $DIR"
seed=$SEED
while :; do
	[ "$SEEDS" -eq 0 ] || [ "$done_seeds" -lt "$SEEDS" ] || break
	[ "$deadline" -eq 0 ] || [ "$SECONDS" -lt "$deadline" ] || break
	n=$PER_BOOT
	[ "$SEEDS" -eq 0 ] || [ $((SEEDS - done_seeds)) -ge "$n" ] || n=$((SEEDS - done_seeds))
	log=$DIR/seed-$seed.log
	boot "$log" "$seed" "$n"
	why=$(verdict "$log")
	c=$(tr -d '\r' <"$log" | grep -aE '^fuzz: [a-z]+ seed [0-9]+: ' || true)
	held=$((held + $(grep -c ': held$' <<<"$c")))
	crashed=$((crashed + $(grep -c ': crashed alone$' <<<"$c")))
	destroyed=$((destroyed + $(grep -c ': did not finish; destroyed$' <<<"$c")))
	done_seeds=$((done_seeds + n))
	if [ -n "$why" ]; then
		failures=$((failures + 1))
		who=$(culprit "$log" "$why")
		kind=${who%% *}
		bad_seed=${who##* }
		echo "fuzz: HOST FAILURE in seeds $seed..$((seed + n - 1)): $why"
		[ -z "$who" ] || echo "fuzz:   while running $who"
		excerpt "$log" | sed 's/^/fuzz:   | /'
		echo "fuzz:   log: $log"
		if [ -n "$who" ]; then
			echo "fuzz:   replay: make fuzz FUZZ_SEED=$bad_seed FUZZ_SEEDS=1 FUZZ_KINDS=$kind FUZZ_LONG=$LONG"
		else
			echo "fuzz:   replay: make fuzz FUZZ_SEED=$seed FUZZ_SEEDS=$n FUZZ_KINDS=$KINDS FUZZ_LONG=$LONG"
		fi
		[ -n "$first_failure" ] || first_failure="${who:-seed $seed}: $why"
		[ "$KEEP_GOING" = 1 ] || { progress; break; }
	else
		rm -f "$log" "$log.qemu"
	fi
	progress
	seed=$((seed + n))
done
el=$((SECONDS - start))
summary="fuzz: $done_seeds seeds ($SEED..$((SEED + done_seeds - 1)), $KINDS) in $(hms "$el"): $failures host failure(s)"
summary+=", children $held held, $crashed crashed alone, $destroyed destroyed"
[ -z "$first_failure" ] || summary+="; first: $first_failure"
echo "$summary"
[ "$failures" -eq 0 ]
