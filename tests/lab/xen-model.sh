#!/bin/bash
# xen-model.sh - the userspace model of Xen's Argo (tests/unit/xenmodel.c)
# against the real Xen: every scenario of tests/unit/traces is run by
# xm-trace on the model and by xm_real on this hypervisor (dom0 owns the
# ring, pv sends and asks notify), and the two outputs - each hypercall's
# result, the ring pointers and every byte of the ring - must be identical.
# xmprobe.ko (tests/lab/xmprobe, built for the guest kernel by the image)
# makes the raw hypercalls in both domains; argo.ko stays loaded and idle
# (the probe uses ports 1 and 7; pv's argo.ko counts the VIRQs).
#
#   dom0: xm_real run (ring, recv, garbage pointers)  <-ssh->  pv: xm_real serve
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv

here=/usr/lib/argo-tests
probe=$here/xmprobe.ko
out=$(mktemp -d)

if [ "${LAB_KERNEL:-}" = sid ]; then
	echo "# SKIP: the image builds xmprobe.ko for the DKMS kernels only, not sid's"
	exit 77
fi
# Built by the image for this kernel (xmprobe-build.log in the results if not).
loaded=
for d in dom0 pv; do
	if msg=$(on "$d" "insmod $probe" 2>&1); then
		loaded="$loaded $d"
		ok "$d: xmprobe.ko loaded"
	else
		not_ok "$d: insmod xmprobe.ko: $msg"
	fi
done
unload() {
	local d
	for d in $loaded; do
		check "$d: rmmod xmprobe (no /dev/xmprobe file left open)" on "$d" 'rmmod xmprobe'
		# Closing a file unregisters its ring; a refusal is logged.
		check "$d: every probe ring unregistered" \
			on "$d" '! dmesg | grep "xmprobe: unregister"'
	done
	loaded=
}
if [ "$loaded" != " dom0 pv" ]; then
	unload
	finish
fi

pvid=$(domid pv)
echo "# pv is domain $pvid (the traces' dom 1)"
ntraces=0
for t in "$here"/traces/*.trace; do
	[ -f "$t" ] || continue
	ntraces=$((ntraces + 1))
	name=$(basename "$t" .trace)
	xm-trace -s "$pvid" <"$t" >"$out/$name.model" 2>&1
	mrc=$?
	start=$SECONDS
	timeout 120 xm_real run pv "$pvid" <"$t" >"$out/$name.real" 2>"$out/$name.err"
	rrc=$?
	echo "# $name: $(wc -l <"$out/$name.real") lines from Xen in $((SECONDS - start)) s"
	sed "s/^/# xm_real: /" "$out/$name.err"
	if [ $mrc = 0 ] && [ $rrc = 0 ] && diff -u "$out/$name.model" "$out/$name.real" >"$out/$name.diff"; then
		ok "$name: Xen's results and ring bytes equal the model's ($(wc -l <"$out/$name.model") lines)"
	else
		not_ok "$name: Xen differs from the model (xm-trace status $mrc, xm_real status $rrc; diff: - model, + Xen)"
		sed 's/^/# /' "$out/$name.diff"
	fi
done
check "the model's traces are in the image ($ntraces)" test "$ntraces" -ge 3

unload
rm -rf "$out"
finish
