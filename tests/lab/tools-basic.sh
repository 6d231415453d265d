#!/bin/bash
# tools-basic.sh - argo-ping and argo-cat across domains, as installed by
# the argo-utils package: dom0<->PV, dom0<->PVH and domU<->domU (PVH->PV).
# Servers accept only the client's domain (-P), so this also passes with
# --argo strict; one last exchange uses a wildcard listener (needs
# mac-permissive, the lab's default).
#
#   client                              server
#   argo-ping -c 3 SID:PORT  -------->  argo-ping -l -P CID PORT
#   argo-cat SID PORT < 4 MiB ------->  argo-cat -l -P CID PORT > file
#   echo hi | argo-cat SID PORT ----->  argo-cat -l -P CID -e /bin/cat PORT
#   printf x | argo-cat -u SID PORT ->  argo-cat -u -l -P CID -w 30 PORT
#
#   pairs: dom0->pv, pv->dom0, dom0->pvh, pvh->pv
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv pvh
# Client commands retry (60 s at most) while the server is not listening
# yet: a guest-to-guest start in the loaded lab took more than 10 s.
retry='r() { i=0; until "$@"; do i=$((i+1)); [ $i -ge 240 ] && return 1; sleep 0.25; done; }'

port=0x7300

ping_pair() {
	local c=$1 s=$2 cid=$3 sid=$4 out spid
	port=$((port + 1))
	on "$s" "argo-ping -l -q -P $cid -c 3 -w 120 $port" &
	spid=$!
	out=$(on "$c" "$retry; r argo-ping -c 1 -W 1 $sid:$port >/dev/null 2>&1; argo-ping -c 2 -i 0.2 $sid:$port" 2>&1)
	echo "$out" | sed 's/^/# /'
	check "argo-ping $c -> $s: two replies with seq and time" \
		test "$(echo "$out" | grep -c "bytes from $sid:$port: seq=[12] time=")" = 2
	check "argo-ping $c -> $s: summary with 0% loss and rtt" \
		grep -q '2 packets transmitted, 2 received, 0% packet loss' <<<"$out"
	grep -q '^rtt min/avg/max/mdev = ' <<<"$out" || not_ok "argo-ping $c -> $s: rtt line"
	wait "$spid"
	check "argo-ping $c -> $s: responder stopped after 3 requests, status 0" test $? = 0
}

cat_stream() {
	local c=$1 s=$2 cid=$3 sid=$4 spid sum_c sum_s
	port=$((port + 1))
	on "$s" "argo-cat -l -P $cid -w 120 $port > /tmp/argo-cat.recv && md5sum < /tmp/argo-cat.recv" > /tmp/tools-basic.sum &
	spid=$!
	sum_c=$(on "$c" "$retry; head -c 4194304 /dev/urandom > /tmp/argo-cat.send; md5sum < /tmp/argo-cat.send; r argo-cat -v $sid $port < /tmp/argo-cat.send 2> /tmp/argo-cat.err; cat /tmp/argo-cat.err >&2" 2> /tmp/tools-basic.err)
	sed 's/^/# client: /' /tmp/tools-basic.err
	wait "$spid"
	check "argo-cat $c -> $s: listener exited 0 after the transfer" test $? = 0
	sum_s=$(cat /tmp/tools-basic.sum)
	check "argo-cat $c -> $s: 4 MiB arrived intact" test -n "$sum_c" -a "$sum_c" = "$sum_s"
	check "argo-cat $c -> $s: -v reported 4194304 bytes sent" \
		grep -q 'sent 4194304 bytes' /tmp/tools-basic.err
}

cat_echo() {
	local c=$1 s=$2 cid=$3 sid=$4 spid out
	port=$((port + 1))
	on "$s" "argo-cat -l -P $cid -w 120 -e /bin/cat $port" &
	spid=$!
	out=$(on "$c" "$retry; r sh -c 'echo hello-argo | argo-cat $sid $port'")
	check "argo-cat $c -> $s: half-close, echo came back ('$out')" test "$out" = hello-argo
	wait "$spid"
	check "argo-cat $c -> $s: -e listener exited with cat's status 0" test $? = 0
}

cat_dgram() {
	local c=$1 s=$2 cid=$3 sid=$4 spid out
	port=$((port + 1))
	# The client retries until the listener's ring exists, so its datagram
	# comes at once; -w 8 then ends the listener 8 s after it (was 30 s:
	# two minutes of the lab run spent idle over the four pairs).
	on "$s" "argo-cat -u -l -P $cid -w 8 $port" > /tmp/tools-basic.dgram &
	spid=$!
	# A refused datagram is not delivered: retrying until the listener
	# is bound cannot duplicate it.  The listener's idle clock starts at
	# bind: -w 30 outlasts a slow lab-guest start (a first run with -w 5
	# saw the listener gone before the datagram came).
	on "$c" "$retry; r sh -c 'printf argo-datagram | argo-cat -u $sid $port'"
	check "argo-cat -u $c -> $s: client exited 0" test $? = 0
	wait "$spid"
	check "argo-cat -u $c -> $s: listener ended after -w 8 idle with 0" test $? = 0
	out=$(cat /tmp/tools-basic.dgram)
	check "argo-cat -u $c -> $s: the datagram arrived ('$out')" test "$out" = argo-datagram
}

for pair in "dom0 pv" "pv dom0" "dom0 pvh" "pvh pv"; do
	# shellcheck disable=SC2086
	set -- $pair
	cid=$(domid "$1") sid=$(domid "$2")
	if [ -z "$cid" ] || [ -z "$sid" ]; then
		not_ok "$1 -> $2: domain ids unknown ('$cid' '$sid')"
		continue
	fi
	echo "# $1 (domain $cid) -> $2 (domain $sid)"
	ping_pair "$1" "$2" "$cid" "$sid"
	cat_stream "$1" "$2" "$cid" "$sid"
	cat_echo "$1" "$2" "$cid" "$sid"
	cat_dgram "$1" "$2" "$cid" "$sid"
done

# A wildcard listener (any domain; needs mac-permissive).
pv=$(domid pv)
port=$((port + 1))
on pv "argo-cat -l -w 120 -e /bin/cat $port" &
spid=$!
out=$(on dom0 "$retry; r sh -c 'echo wildcard | argo-cat $pv $port'")
check "argo-cat dom0 -> pv: wildcard listener echoes ('$out')" test "$out" = wildcard
wait "$spid"
check "argo-cat dom0 -> pv: wildcard -e listener exited 0" test $? = 0
finish
