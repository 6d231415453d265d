#!/bin/bash
# module-load.sh - argo.ko in every domain of the lab: the devices and their
# mode, the debugfs listing and its counters, the load message, rmmod with
# nothing left behind, and loading again.
#
#      dom0            pv            pvh          (pv2 when started)
#   [argo.ko]      [argo.ko]     [argo.ko]     [argo.ko]     (each on its own)
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh

for d in $ARGO_DOMAINS; do
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
		on "$d" "$DBGFS; cat /sys/kernel/debug/argo/rings /sys/kernel/debug/argo/sockets >/dev/null"
	out=$(on "$d" "$DBGFS; exec 3<>/dev/argo_dgram; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	check "$d: counters while a socket is open show it ($out)" grep -q 'sockets 1' <<<"$out"
	c=$(counters "$d")
	check "$d: counters back to zero after close ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: rmmod argo" on "$d" 'rmmod argo'
	check "$d: devices gone after rmmod" on "$d" '! test -e /dev/argo_dgram && ! test -e /dev/argo_stream'
	check "$d: load again" on "$d" 'modprobe argo'
	check "$d: load message in the kernel log" \
		on "$d" 'dmesg | grep -q "argo: Argo sockets ready"'
	# An earlier script in the same boot may have saved and restored the
	# guest: "resume: N rings registered again, 0 failed" is not an error.
	check "$d: no argo errors in the kernel log" \
		on "$d" '! dmesg | grep "argo: " | grep -v -e "module verification failed" -e " 0 failed" |
			 grep -E "leak|corrupt|failed"'
done
finish
