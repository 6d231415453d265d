#!/bin/bash
# scripts/demo.sh - the README's demo, a lab script run as root in dom0:
#
#     tests/autopkgtest/xen-lab run scripts/demo.sh
#
#   QEMU (TCG) ── Xen 4.17 with Argo (argo=1,mac-permissive=1)
#      ├── dom0  (domid 0)  Debian 12, argo.ko from argo-dkms, argo-utils
#      ├── pv    (domid N)  PV domU, same packages
#      └── pvh   (domid M)  PVH domU, same packages
#
# 1. argo-ping from dom0 to the PV guest, and from the PVH guest to dom0.
# 2. argo-cat: a line and a 1 MiB file from dom0 to the PVH guest.
# 3. OpenSSH through the interposer: sshd in the PV guest and ssh in dom0,
#    both under argo-run; nothing listens on TCP.
# Prints "ok N - ..." / "not ok N - ..." and exits non-zero on a failure.
set -u

n=0 failed=0
step() { printf '\n=== %s\n' "$*"; }
result() { # result RC TEXT
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
g() { lab-guest "$@" </dev/null; }
# listener_done GUEST: wait (30 s at most) until its argo-cat -l has exited.
listener_done() {
	for _ in $(seq 60); do
		g "$1" -- pgrep -f 'argo-cat -l 5000' >/dev/null || return 0
		sleep 0.5
	done
	return 1
}

pv=$(g pv --domid) || { echo "not ok 1 - lab-guest pv --domid"; exit 1; }
pvh=$(g pvh --domid) || { echo "not ok 1 - lab-guest pvh --domid"; exit 1; }
cleanup() {
	for d in pv pvh; do
		g "$d" -- sh -c 'pkill -f "argo-cat -l 5000|sshd -D -e -4 -p 8022|argo-ping -l" ; rm -rf /tmp/demo-*' >/dev/null 2>&1
	done
	[ -n "${pingd:-}" ] && kill "$pingd" 2>/dev/null
}
trap cleanup EXIT

step "The domains (xl list) and the module in each"
timeout 20 xl list
for d in dom0 pv pvh; do
	if [ $d = dom0 ]; then
		out=$(modprobe argo && lsmod | grep '^argo ' && ls -l /dev/argo_dgram /dev/argo_stream)
	else
		out=$(g $d -- sh -c 'modprobe argo && lsmod | grep "^argo " && ls -l /dev/argo_dgram /dev/argo_stream')
	fi
	rc=$?
	printf '%s\n' "$out" | sed "s/^/[$d] /"
	result $rc "argo.ko loaded in $d"
done

step "argo-ping: dom0 -> pv (domid $pv); the responder is 'argo-ping -l'"
g pv -- sh -c 'setsid argo-ping -l </dev/null >/tmp/demo-pingd.log 2>&1 &'
sleep 1
argo-ping -c 3 -i 0.5 -w 30 "$pv"
result $? "argo-ping dom0 -> pv"

step "argo-ping: pvh (domid $pvh) -> dom0"
argo-ping -l >/dev/null 2>&1 &
pingd=$!
sleep 1
g pvh -- argo-ping -c 3 -i 0.5 -w 30 0
result $? "argo-ping pvh -> dom0"
kill "$pingd" 2>/dev/null; pingd=

step "argo-cat: a line from dom0 to pvh (domid $pvh), port 5000"
g pvh -- sh -c 'setsid sh -c "argo-cat -l 5000 >/tmp/demo-line.txt" </dev/null >/dev/null 2>&1 &'
sleep 1
echo "hello pvh, this is dom0 over Argo" | argo-cat -w 30 "$pvh" 5000
listener_done pvh
got=$(g pvh -- cat /tmp/demo-line.txt)
echo "pvh received: $got"
[ "$got" = "hello pvh, this is dom0 over Argo" ]
result $? "argo-cat line dom0 -> pvh"

step "argo-cat: 1 MiB from dom0 to pvh, checksummed on both sides"
head -c 1048576 /dev/urandom >/tmp/demo-1m.bin
want=$(sha256sum </tmp/demo-1m.bin | cut -d' ' -f1)
g pvh -- sh -c 'setsid sh -c "argo-cat -l 5000 >/tmp/demo-1m.bin" </dev/null >/dev/null 2>&1 &'
sleep 1
argo-cat -v -w 60 "$pvh" 5000 </tmp/demo-1m.bin
listener_done pvh
got=$(g pvh -- sh -c 'sha256sum </tmp/demo-1m.bin' | cut -d' ' -f1)
echo "sha256 sent:     $want"
echo "sha256 received: $got"
[ "$got" = "$want" ]
result $? "argo-cat 1 MiB dom0 -> pvh intact"

step "OpenSSH over Argo: sshd -p 8022 in pv under argo-run, ssh from dom0 under argo-run"
rm -f /tmp/demo-key /tmp/demo-key.pub
ssh-keygen -q -t ed25519 -N '' -f /tmp/demo-key
g pv -- sh -c "ssh-keygen -A >/dev/null; mkdir -p /run/sshd /tmp/demo-ssh &&
	echo '$(cat /tmp/demo-key.pub)' >/tmp/demo-ssh/keys &&
	setsid argo-run -- /usr/sbin/sshd -D -e -4 -p 8022 -o AuthorizedKeysFile=/tmp/demo-ssh/keys \
		-o StrictModes=no -o UsePAM=no -o PidFile=none </dev/null >/tmp/demo-sshd.log 2>&1 &"
sleep 2
echo "\$ argo-run -- ssh -p 8022 root@1.0.0.$pv 'hostname; uname -r; cat /sys/hypervisor/type'"
argo-run -- ssh -p 8022 -i /tmp/demo-key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=60 "root@1.0.0.$pv" \
	'hostname; uname -r; cat /sys/hypervisor/type'
result $? "ssh through the interposer, dom0 -> pv"
g pv -- sh -c '! grep -qi ":1F56 [0-9A-F:]* 0A" /proc/net/tcp /proc/net/tcp6'
result $? "no TCP listener on port 8022 in pv: the session went over Argo"

echo
[ "$failed" = 0 ] && echo "demo: all $n steps passed" || echo "demo: some steps FAILED"
exit "$failed"
