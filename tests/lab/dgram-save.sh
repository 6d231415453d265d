#!/bin/bash
# dgram-save.sh - a guest's datagram ring survives xl save/restore (a new
# domain id, new frames: the module registers every ring again on resume)
# and a checkpoint (xl save -c: the guest runs on, its rings re-registered
# in place).  A dgram_peer server keeps running in the guest throughout.
#
#   dom0 (ping) ----> pv: dgram_peer serve 0x6100 (partner dom0)
#                     xl save -c pv   (checkpoint)    -> ping again
#                     xl save pv; xl restore          -> ping the new domid
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
# ping DOMID LABEL: one round of every size, through dom0's dgram_peer.
ping() { dgram_peer ping "$1" 0x6100 1 2>&1 | relay "$2"; }

need_guests pv
g=pv
# 3 pings of 1 + 11 messages each.
timeout 900 lab-guest $g -- env ARGO_SERVE_IDLE=800 dgram_peer serve 0x6100 0 36 >/tmp/dgram-save.serve 2>&1 &
spid=$!

id1=$(lab-guest $g --domid)
ping "$id1" "before save (domid $id1)"

check "xl save -c $g (checkpoint, guest continues)" timeout 300 xl save -c $g /tmp/dgram-save.chk
# dom0's /tmp is RAM (the lab's initramfs): a second guest image next to
# this one ran dom0 out of memory (OOM killer in the first lab run).
rm -f /tmp/dgram-save.chk
sleep 2
id2=$(lab-guest $g --domid)
check "domid unchanged after checkpoint ($id1 -> $id2)" test "$id1" = "$id2"
ping "$id2" "after checkpoint"

check "xl save $g" timeout 300 xl save $g /tmp/dgram-save.img
check "xl restore" timeout 300 xl restore /tmp/dgram-save.img
rm -f /tmp/dgram-save.img
check "$g answers again after the restore" wait_guest $g 180
id3=$(lab-guest $g --domid)
echo "# domid after restore: $id3"
ping "$id3" "after restore (domid $id3)"

wait "$spid"
rc=$?
sed 's/^/# server: /' /tmp/dgram-save.serve | tail -3
check "server in $g saw all 36 messages across save/restore (rc $rc)" test "$rc" = 0
check "$g's kernel log: rings registered again on resume" \
	timeout 60 lab-guest $g -- sh -c 'dmesg | grep -q "argo: resume: [1-9][0-9]* rings registered again, 0 failed"'
rm -f /tmp/dgram-save.chk /tmp/dgram-save.img
finish
