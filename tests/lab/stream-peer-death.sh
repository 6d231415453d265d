#!/bin/bash
# stream-peer-death.sh - a peer domain destroyed mid-stream.  Xen tells no
# one; argo.ko must notice (its probes find the peer's rings gone) and end
# the connections with ECONNRESET/EOF within seconds: a writer blocked on
# credit, a reader waiting for data, in dom0 and in another domU.  Then every
# socket still closes, nothing is left, rmmod works, and the victim is
# created again for the scripts after this one.
#
#   dom0: flood ---> pv2: hold (accepts, never reads)   writer blocks
#   dom0: drain ---> pv2: hold (accepts, never writes)  reader blocks
#   pv:   flood ---> pv2: hold                          domU <-> domU
#                    xl destroy pv2 (or pvh when pv2 is not up)
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh
LIMIT=${LIMIT:-15}

# The victim is pv2 when the lab started it, else pvh.
V=pvh
[[ " $ARGO_DOMAINS " == *" pv2 "* ]] && V=pv2
for d in dom0 pv $V; do on "$d" "modprobe argo; $DBGFS"; done
victim=$(domid $V)
echo "# the victim $V is domain $victim"

rm -f /tmp/death.*
holds=
for port in 0x7301 0x7302 0x7303; do
	on $V "stream_test hold $port any 600" >/tmp/death.hold$port 2>&1 &
	holds="$holds $!"
done
on dom0 "stream_test flood $victim 0x7301 300" >/tmp/death.flood0 2>&1 &
f0=$!
on dom0 "stream_test drain $victim 0x7302 300" >/tmp/death.drain0 2>&1 &
d0=$!
on pv "stream_test flood $victim 0x7303 300" >/tmp/death.floodpv 2>&1 &
fp=$!

# Wait until every client is connected (ssh into a loaded lab is slow),
# then let the writers fill their windows and block.
t=0
until [ $t -ge 180 ] || { grep -q connected /tmp/death.flood0 2>/dev/null &&
	grep -q connected /tmp/death.drain0 2>/dev/null &&
	grep -q connected /tmp/death.floodpv 2>/dev/null; }; do
	sleep 1; t=$((t + 1))
done
sleep 5
for f in /tmp/death.flood0 /tmp/death.drain0 /tmp/death.floodpv; do
	check "$(basename "$f"): connected before the destroy" grep -q connected "$f"
done
check "writers and reader still blocked before the destroy" \
	sh -c "! grep -q ended /tmp/death.flood0 /tmp/death.drain0 /tmp/death.floodpv"

t0=$(date +%s)
check "xl destroy $V" timeout 60 xl destroy $V
for p in $f0 $d0 $fp; do
	timeout 120 tail --pid="$p" -f /dev/null
done
# pv's clock is not dom0's: measure its end from here.
tpv=$(date +%s)
# The ssh sessions into the destroyed guest would wait for TCP to give up.
kill $holds 2>/dev/null

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
sed 's/^/# /' /tmp/death.floodpv
check "pv flood: ended with an error" \
	grep -Eq 'ended: (Connection reset by peer|Broken pipe)' /tmp/death.floodpv
check "pv flood: within $LIMIT s (+ ssh) of the destroy ($((tpv - t0)) s)" \
	test $((tpv - t0)) -le $((LIMIT + 10))

for d in dom0 pv; do
	expect_no_leak "$d" 15
	check "$d: no hung task" no_hung_task "$d"
	rmmod_reload "$d"
done

# Bring the victim back for whatever runs next.
if timeout 120 xl create -q /etc/xen/$V.cfg >/dev/null 2>&1; then
	check "$V recreated and reachable" wait_guest $V 240
	on $V 'modprobe argo' >/dev/null 2>&1
else
	not_ok "$V recreated (xl create failed)"
fi
finish
