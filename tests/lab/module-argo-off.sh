#!/bin/bash
# xen-lab: --argo off
# module-argo-off.sh - on a Xen whose Argo is off, loading argo.ko fails
# and says what to do, in dom0 and in every guest.
#
#      dom0 (Xen booted without argo=1)          pv, pvh
#      modprobe argo -> EOPNOTSUPP + hint        the same
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"

for d in dom0 ${LAB_GUESTS:-}; do
	on "$d" true >/dev/null 2>&1 || { not_ok "$d: not reachable"; continue; }
	out=$(on "$d" 'modprobe argo 2>&1; echo "rc=$?"')
	check "$d: modprobe argo fails ($(tr '\n' ' ' <<<"$out"))" grep -q 'rc=[1-9]' <<<"$out"
	check "$d: the error is EOPNOTSUPP" grep -qi 'not supported' <<<"$out"
	check "$d: kernel log says to boot Xen with argo=1" \
		on "$d" 'dmesg | grep -q "argo: Argo is disabled in Xen: boot Xen with argo=1"'
	check "$d: no device left behind" on "$d" '! test -e /dev/argo_dgram'
	check "$d: module not loaded" on "$d" '! grep -q "^argo " /proc/modules'
done
finish
