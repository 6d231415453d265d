#!/bin/bash
# module-load.sh - argo.ko in every domain of the lab: the devices and their
# mode, the debugfs listing and its counters, the load message, rmmod with
# nothing left behind, and loading again.
#
#      dom0            pv            pvh           pv2
#   [argo.ko]      [argo.ko]     [argo.ko]     [argo.ko]     (each on its own)
set -u

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# on DOM CMD: run a shell command in dom0 or in a guest.
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then sh -c "$*"; else timeout 300 lab-guest "$d" -- sh -c "$*"; fi
}
dbg='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug'
counters() { on "$1" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' '; }

for d in dom0 pv pvh pv2; do
	on "$d" true >/dev/null 2>&1 || { echo "# $d: not reachable, skipped"; continue; }
	check "$d: argo.ko loads (modprobe argo)" on "$d" 'modprobe argo'
	check "$d: alias xen-argo" on "$d" 'modinfo -F alias argo | grep -qx xen-argo'
	check "$d: /dev/argo_dgram and /dev/argo_stream are char devices, mode 0660" \
		on "$d" 'test -c /dev/argo_dgram && test -c /dev/argo_stream &&
			 [ "$(stat -c %a /dev/argo_dgram)" = 660 ] &&
			 [ "$(stat -c %a /dev/argo_stream)" = 660 ]'
	c=$(counters "$d")
	check "$d: debugfs counters: no rings, no sockets ($c)" \
		grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: debugfs rings and sockets listings readable" \
		on "$d" "$dbg; cat /sys/kernel/debug/argo/rings /sys/kernel/debug/argo/sockets >/dev/null"
	out=$(on "$d" "$dbg; exec 3<>/dev/argo_dgram; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	check "$d: counters while a socket is open show it ($out)" grep -q 'sockets 1' <<<"$out"
	c=$(counters "$d")
	check "$d: counters back to zero after close ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: rmmod argo" on "$d" 'rmmod argo'
	check "$d: devices gone after rmmod" on "$d" '! test -e /dev/argo_dgram && ! test -e /dev/argo_stream'
	check "$d: load again" on "$d" 'modprobe argo'
	check "$d: load message in the kernel log" \
		on "$d" 'dmesg | grep -q "argo: Argo sockets ready"'
	check "$d: no argo errors in the kernel log" \
		on "$d" '! dmesg | grep "argo: " | grep -v "module verification failed" |
			 grep -E "leak|corrupt|failed"'
done

[ "$n" -gt 0 ] || { echo "no domain reachable"; exit 1; }
exit $failed
