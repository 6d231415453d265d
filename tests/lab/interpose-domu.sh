#!/bin/bash
# interpose-domu.sh - unmodified Debian programs through the Argo
# interposer (argo-run) between two PV guests, domU <-> domU with no dom0
# in the path: needs the lab's second PV guest, pv2 (xen-lab --guests
# "pv pv2"); without it the script is skipped (exit 77).
#
#   client                                          server
#   pv:  argo-run ssh root@1.0.0.Q -p 8122 CMD  -->  pv2: argo-run sshd -p 8122
#   pv2: argo-run ssh root@1.0.0.P -p 8122 CMD  -->  pv:  argo-run sshd -p 8122
#   pv:  argo-run socat - TCP:1.0.0.Q:7100      -->  pv2: argo-run socat
#        (4 MiB through cat and back, md5 compared)    TCP-LISTEN:7100 EXEC:cat
#   pv:  argo-run iperf3 -c 1.0.0.Q -J -t 2     -->  pv2: argo-run iperf3 -s
#   pv:  the same with -R (pv2 sends)
#
# iperf3 runs with -J, as tests/bench does: the report must carry no
# "error" (iperf3 reads TCP_MAXSEG and TCP_INFO on its sockets; the
# interposer used to refuse them) and a non-zero byte count.  At the end
# both guests must be clean: none of these programs left, no Argo ring or
# socket (debugfs counters).
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
ON_TIMEOUT=300
SSH_DIR=/tmp/argo-ipdomu D=$SSH_DIR
SSHD_PORT=8122 SOCAT_PORT=7100 IPERF_PORT=5301

# bg DOM NAME CMD [NAME CMD]...: each CMD detached under argo-run, one
# call into DOM; pid in $D/NAME.pid, output in $D/NAME.log.
bg() {
	local d=$1 cmds=
	shift
	while [ $# -ge 2 ]; do
		cmds="$cmds setsid -f sh -c 'echo \$\$ > $D/$1.pid; exec argo-run -- $2' \
			> $D/$1.log 2>&1 < /dev/null;"
		shift 2
	done
	on "$d" "$cmds"
}
# on_argo DOM PIDNAME PORT...: the program of $D/PIDNAME.pid runs and no
# real TCP socket listens on any PORT in DOM (its listeners are Argo's).
on_argo() {
	local d=$1 name=$2 cmd
	shift 2
	cmd="kill -0 \$(cat $D/$name.pid)"
	for port in "$@"; do
		cmd="$cmd && ! grep -qi '^ *[0-9]*: [0-9A-F]*:$(printf %04X "$port") [0-9A-F:]* 0A' /proc/net/tcp /proc/net/tcp6"
	done
	on "$d" "$cmd"
}
at() { echo "# t=${SECONDS}s: $*"; }

need_guests pv pv2
P=$(domid pv) Q=$(domid pv2)
if [ -z "$P" ] || [ "$P" -gt 255 ] || [ -z "$Q" ] || [ "$Q" -gt 255 ]; then
	not_ok "the domids of pv ('$P') and pv2 ('$Q') fit 1.0.0.N"
	finish
fi
echo "# pv is domain $P (1.0.0.$P), pv2 is domain $Q (1.0.0.$Q)"
for d in pv pv2; do
	check "$d: sshd, ssh, socat, iperf3 and argo-run installed" on "$d" \
		"rm -rf $D; mkdir -p $D; chmod 700 $D
		{ test -x /usr/sbin/sshd && command -v ssh && command -v socat &&
		command -v iperf3 && command -v argo-run; } >/dev/null"
done

at "sshd in both guests, socat and iperf3 servers in pv2"
kp=$(ssh_client_key pv) kq=$(ssh_client_key pv2)
ssh_authorize pv2 "$kp"
ssh_authorize pv "$kq"
sshd_start pv $SSHD_PORT
sshd_start pv2 $SSHD_PORT
bg pv2 socat "socat TCP-LISTEN:$SOCAT_PORT,reuseaddr,fork EXEC:/bin/cat" \
	iperf "iperf3 -4 -s -p $IPERF_PORT"
sleep 2
check "pv: sshd -p $SSHD_PORT under argo-run runs, no real TCP listener on $SSHD_PORT" \
	on_argo pv sshd-$SSHD_PORT $SSHD_PORT
check "pv2: sshd, socat and iperf3 run, no real TCP listener on $SSHD_PORT, $SOCAT_PORT, $IPERF_PORT" \
	eval "on_argo pv2 sshd-$SSHD_PORT $SSHD_PORT $SOCAT_PORT $IPERF_PORT &&
		on_argo pv2 socat && on_argo pv2 iperf"

at "ssh both ways"
ssh_login pv pv2 "1.0.0.$Q" $SSHD_PORT "1.0.0.$P"
ssh_login pv2 pv "1.0.0.$P" $SSHD_PORT "1.0.0.$Q"
for pair in "pv2 $P" "pv $Q"; do
	read -r srv cli <<<"$pair"
	log=$(on "$srv" "cat $D/sshd-$SSHD_PORT.log")
	grep -E 'Accepted|error|fatal' <<<"$log" | sed "s/^/# sshd $srv: /"
	check "sshd in $srv logged the login from 1.0.0.$cli" \
		grep -q "Accepted publickey for root from 1.0.0.$cli port" <<<"$log"
	check "sshd in $srv: no socket errors in its log" \
		eval '! grep -qiE "Protocol not available|Bad file|getpeername|getsockname|getsockopt" <<<"$log"'
done

at "socat"
out=$(on pv "head -c 4194304 /dev/urandom > $D/blob; md5sum < $D/blob
	n=0; until timeout -k 5 120 argo-run -- socat - TCP:1.0.0.$Q:$SOCAT_PORT < $D/blob > $D/back; do
		n=\$((n+1)); [ \$n -ge 3 ] && break; sleep 1; done
	wc -c < $D/back; md5sum < $D/back" 2>&1)
sed 's/^/# socat: /' <<<"$out"
# md5sum's "HASH  -", the byte count, md5sum's "HASH  -" again
read -r -d '' -a w <<<"$out" || :
check "socat pv -> pv2 (TCP:1.0.0.$Q:$SOCAT_PORT): 4 MiB back through cat (${w[2]:-?} bytes)" \
	test "${w[2]:-}" = 4194304
check "socat pv -> pv2: the data came back intact (md5 ${w[0]:-?} = ${w[3]:-?})" \
	test -n "${w[0]:-}" -a "${w[0]:-}" = "${w[3]:-x}"

# ---- iperf3 -J, pv -> pv2 and reverse ----
# iperf_run ARGS...: the client in pv, up to 3 tries (the server may not
# listen yet); prints "status tries error bytes seconds" (error "none" when
# the report has none, blanks as _), then iperf3's stderr as comments.
iperf_run() {
	on pv "n=0; while :; do n=\$((n+1)); timeout -k 5 60 argo-run -- iperf3 -4 -c 1.0.0.$Q \
		-p $IPERF_PORT -t 2 -J $* > $D/iperf.json 2> $D/iperf.err; rc=\$?
		[ \$rc = 0 ] || [ \$n -ge 3 ] && break; sleep 1; done
		echo \$rc \$n; cat $D/iperf.json; echo '#stderr'; cat $D/iperf.err" | python3 -c '
import json, sys
head, _, rest = sys.stdin.read().partition("\n")
body, _, err = rest.rpartition("#stderr\n")
try:
    j = json.loads(body)
    r = j.get("end", {}).get("sum_received", {})
    print(head, str(j.get("error", "none")).replace(" ", "_"),
          r.get("bytes", 0), r.get("seconds", 0))
except ValueError as e:
    print(head or "? ?", "unparsable_report:" + str(e).replace(" ", "_"), 0, 0)
for line in err.splitlines():
    print("# iperf3 stderr:", line)
'
}
for mode in forward reverse; do
	at "iperf3 $mode"
	flag="" what="pv -> pv2"
	[ $mode = reverse ] && flag=-R what="-R, pv2 -> pv"
	out=$(iperf_run ${flag:+"$flag"})
	read -r rc tries err bytes secs <<<"$out"
	echo "# iperf3 $mode: exit $rc (try $tries), error $err, $bytes bytes received in $secs s"
	grep '^#' <<<"$out"
	check "iperf3 -J ($what): exit 0 ($rc)" test "$rc" = 0
	check "iperf3 -J ($what): no error in the report ($err)" test "$err" = none
	check "iperf3 -J ($what): the receiver counted data ($bytes bytes)" \
		test "${bytes:-0}" -gt 0 2>/dev/null
done
log=$(on pv2 "cat $D/iperf.log")
grep -iE 'error|getsockopt' <<<"$log" | sed 's/^/# iperf3 server: /'
check "iperf3 server in pv2: no error in its log" \
	eval '! grep -qiE "error|getsockopt" <<<"$log"'

at "both guests clean"
sshd_stop pv $SSHD_PORT
sshd_stop pv2 $SSHD_PORT
# SIGTERM, then up to 5 s for both to be gone
on pv2 "for n in socat iperf; do p=\$(cat $D/\$n.pid) && kill \$p
	t=0; while kill -0 \$p 2>/dev/null && [ \$t -lt 10 ]; do sleep 0.5; t=\$((t+1)); done; done"
for d in pv pv2; do
	# [s]shd: the pattern must not match the shell that runs pgrep.
	left=$(on "$d" "pgrep -a -f '[s]shd -D -e -p $SSHD_PORT'; pgrep -a -x socat; pgrep -a -x iperf3")
	check "$d: no sshd -p $SSHD_PORT, socat or iperf3 left ('$left')" test -z "$left"
	expect_no_leak "$d"
done
at "done"
finish
