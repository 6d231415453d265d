#!/bin/bash
# interpose-sockets.sh - the interposer's bookkeeping against the real
# driver, driven by Python's socket module (interpose-sockets.py, run with
# argo-run): dup/dup2 to fd 1500, fds above 1024, non-blocking connect
# with epoll and SO_ERROR, options, half-close, threads, fork, UDP.
#
#   dom0:  interpose-sockets.py client 1.0.0.P 9100  -->  pv: ... server 9100
#   pvh:   interpose-sockets.py client 1.0.0.P 9100  -->  (same)
#   pv:    interpose-sockets.py client 127.0.0.1 9100 --> (same domain)
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
PY=/usr/lib/argo-tests/interpose-sockets.py
[ -r "$PY" ] || PY=$(dirname "$0")/interpose-sockets.py

need_guests pv pvh
P=$(domid pv)
clients="dom0 pvh pv"
on pv "setsid -f sh -c 'echo \$\$ > /tmp/argo-ipsock.pid; exec argo-run -- python3 $PY server 9100 300' \
	> /tmp/argo-ipsock.log 2>&1 < /dev/null"
sleep 3
for c in $clients; do
	addr=1.0.0.$P
	[ "$c" = pv ] && addr=127.0.0.1
	out=$(on "$c" "timeout -k 5 400 argo-run -- python3 $PY client $addr 9100" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*" - "*) ok "$c -> pv: ${line#ok * - }" ;;
		"not ok "*" - "*) not_ok "$c -> pv: ${line#not ok * - }" ;;
		"1.."*) ;;
		*) echo "# $c: $line" ;;
		esac
	done <<<"$out"
	if [ "$rc" = 0 ]; then ok "$c -> pv: client exited 0"; else not_ok "$c -> pv: client exited $rc"; fi
done
on pv "head -n 5 /tmp/argo-ipsock.log; kill \$(cat /tmp/argo-ipsock.pid) 2>/dev/null; true" | sed 's/^/# server: /'
finish
