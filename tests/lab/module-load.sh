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

# The checks of one domain, run there in one login (each `on` is an ssh
# round trip, seconds under TCG); they print TAP lines that relay renumbers.
# shellcheck disable=SC2016
domain_checks='
t() { d=$1; shift; if "$@"; then echo "ok 1 - $d"; else echo "not ok 1 - $d"; fi; }
counters() { tr "\n" " " </sys/kernel/debug/argo/counters; }
has() { echo "$1" | grep -q "$2"; }
alias_ok() { modinfo -F alias argo | grep -qx xen-argo; }
mode660() { test -c "$1" && [ "$(stat -c %a "$1")" = 660 ]; }
devices_660() { mode660 /dev/argo_dgram && mode660 /dev/argo_stream; }
listings_readable() { cat /sys/kernel/debug/argo/rings /sys/kernel/debug/argo/sockets >/dev/null; }
stats_listed() {
	grep -q "^virqs [0-9]" /sys/kernel/debug/argo/stats &&
		grep -q "^stream_data_sent [0-9]" /sys/kernel/debug/argo/stats
}
devices_gone() { ! test -e /dev/argo_dgram && ! test -e /dev/argo_stream; }
load_message() { dmesg | grep -q "argo: Argo sockets ready"; }
no_argo_errors() {
	! dmesg | grep "argo: " | grep -v -e "module verification failed" -e " 0 failed" |
		grep -E "leak|corrupt|failed"
}
'"$DBGFS"'
t "argo.ko loads (modprobe argo)" modprobe argo
t "alias xen-argo" alias_ok
t "/dev/argo_dgram and /dev/argo_stream are char devices, mode 0660" devices_660
c=$(counters)
t "debugfs counters: no rings, no sockets ($c)" has "$c" "rings 0 sockets 0"
t "debugfs rings and sockets listings readable" listings_readable
t "debugfs stats lists ring and stream event counts" stats_listed
exec 3<>/dev/argo_dgram
c=$(counters)
exec 3>&-
t "counters while a socket is open show it ($c)" has "$c" "sockets 1"
c=$(counters)
t "counters back to zero after close ($c)" has "$c" "rings 0 sockets 0"
t "rmmod argo" rmmod argo
t "devices gone after rmmod" devices_gone
t "load again" modprobe argo
t "load message in the kernel log" load_message
t "no argo errors in the kernel log" no_argo_errors
'

for d in $ARGO_DOMAINS; do
	onrelay "$d" "$d" "$domain_checks"
	check "$d: the checks ran to the end (status $last_rc)" test "$last_rc" = 0
done
finish
