#!/bin/bash
# domu-pairs.sh - streams and datagrams between two PV guests (domU <->
# domU where neither end is dom0 nor PVH): needs the lab's second PV guest,
# pv2 (xen-lab --guests "pv pvh pv2"); without it the script is skipped
# (exit 77).  PV<->PVH and dom0<->domU pairs are in stream-basic.sh and
# dgram-cross.sh.
#
#   client                        server (accepting only the client's domain)
#   pv2  ==== 16 MiB each way ==>  pv      stream_test client / serve
#   pv   ==== 16 MiB each way ==>  pv2
#   pv2  ---- dgram, echoed ---->  pv      dgram_peer ping / serve
#   pv   ---- dgram, echoed ---->  pv2
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pv2

stream_transfer pv2 pv
stream_transfer pv pv2
dgram_exchange pv2 pv
dgram_exchange pv pv2

for d in pv pv2; do
	expect_no_leak "$d"
	rmmod_reload "$d"
done
finish
