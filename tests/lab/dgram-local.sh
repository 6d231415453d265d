#!/bin/bash
# dgram-local.sh - datagram sockets within one domain, in every domain:
# dgram_local (binding, source address, boundaries, MSG_PEEK/TRUNC,
# non-blocking, poll, connect filter, full ring and space wake-up, bad
# arguments and pointers, privileged ports, wildcard rings), dgram_stress
# (senders blocked on a full ring, Xen's ring limit), natively and
# from 32-bit userspace (compat_ioctl), then no ring
# or socket left in the debugfs counters, and rmmod.
#
#   dom0: dgram_local <-> itself     pv: the same     pvh: the same
set -u

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then sh -c "$*"; else timeout 300 lab-guest "$d" -- sh -c "$*"; fi
}
# relay PREFIX: renumber a program's TAP lines into ours; the rest as comments.
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

# Wildcard rings: accepted exactly when Xen runs with mac-permissive=1.
wild=no
xl info 2>/dev/null | grep xen_commandline | grep -q 'mac-permissive=1' && wild=yes
echo "# Xen mac-permissive: $wild"

for d in dom0 pv pvh; do
	on "$d" true >/dev/null 2>&1 || { not_ok "$d: not reachable"; continue; }
	on "$d" 'modprobe argo'
	on "$d" "ARGO_EXPECT_WILDCARD=$wild dgram_local 0x4000" >"/tmp/dgram-local.$d" 2>&1
	rc=$?
	relay "$d" <"/tmp/dgram-local.$d"
	check "$d: dgram_local exit status 0 (got $rc)" test "$rc" = 0
	c=$(on "$d" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	check "$d: no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	if [ "$wild" = no ]; then
		check "$d: the wildcard refusal is explained in the kernel log" \
			on "$d" 'dmesg | grep -q "wildcard rings need Xen.s argo=1,mac-permissive=1; bind with a partner domain instead"'
	fi
	# Load: blocked and polling senders on a tiny ring, Xen's ring limit.
	on "$d" 'dgram_stress 0x7000 1000' >"/tmp/dgram-stress.$d" 2>&1
	rc=$?
	relay "$d" <"/tmp/dgram-stress.$d"
	check "$d: dgram_stress exit status 0 (got $rc)" test "$rc" = 0
	# The same from 32-bit userspace (compat_ioctl), when it was built.
	if on "$d" 'command -v dgram_local32' >/dev/null 2>&1; then
		on "$d" "ARGO_EXPECT_WILDCARD=$wild dgram_local32 0x4800" >"/tmp/dgram-local32.$d" 2>&1
		rc=$?
		relay "$d 32-bit" <"/tmp/dgram-local32.$d"
		check "$d: dgram_local32 exit status 0 (got $rc)" test "$rc" = 0
	else
		n=$((n + 1)); echo "ok $n - $d: 32-bit compat_ioctl # SKIP dgram_local32 not built (no gcc-multilib)"
	fi
	c=$(on "$d" "$dbg; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' ')
	check "$d: still no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
	check "$d: rmmod argo afterwards" on "$d" 'rmmod argo'
	on "$d" 'modprobe argo'
done
exit $failed
