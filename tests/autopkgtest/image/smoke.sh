#!/bin/bash
# xen-lab smoke: in dom0 and every guest, show the hypervisor type, the domid
# and that argo.ko loads and registers a ring with Xen (ARGOIOCBIND).  With
# Argo off (LAB_ARGO=off) loading the module is expected to fail, with a clear
# message.
#
#   dom0 (0) --- xenbr0 169.254.0.0/16 (ssh control) --- pv, pvh, pv2
#        \____________ Argo hypercalls through Xen ______________/
set -u
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# indom DOM CMD...: run CMD in domain DOM (dom0 or a guest name).
indom() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then "$@"; else lab-guest "$d" -- "$@"; fi
}

check_domain() {
	local d=$1 type domid xl_domid partner out
	type=$(indom "$d" cat /sys/hypervisor/type 2>&1)
	[ "$type" = xen ] && ok "$d: /sys/hypervisor/type = $type" || not_ok "$d: /sys/hypervisor/type = '$type'"
	domid=$(indom "$d" xenstore-read domid 2>&1)
	if [ "$d" = dom0 ]; then xl_domid=0; else xl_domid=$(lab-guest "$d" --domid); fi
	[ "$domid" = "$xl_domid" ] && ok "$d: domid $domid (xl agrees)" ||
		not_ok "$d: domid from xenstore '$domid', from xl '$xl_domid'"
	if [ "$LAB_ARGO" = off ]; then
		if out=$(indom "$d" modprobe argo 2>&1); then
			not_ok "$d: argo loaded although Xen has Argo disabled"
			indom "$d" modprobe -r argo
		else
			echo "# modprobe argo: $out"
			indom "$d" sh -c 'dmesg | grep -i argo | tail -n 5' | sed 's/^/# dmesg: /'
			ok "$d: argo refuses to load with Argo disabled in Xen"
		fi
		return
	fi
	if out=$(indom "$d" modprobe argo 2>&1); then
		ok "$d: modprobe argo"
	else
		not_ok "$d: modprobe argo: $out"
		return
	fi
	indom "$d" sh -c 'dmesg | grep -i argo | tail -n 3' | sed 's/^/# dmesg: /'
	indom "$d" test -c /dev/argo_dgram && ok "$d: /dev/argo_dgram" || not_ok "$d: no /dev/argo_dgram"
	indom "$d" test -c /dev/argo_stream && ok "$d: /dev/argo_stream" || not_ok "$d: no /dev/argo_stream"
	indom "$d" test -d /sys/kernel/debug/argo && ok "$d: /sys/kernel/debug/argo/" ||
		not_ok "$d: no /sys/kernel/debug/argo/"
	# Without mac-permissive a wildcard ring is refused: name a partner instead.
	partner=0x7ff4
	if [ "$LAB_ARGO" = strict ]; then
		if [ "$d" = dom0 ]; then partner=$(lab-guest "${LAB_GUESTS%% *}" --domid); else partner=0; fi
	fi
	if out=$(indom "$d" argo-ring-check 0x5300 "$partner" 2>&1); then
		ok "$d: ${out#argo-ring-check: }"
	else
		not_ok "$d: registering a ring: $out"
	fi
}

echo "# xen: $(xl info | sed -n 's/^xen_commandline *: //p')"
echo "# kernel $(uname -r); Argo mode $LAB_ARGO; guests: $LAB_GUESTS"
for d in dom0 $LAB_GUESTS; do
	check_domain "$d"
done
echo "1..$n"
[ "$failed" = 0 ] || { echo "# $failed of $n failed"; exit 1; }
