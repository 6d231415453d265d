#!/bin/bash
# interpose-ssh.sh - OpenSSH through the Argo interposer, across domains:
# Debian's unmodified sshd and ssh, run with argo-run (INET_IS_ARGO=1 +
# LD_PRELOAD of libargo-preload.so).  A real public-key login runs a
# command; sshd re-executes itself for each connection, so the accepted
# Argo descriptor is also inherited across exec.
#
#   dom0 (0)                         pv (P)                      pvh (H)
#   argo-run ssh root@1.0.0.P:8022 ->  argo-run sshd -p 8022  <- argo-run ssh root@1.0.0.P
#   argo-run sshd -p 8023  <-------- argo-run ssh root@1.0.0.0
#                                    argo-run ssh root@127.0.0.1:8022 (same domain)
#
# Each login checks the command's output, sshd's view of the client
# (its log and $SSH_CONNECTION say 1.0.0.<client domid>), and that no
# real TCP socket listens on the port: the session went over Argo.
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
ON_TIMEOUT=300
D=/tmp/argo-ipssh

# start_sshd DOMAIN PORT: sshd -D under argo-run, detached; pid in $D/sshd-PORT.pid
start_sshd() {
	on "$1" "mkdir -p /run/sshd $D; chmod 700 $D; ssh-keygen -A >/dev/null 2>&1
		test -f $D/hostkey || ssh-keygen -q -t ed25519 -N '' -f $D/hostkey
		setsid -f sh -c 'echo \$\$ > $D/sshd-$2.pid; exec argo-run -- /usr/sbin/sshd -D -e \
			-p $2 -h $D/hostkey -o ListenAddress=0.0.0.0 \
			-o AuthorizedKeysFile=$D/authorized_keys -o StrictModes=no -o UsePAM=no \
			-o PidFile=none -o PermitRootLogin=prohibit-password' \
			> $D/sshd-$2.log 2>&1 < /dev/null"
}
stop_sshd() { on "$1" "kill \$(cat $D/sshd-$2.pid) 2>/dev/null; sleep 0.5"; }

# client_key DOMAIN: make a key in DOMAIN, print its public half.
client_key() {
	on "$1" "mkdir -p $D; chmod 700 $D; test -f $D/key || ssh-keygen -q -t ed25519 -N '' -f $D/key; cat $D/key.pub"
}
authorize() { on "$1" "mkdir -p $D; echo '$2' >> $D/authorized_keys; chmod 600 $D/authorized_keys"; }

# login CLIENT SERVER-DOMAIN-NAME ADDR PORT CLIENT-ADDR-AS-SEEN
login() {
	local c=$1 s=$2 addr=$3 port=$4 seen=$5 out want
	want=$(on "$s" hostname)
	out=$(on "$c" "r=0; until timeout -k 5 100 argo-run -- ssh -p $port -i $D/key -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=30 root@$addr \
		'echo login-ok \$(hostname) \$(id -un) \$SSH_CONNECTION' 2>$D/ssh.err; do
		r=\$((r+1)); [ \$r -ge 3 ] && break; sleep 0.5; done; cat $D/ssh.err >&2" 2>&1)
	echo "$out" | sed "s/^/# $c: /"
	check "ssh $c -> $s (root@$addr -p $port): logged in, command ran as root in $s" \
		grep -q "^login-ok $want root " <<<"$out"
	check "ssh $c -> $s: sshd saw the client as $seen and itself as $addr:$port" \
		grep -q "^login-ok $want root $seen [0-9]* $addr $port\$" <<<"$out"
}

listener_is_not_tcp() {
	local hex
	hex=$(printf '%04X' "$2")
	on "$1" "! grep -qi '^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F:]* 0A' /proc/net/tcp /proc/net/tcp6"
}

need_guests pv pvh
P=$(domid pv) H=$(domid pvh)
if [ -z "$P" ] || [ "$P" -gt 255 ] || [ -z "$H" ] || [ "$H" -gt 255 ]; then
	not_ok "the domids of pv ('$P') and pvh ('$H') fit 1.0.0.N"
	finish
fi
doms="dom0 pv pvh"
for d in $doms; do
	on "$d" 'test -x /usr/sbin/sshd && command -v ssh >/dev/null && command -v argo-run >/dev/null' ||
		not_ok "$d: sshd, ssh and argo-run installed"
done
echo "# pv is domain $P (1.0.0.$P), pvh is domain ${H:-(not started)}"

k0=$(client_key dom0) kp=$(client_key pv)
authorize pv "$k0"; authorize pv "$kp"; authorize dom0 "$kp"
kh=$(client_key pvh); authorize pv "$kh"

start_sshd pv 8022
start_sshd dom0 8023
sleep 2
check "sshd -p 8022 under argo-run runs in pv" on pv "kill -0 \$(cat $D/sshd-8022.pid)"
check "pv: no real TCP listener on 8022 (sshd's socket is Argo)" listener_is_not_tcp pv 8022
check "dom0: no real TCP listener on 8023" listener_is_not_tcp dom0 8023

login dom0 pv "1.0.0.$P" 8022 1.0.0.0		# dom0 -> domU
login pvh pv "1.0.0.$P" 8022 "1.0.0.$H"	# domU -> domU
login pv dom0 1.0.0.0 8023 "1.0.0.$P"		# domU -> dom0
login pv pv 127.0.0.1 8022 127.0.0.1		# inside one domain

# The interposer off (INET_IS_ARGO=0): ssh must not reach the Argo sshd.
out=$(on dom0 "INET_IS_ARGO=0 LD_PRELOAD=\$(ls /usr/lib/*/argo/libargo-preload.so) \
	ssh -p 8022 -i $D/key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 root@1.0.0.$P true" 2>&1)
rc=$?
echo "$out" | sed 's/^/# INET_IS_ARGO=0: /'
check "INET_IS_ARGO=0: ssh does not reach the Argo sshd (status $rc)" test "$rc" != 0

on pv "grep -E 'Accepted|error|fatal' $D/sshd-8022.log" | sed 's/^/# sshd pv: /'
on dom0 "grep -E 'Accepted|error|fatal' $D/sshd-8023.log" | sed 's/^/# sshd dom0: /'
check "pv sshd logged the login from 1.0.0.0 (dom0)" \
	on pv "grep -q 'Accepted publickey for root from 1.0.0.0 port' $D/sshd-8022.log"
check "sshd logs have no socket errors" \
	on pv "! grep -qiE 'Protocol not available|Bad file|getpeername|getsockname' $D/sshd-8022.log"
if [ -d /sys/kernel/debug/argo ]; then
	for f in /sys/kernel/debug/argo/*; do sed "s|^|# $(basename "$f"): |" "$f" 2>/dev/null | head -n 20; done
fi
stop_sshd pv 8022
stop_sshd dom0 8023
finish
