#!/bin/bash
# dgram-cross.sh - datagrams between domains: dom0<->PV, dom0<->PVH and
# domU<->domU (PV<->PVH), with the server's ring accepting only the
# client's domain.  Each exchange checks contents, boundaries (0 to
# 200000 bytes) and that the echo's source address is the server's; the
# server logs the source it saw, which must be the client's domid.  Then no
# ring or socket may be left, and rmmod works everywhere.  (PV<->PV:
# domu-pairs.sh, which needs pv2.)
#
#   client                     server (dgram_peer serve, echo)
#   dom0  --- dgram ------->   pv      and back
#   pv    --- dgram ------->   dom0
#   dom0  --- dgram ------->   pvh
#   pvh   --- dgram ------->   dom0
#   pvh   --- dgram ------->   pv      (domU <-> domU)
#   pv    --- dgram ------->   pvh
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh

dgram_exchange dom0 pv
dgram_exchange pv dom0
dgram_exchange dom0 pvh
dgram_exchange pvh dom0
dgram_exchange pvh pv
dgram_exchange pv pvh

for d in $ARGO_DOMAINS; do
	expect_no_leak "$d" 0
	rmmod_reload "$d"
done
finish
