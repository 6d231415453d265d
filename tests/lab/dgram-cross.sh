#!/bin/bash
# dgram-cross.sh - datagrams between domains: dom0<->PV, dom0<->PVH,
# domU<->domU (PV<->PVH, PV<->PV), with the server's ring accepting only
# the client's domain.  Each exchange checks contents, boundaries (0 to
# 200000 bytes) and that the echo's source address is the server's; the
# server logs the source it saw, which must be the client's domid.  Then no
# ring or socket may be left, and rmmod works everywhere.
#
#   client                     server (dgram_peer serve, echo)
#   dom0  --- dgram ------->   pv      and back
#   pv    --- dgram ------->   dom0
#   dom0  --- dgram ------->   pvh
#   pvh   --- dgram ------->   pv      (domU <-> domU)
#   pv2   --- dgram ------->   pv      (two PV guests)
set -u
# relay runs at the end of pipelines: keep it in this shell (counters).
shopt -s lastpipe

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then sh -c "$*"; else timeout 600 lab-guest "$d" -- sh -c "$*"; fi
}
domid() { if [ "$1" = dom0 ]; then echo 0; else lab-guest "$1" --domid; fi; }
relay() {
	local line re='^(not )?ok [0-9]+ - (.*)$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			if [ -z "${BASH_REMATCH[1]}" ]; then ok "$1: ${BASH_REMATCH[2]}"
			else not_ok "$1: ${BASH_REMATCH[2]}"; fi
		else
			echo "# $line"
		fi
	done
}
dbg='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug'

rounds=3 nsizes=11
count=$((1 + rounds * nsizes))
port=0x6000

exchange() {
	local client=$1 server=$2 cid sid log spid rc
	cid=$(domid "$client") sid=$(domid "$server")
	if [ -z "$cid" ] || [ -z "$sid" ]; then
		not_ok "$client -> $server: domain ids unknown ('$cid' '$sid')"
		return
	fi
	port=$((port + 1))
	log=/tmp/dgram-cross.$server.$port
	on "$server" "dgram_peer serve $port $cid $count" >"$log" 2>&1 &
	spid=$!
	on "$client" "dgram_peer ping $sid $port $rounds" 2>&1 | relay "$client($cid) -> $server($sid)"
	rc=${PIPESTATUS[0]}
	check "$client -> $server: client exited 0 (rc $rc; 255 = ssh failed)" test "$rc" = 0
	wait "$spid"
	rc=$?
	sed 's/^/# server: /' "$log" | head -5
	check "$client -> $server: server echoed $count messages and exited 0 (rc $rc)" test "$rc" = 0
	check "$client -> $server: server saw source domain $cid" \
		grep -q "bytes from $cid:0x" "$log"
	check "$client -> $server: every source was the client's domain" \
		test "$(grep -c 'bytes from' "$log")" = "$(grep -c "bytes from $cid:0x" "$log")"
}

for d in dom0 pv pvh pv2; do
	on "$d" 'modprobe argo' || not_ok "$d: modprobe argo"
done

exchange dom0 pv
exchange pv dom0
exchange dom0 pvh
exchange pvh pv
exchange pv2 pv

for d in dom0 pv pvh pv2; do
	c=$(on "$d" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	check "$d: no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: rmmod argo" on "$d" 'rmmod argo'
	on "$d" 'modprobe argo'
done
exit $failed
