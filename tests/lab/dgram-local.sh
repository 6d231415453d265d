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
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
# dgram-strict.sh runs this in a boot with one guest (DGRAM_LOCAL_GUESTS=pv).
guests=${DGRAM_LOCAL_GUESTS:-pv pvh}
# shellcheck disable=SC2086
need_guests $guests

# Wildcard rings: accepted exactly when Xen runs with mac-permissive=1.
wild=no
xl info 2>/dev/null | grep xen_commandline | grep -q 'mac-permissive=1' && wild=yes
echo "# Xen mac-permissive: $wild"

for d in dom0 $guests; do
	onrelay "$d" "$d" "ARGO_EXPECT_WILDCARD=$wild dgram_local 0x4000"
	check "$d: dgram_local exit status 0 (got $last_rc)" test "$last_rc" = 0
	expect_no_leak "$d" 0
	if [ "$wild" = no ]; then
		check "$d: the wildcard refusal is explained in the kernel log" \
			on "$d" 'dmesg | grep -q "wildcard rings need Xen.s argo=1,mac-permissive=1; bind with a partner domain instead"'
	fi
	# Load: blocked and polling senders on a tiny ring, Xen's ring limit.
	onrelay "$d" "$d" 'dgram_stress 0x7000 1000'
	check "$d: dgram_stress exit status 0 (got $last_rc)" test "$last_rc" = 0
	# The same from 32-bit userspace (compat_ioctl), when it was built.
	if on "$d" 'command -v dgram_local32' >/dev/null 2>&1; then
		onrelay "$d 32-bit" "$d" "ARGO_EXPECT_WILDCARD=$wild dgram_local32 0x4800"
		check "$d: dgram_local32 exit status 0 (got $last_rc)" test "$last_rc" = 0
	else
		skip "$d: 32-bit compat_ioctl" "dgram_local32 not built (no gcc-multilib)"
	fi
	expect_no_leak "$d" 0
	rmmod_reload "$d"
done
finish
