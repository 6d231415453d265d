#!/bin/bash
# stream-basic.sh - stream sockets in one domain and across domains.
#
#   every domain:  stream_test local   (both ends local: refused, accept,
#                  addresses, non-blocking connect, backlog, half-close,
#                  reset, flow control, fairness, 16 MiB each way)
#   dom0, pv:      stream_test hostile (forged messages through debugfs)
#
#   client                         server (stream_test serve)
#   dom0  ==== 16 MiB each way ==> pv
#   pv    ==== 16 MiB each way ==> dom0
#   dom0  ==== 16 MiB each way ==> pvh
#   pv2   ==== 16 MiB each way ==> pv      (domU <-> domU)
#
# Then no ring or socket may be left anywhere, and rmmod works.
set -u

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then timeout 900 sh -c "$*"; else timeout 900 lab-guest "$d" -- sh -c "$*"; fi
}
domid() { if [ "$1" = dom0 ]; then echo 0; else lab-guest "$1" --domid; fi; }
# Prefix the TAP lines of a program with what ran; keep the rest as comments.
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
# Run "on ARGS..." and relay its TAP lines in this shell (not a pipeline's
# subshell, so the numbering and the failure flag carry on); rc in last_rc.
onrelay() {
	local label=$1 tmp
	shift
	tmp=$(mktemp)
	on "$@" >"$tmp" 2>&1
	last_rc=$?
	relay "$label" <"$tmp"
	rm -f "$tmp"
}
dbg='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug'
# The loaded lab sometimes starts fewer guests: test what is up, skip the rest.
domains=dom0
for g in pv pvh pv2; do
	if lab-guest "$g" --domid >/dev/null 2>&1; then domains="$domains $g"
	else echo "# guest $g is not up: its tests are skipped"; fi
done
up() { [[ " $domains " == *" $1 "* ]]; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $*"; }

for d in $domains; do
	on "$d" 'modprobe argo' || not_ok "$d: modprobe argo"
done

for d in dom0 pv pvh; do
	up "$d" || { skip "$d local: not up"; continue; }
	onrelay "$d local" "$d" 'stream_test local'
	check "$d local: exit status 0" test "$last_rc" = 0
done

# Forged packets (root-only debugfs hook, enabled for this test only).
for d in dom0 pv; do
	up "$d" || { skip "$d hostile: not up"; continue; }
	onrelay "$d hostile" "$d" "$dbg; echo 1 >/sys/module/argo/parameters/stream_inject; stream_test hostile; rc=\$?; echo 0 >/sys/module/argo/parameters/stream_inject; exit \$rc"
	check "$d hostile: exit status 0" test "$last_rc" = 0
done

port=0x7100
mib16=$((16 * 1024 * 1024))
transfer() {
	local client=$1 server=$2 sid log spid rc
	if ! up "$client" || ! up "$server"; then
		skip "$client -> $server: not up"
		return
	fi
	sid=$(domid "$server")
	port=$((port + 1))
	log=/tmp/stream-basic.$server.$port
	on "$server" "stream_test serve $port any 1" >"$log" 2>&1 &
	spid=$!
	onrelay "$client -> $server($sid)" "$client" "stream_test client $sid $port $mib16 $mib16"
	check "$client -> $server: client exit status 0" test "$last_rc" = 0
	wait "$spid"
	rc=$?
	sed 's/^/# server: /' "$log"
	check "$client -> $server: server exit status 0 ($rc)" test "$rc" = 0
	check "$client -> $server: server saw all data" \
		grep -q "connection done: got $mib16 sent $mib16" "$log"
}

transfer dom0 pv
transfer pv dom0
transfer dom0 pvh
if up pv2; then transfer pv2 pv; else transfer pvh pv; fi

for d in $domains; do
	c=$(on "$d" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	# Closed connections may owe a FIN for a moment: give them time.
	for _ in 1 2 3 4 5; do
		grep -q 'rings 0 sockets 0' <<<"$c" && break
		sleep 1
		c=$(on "$d" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	done
	check "$d: no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: rmmod argo" on "$d" 'rmmod argo'
	on "$d" 'modprobe argo'
done
exit $failed
