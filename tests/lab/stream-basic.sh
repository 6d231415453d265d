#!/bin/bash
# stream-basic.sh - stream sockets in one domain and across domains.
#
#   every domain:  stream_test local   (both ends local: refused, accept,
#                  addresses, non-blocking connect, backlog, half-close,
#                  reset, flow control, fairness, 16 MiB each way)
#   dom0, pv:      stream_test hostile (forged messages through debugfs)
#
#   client                         server (stream_test serve)
#   dom0  ==== 16 MiB each way ==> pv
#   pv    ==== 16 MiB each way ==> dom0
#   dom0  ==== 16 MiB each way ==> pvh
#   pvh   ==== 16 MiB each way ==> dom0
#   pvh   ==== 16 MiB each way ==> pv      (domU <-> domU)
#   pv    ==== 16 MiB each way ==> pvh
#
# Then no ring or socket may be left anywhere, and rmmod works.  (PV<->PV:
# domu-pairs.sh, which needs pv2.)
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh

for d in dom0 pv pvh; do
	onrelay "$d local" "$d" 'stream_test local'
	check "$d local: exit status 0" test "$last_rc" = 0
done

# Forged packets (root-only debugfs hook, enabled for this test only).
for d in dom0 pv; do
	onrelay "$d hostile" "$d" "$DBGFS; echo 1 >/sys/module/argo/parameters/stream_inject; stream_test hostile; rc=\$?; echo 0 >/sys/module/argo/parameters/stream_inject; exit \$rc"
	check "$d hostile: exit status 0" test "$last_rc" = 0
done

stream_transfer dom0 pv
stream_transfer pv dom0
stream_transfer dom0 pvh
stream_transfer pvh dom0
stream_transfer pvh pv
stream_transfer pv pvh

for d in $ARGO_DOMAINS; do
	expect_no_leak "$d"
	rmmod_reload "$d"
done
finish
