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
# The ssh helpers (lib.sh) keep keys, logs and pid files here.
SSH_DIR=/tmp/argo-ipssh D=$SSH_DIR

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

k0=$(ssh_client_key dom0) kp=$(ssh_client_key pv)
ssh_authorize pv "$k0"; ssh_authorize pv "$kp"; ssh_authorize dom0 "$kp"
kh=$(ssh_client_key pvh); ssh_authorize pv "$kh"

sshd_start pv 8022
sshd_start dom0 8023
sleep 2
check "sshd -p 8022 under argo-run runs in pv" on pv "kill -0 \$(cat $D/sshd-8022.pid)"
check "pv: no real TCP listener on 8022 (sshd's socket is Argo)" no_tcp_listener pv 8022
check "dom0: no real TCP listener on 8023" no_tcp_listener dom0 8023

ssh_login dom0 pv "1.0.0.$P" 8022 1.0.0.0		# dom0 -> domU
ssh_login pvh pv "1.0.0.$P" 8022 "1.0.0.$H"	# domU -> domU
ssh_login pv dom0 1.0.0.0 8023 "1.0.0.$P"		# domU -> dom0
ssh_login pv pv 127.0.0.1 8022 127.0.0.1		# inside one domain

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
sshd_stop pv 8022
sshd_stop dom0 8023
finish
