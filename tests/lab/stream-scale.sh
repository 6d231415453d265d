#!/bin/bash
# stream-scale.sh - 1000 concurrent stream connections between two domains
# (Xen allows 128 rings per domain: connections share the client ring and
# the listener's ring), and the kernel memory they take.
#
#   pv  ==== 1000 connections ====>  dom0 (stream_test echo, one listener)
#   dom0 ==== 1000 connections ===>  pvh
#
# Each connection exchanges its own message; the slab line of argo_stream
# (one object per socket) is printed with all connections open.
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
N=${1:-1000}
domains=dom0
for g in pv pvh; do
	if lab-guest "$g" --domid >/dev/null 2>&1; then domains="$domains $g"
	else echo "# guest $g is not up: its tests are skipped"; fi
done
up() { [[ " $domains " == *" $1 "* ]]; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $*"; }

for d in $domains; do
	on "$d" "modprobe argo; $dbg" || not_ok "$d: modprobe argo"
done

many() {
	local client=$1 server=$2 port=$3 sid log spid rc
	if ! up "$client" || ! up "$server"; then
		skip "$client -> $server: not up"
		return
	fi
	sid=$(domid "$server")
	log=/tmp/stream-scale.$server.$port
	on "$server" "stream_test echo $port any $N" >"$log" 2>&1 &
	spid=$!
	onrelay "$client -> $server: $N connections" "$client" "stream_test many $sid $port $N"
	check "$client -> $server: client exit status 0" test "$last_rc" = 0
	wait "$spid"
	rc=$?
	sed 's/^/# server: /' "$log"
	check "$client -> $server: echo server served $N connections ($rc)" \
		grep -q "served $N connections" "$log"
}

many pv dom0 0x7200
many dom0 pvh 0x7201

for d in $domains; do
	c=$(on "$d" "cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q 'rings 0 sockets 0' <<<"$c" && break
		sleep 1
		c=$(on "$d" "cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	done
	check "$d: no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
done
exit $failed
