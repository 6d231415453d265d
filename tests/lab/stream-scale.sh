#!/bin/bash
# stream-scale.sh - N (default 1000) concurrent stream connections between
# two different domains (Xen allows 128 rings per domain: connections share
# the client ring and the listener's ring), and the kernel memory they take.
#
#   pv   ==== 1000 connections ====>  dom0 (stream_test echo, one listener)
#   dom0 ==== 1000 connections ====>  pv
#   dom0 ==== 1000 connections ====>  pvh
#
# Each connection exchanges its own message.  With all of them open, both
# ends print the argo_stream slab line (one object per socket) and how much
# kernel memory (Slab + VmallocUsed) grew per connection; the debugfs
# counters show the sockets and the few rings they share.
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh
N=${1:-1000}

for d in dom0 pv pvh; do on "$d" "$DBGFS"; done

many() {
	local client=$1 server=$2 port=$3 sid
	sid=$(domid "$server")
	client_server "$client -> $server: $N connections" \
		"$server" "stream_test echo $port any $N" \
		"$client" "stream_test many $sid $port $N"
	check "$client -> $server: client exit status 0" test "$last_rc" = 0
	sed 's/^/# server: /' "$served_log"
	check "$client -> $server: echo server served $N connections ($served_rc)" \
		grep -q "served $N connections" "$served_log"
}

many pv dom0 0x7200
many dom0 pv 0x7201
many dom0 pvh 0x7202

for d in dom0 pv pvh; do
	expect_no_leak "$d" 10
done
finish
