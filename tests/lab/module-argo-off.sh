#!/bin/bash
# xen-lab: --argo off
# module-argo-off.sh - on a Xen whose Argo is off, loading argo.ko fails
# and says what to do.
#
#      dom0 (Xen booted without argo=1)          pv
#      modprobe argo -> EOPNOTSUPP + hint        the same
set -u

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then sh -c "$*"; else timeout 300 lab-guest "$d" -- sh -c "$*"; fi
}

for d in dom0 pv; do
	on "$d" true >/dev/null 2>&1 || { not_ok "$d: not reachable"; continue; }
	out=$(on "$d" 'modprobe argo 2>&1; echo "rc=$?"')
	check "$d: modprobe argo fails ($(tr '\n' ' ' <<<"$out"))" grep -q 'rc=[1-9]' <<<"$out"
	check "$d: the error is EOPNOTSUPP" grep -qi 'not supported' <<<"$out"
	check "$d: kernel log says to boot Xen with argo=1" \
		on "$d" 'dmesg | grep -q "argo: Argo is disabled in Xen: boot Xen with argo=1"'
	check "$d: no device left behind" on "$d" '! test -e /dev/argo_dgram'
	check "$d: module not loaded" on "$d" '! grep -q "^argo " /proc/modules'
done
exit $failed
