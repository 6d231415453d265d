#!/bin/bash
# interpose-programs.sh - unmodified Debian programs through the Argo
# interposer (argo-run), across domains: a web server and its client,
# socat over stream and datagram sockets, iperf3.
#
#   client                                   server
#   dom0: curl http://1.0.0.H:8080/     -->  pvh: python3 -m http.server -b 0.0.0.0 8080
#   pv:   curl http://1.0.0.H:8080/     -->  (same)
#   pv2:  socat - TCP:1.0.0.P:7000      -->  pv: socat TCP-LISTEN:7000,fork EXEC:cat
#   pv2:  socat - UDP:1.0.0.P:7001      -->  pv: socat UDP-RECVFROM:7001,fork EXEC:cat
#   dom0: iperf3 -4 -c 1.0.0.P -t 3     -->  pv: iperf3 -4 -s -1
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
ON_TIMEOUT=300
D=/tmp/argo-ipprog
# bg DOMAIN NAME CMD: run CMD detached under argo-run; pid in $D/NAME.pid
bg() {
	on "$1" "mkdir -p $D; setsid -f sh -c 'echo \$\$ > $D/$2.pid; exec argo-run -- $3' \
		> $D/$2.log 2>&1 < /dev/null"
}
stop() { on "$1" "kill \$(cat $D/$2.pid) 2>/dev/null; true"; }
retry='r() { i=0; until "$@"; do i=$((i+1)); [ $i -ge 40 ] && return 1; sleep 0.25; done; }'
no_tcp_listener() {
	local hex
	hex=$(printf '%04X' "$2")
	on "$1" "! grep -qi '^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F:]* 0A' /proc/net/tcp /proc/net/tcp6"
}

need_guests pv pvh
P=$(domid pv) web=pvh H=$(domid pvh)
# The socat client is the second PV guest when the lab started it (domU <->
# domU), else dom0.
cli2=dom0
[[ " $ARGO_DOMAINS " == *" pv2 "* ]] && cli2=pv2 && on pv2 'modprobe argo'
echo "# pv = domain $P, web server in $web (1.0.0.$H), socat client in $cli2"

# ---- python3 http.server <- curl ----
on $web "mkdir -p $D/www; head -c 262144 /dev/urandom > $D/www/blob; md5sum < $D/www/blob > $D/www/blob.md5"
bg $web http "python3 -m http.server -b 0.0.0.0 -d $D/www 8080"
sleep 2
check "$web: http.server has no real TCP listener on 8080" no_tcp_listener $web 8080
want=$(on $web "cat $D/www/blob.md5")
clients="dom0 pv"
for c in $clients; do
	got=$(on "$c" "$retry; r argo-run -- curl -sS -o /tmp/argo-ipprog.blob http://1.0.0.$H:8080/blob && md5sum < /tmp/argo-ipprog.blob")
	check "curl $c -> $web (http://1.0.0.$H:8080/blob): 256 KiB intact" test -n "$got" -a "$got" = "$want"
done
log=$(on $web "cat $D/http.log")
echo "$log" | sed 's/^/# http.server: /'
check "http.server logged dom0's request as from 1.0.0.0" \
	grep -q "^1\.0\.0\.0 - - .*GET /blob" <<<"$log"
check "http.server logged pv's request as from 1.0.0.$P" \
	grep -q "^1\.0\.0\.$P - - .*GET /blob" <<<"$log"
stop $web http

# ---- socat stream and datagram, domU <-> domU ----
bg pv socat-tcp "socat TCP-LISTEN:7000,reuseaddr,fork EXEC:/bin/cat"
bg pv socat-udp "socat UDP-RECVFROM:7001,fork EXEC:/bin/cat"
sleep 2
out=$(on $cli2 "$retry; r sh -c 'echo stream-via-socat | argo-run -- socat - TCP:1.0.0.$P:7000'")
check "socat $cli2 -> pv TCP: echoed ('$out')" test "$out" = stream-via-socat
out=$(on $cli2 "head -c 1048576 /dev/urandom > $D.send; md5sum < $D.send;
	argo-run -- socat - TCP:1.0.0.$P:7000 < $D.send | md5sum")
set -- $out
check "socat $cli2 -> pv TCP: 1 MiB through cat and back intact" test -n "${1:-}" -a "${1:-}" = "${3:-x}"
out=$(on $cli2 "echo datagram-via-socat | argo-run -- socat -T 5 - UDP:1.0.0.$P:7001")
check "socat $cli2 -> pv UDP: answered to the source address ('$out')" test "$out" = datagram-via-socat
stop pv socat-tcp
stop pv socat-udp

# ---- iperf3, dom0 -> pv ----
bg pv iperf "iperf3 -4 -s -1 -p 5201"
sleep 2
out=$(on dom0 "$retry; r argo-run -- iperf3 -4 -c 1.0.0.$P -p 5201 -t 3" 2>&1)
rc=$?
echo "$out" | grep -E 'sender|receiver|error' | sed 's/^/# iperf3: /'
check "iperf3 dom0 -> pv: exit 0 with a receiver summary" \
	test "$rc" = 0 -a -n "$(grep receiver <<<"$out")"
stop pv iperf
finish
