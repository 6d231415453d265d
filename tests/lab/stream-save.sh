#!/bin/bash
# stream-save.sh - stream sockets across xl save -c (checkpoint: the guest
# runs on with the same domid) and xl save/restore (a new domid).
#
#   dom0: chat A ----> pv: stream_test echo 0x7400 (partner dom0)
#         "before"                      echoed
#         xl save -c pv; "checkpoint"   echoed: the connection survives
#         xl save pv; xl restore        pv has a new domid: A is reset
#         "restored"                    fails with an error, no hang
#   dom0: chat B ----> pv (new domid)   the listener kept listening
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv
g=pv
timeout 900 lab-guest $g -- stream_test echo 0x7400 0 2 >/tmp/stream-save.serve 2>&1 &
spid=$!

id1=$(lab-guest $g --domid)
rm -f /tmp/stream-save.fifo /tmp/stream-save.a
mkfifo /tmp/stream-save.fifo
stream_test chat "$id1" 0x7400 </tmp/stream-save.fifo >/tmp/stream-save.a 2>&1 &
apid=$!
exec 3>/tmp/stream-save.fifo

echo before >&3
check "connection A: echo before the save" wait_for 30 /tmp/stream-save.a "^ok 2 - echo of 'before'"

check "xl save -c $g (checkpoint)" timeout 300 xl save -c $g /tmp/stream-save.chk
# dom0's /tmp is RAM (the lab's initramfs): a second guest image next to
# this one ran dom0 out of memory (OOM killer in the first lab run).
rm -f /tmp/stream-save.chk
sleep 2
id2=$(lab-guest $g --domid)
check "domid unchanged after the checkpoint ($id1 -> $id2)" test "$id1" = "$id2"
echo checkpoint >&3
check "connection A survives the checkpoint" wait_for 60 /tmp/stream-save.a "^ok 3 - echo of 'checkpoint'"

check "xl save $g" timeout 300 xl save $g /tmp/stream-save.img
check "xl restore" timeout 300 xl restore /tmp/stream-save.img
rm -f /tmp/stream-save.img
check "$g answers again after the restore" wait_guest $g 180
id3=$(lab-guest $g --domid)
echo "# domid after restore: $id3"
echo restored >&3
check "connection A to the old domid fails with an error, no hang" \
	wait_for 60 /tmp/stream-save.a "^not ok 4 - echo of 'restored': "
exec 3>&-
timeout 30 tail --pid="$apid" -f /dev/null
sed 's/^/# A: /' /tmp/stream-save.a
# A client still alive here would hold its socket and ring into the next
# script of the boot (the first full run saw dom0 keep "rings 1 sockets 1"
# into stream-scale.sh): say so here, and do not leave it behind.
check "connection A's client exited after the error" sh -c "! kill -0 $apid 2>/dev/null"
kill "$apid" 2>/dev/null

echo "the listener after restore" >/tmp/stream-save.in
timeout 120 stream_test chat "$id3" 0x7400 </tmp/stream-save.in >/tmp/stream-save.b 2>&1
relay "connection B to the restored guest ($id3)" </tmp/stream-save.b
wait "$spid"
rc=$?
sed 's/^/# server: /' /tmp/stream-save.serve | tail -4
check "echo server in $g served both connections (rc $rc)" test "$rc" = 0
rm -f /tmp/stream-save.chk /tmp/stream-save.img /tmp/stream-save.fifo
expect_no_leak dom0 15
finish
