#!/bin/bash
# stream-peer-death.sh - a peer domain destroyed mid-stream.  Xen tells no
# one; argo.ko must notice (its probes find the peer's rings gone) and end
# the connections with ECONNRESET/EOF within seconds: a writer blocked on
# credit, a reader waiting for data, in dom0 and in another domU.  Then every
# socket still closes, nothing is left, rmmod works, and pv2 is recreated.
#
#   dom0: flood ---> pv2: hold (accepts, never reads)   writer blocks
#   dom0: drain ---> pv2: hold (accepts, never writes)  reader blocks
#   pv:   flood ---> pv2: hold                          domU <-> domU
#                    xl destroy pv2 (or pvh when pv2 is not up)
set -u

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then timeout 600 sh -c "$*"; else timeout 600 lab-guest "$d" -- sh -c "$*"; fi
}
dbg='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug'
LIMIT=${LIMIT:-15}

# The victim is pv2 (pvh if pv2 is not up); pv's part needs pv.
V=pv2
lab-guest $V --domid >/dev/null 2>&1 || V=pvh
lab-guest $V --domid >/dev/null 2>&1 || { echo "not ok 1 - no guest to destroy (pv2, pvh) is up"; exit 1; }
havepv=1
lab-guest pv --domid >/dev/null 2>&1 || havepv=0
for d in dom0 $V; do
	on "$d" "modprobe argo; $dbg" || not_ok "$d: modprobe argo"
done
[ $havepv = 1 ] && on pv "modprobe argo; $dbg"
victim=$(lab-guest $V --domid)
echo "# the victim $V is domain $victim"

rm -f /tmp/death.*
on $V "stream_test hold 0x7301 any 600" >/tmp/death.hold1 2>&1 &
on $V "stream_test hold 0x7302 any 600" >/tmp/death.hold2 2>&1 &
on $V "stream_test hold 0x7303 any 600" >/tmp/death.hold3 2>&1 &
on dom0 "stream_test flood $victim 0x7301 300" >/tmp/death.flood0 2>&1 &
f0=$!
on dom0 "stream_test drain $victim 0x7302 300" >/tmp/death.drain0 2>&1 &
d0=$!
fp=
if [ $havepv = 1 ]; then
	on pv "stream_test flood $victim 0x7303 300" >/tmp/death.floodpv 2>&1 &
	fp=$!
fi
pvfiles=/tmp/death.floodpv
[ $havepv = 1 ] || pvfiles=

# Wait until every client is connected (ssh into a loaded lab is slow),
# then let the writers fill their windows and block.
t=0
until [ $t -ge 180 ] || { grep -q connected /tmp/death.flood0 2>/dev/null &&
	grep -q connected /tmp/death.drain0 2>/dev/null &&
	{ [ $havepv = 0 ] || grep -q connected /tmp/death.floodpv 2>/dev/null; }; }; do
	sleep 1; t=$((t + 1))
done
sleep 5
for f in /tmp/death.flood0 /tmp/death.drain0 $pvfiles; do
	check "$(basename "$f"): connected before the destroy" grep -q connected "$f"
done
check "writers and reader still blocked before the destroy" \
	sh -c "! grep -q ended /tmp/death.flood0 /tmp/death.drain0 $pvfiles"

t0=$(date +%s)
check "xl destroy $V" timeout 60 xl destroy $V
for p in $f0 $d0 $fp; do
	timeout 120 tail --pid="$p" -f /dev/null
done
# pv's clock is not dom0's: measure its end from here.
tpv=$(date +%s)

for f in /tmp/death.flood0 /tmp/death.drain0; do
	sed 's/^/# /' "$f"
	line=$(grep ended "$f")
	t1=$(sed -n 's/.*wall clock \([0-9]*\).*/\1/p' <<<"$line")
	[ -n "$t1" ] || t1=$((t0 + 99999))
	check "$(basename "$f"): ended with an error or EOF" \
		grep -Eq 'ended: (Connection reset by peer|Broken pipe|EOF)' <<<"$line"
	check "$(basename "$f"): within $LIMIT s of the destroy ($((t1 - t0)) s)" \
		test $((t1 - t0)) -le "$LIMIT"
done
if [ $havepv = 1 ]; then
	sed 's/^/# /' /tmp/death.floodpv
	check "pv flood: ended with an error" \
		grep -Eq 'ended: (Connection reset by peer|Broken pipe)' /tmp/death.floodpv
	check "pv flood: within $LIMIT s (+ ssh) of the destroy ($((tpv - t0)) s)" \
		test $((tpv - t0)) -le $((LIMIT + 10))
fi

alive=dom0
[ $havepv = 1 ] && alive="dom0 pv"
for d in $alive; do
	c=$(on "$d" "cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	for _ in $(seq 15); do
		grep -q 'rings 0 sockets 0' <<<"$c" && break
		sleep 1
		c=$(on "$d" "cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	done
	check "$d: every socket closed, no ring left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	if [ "$d" = dom0 ]; then km=$(dmesg); else km=$(lab-guest "$d" -- dmesg); fi
	check "$d: no hung task" sh -c '! grep -q "blocked for more than"' <<<"$km"
	check "$d: rmmod argo" on "$d" 'rmmod argo'
	on "$d" 'modprobe argo'
done

# Bring the victim back for whatever runs next.
if timeout 120 xl create -q /etc/xen/$V.cfg >/dev/null 2>&1; then
	t=0
	until timeout 15 lab-guest $V -- true 2>/dev/null || [ $t -ge 240 ]; do
		sleep 2; t=$((t + 2))
	done
	check "$V recreated and reachable" timeout 15 lab-guest $V -- true
	on $V 'modprobe argo' >/dev/null 2>&1
else
	not_ok "$V recreated (xl create failed)"
fi
exit $failed
