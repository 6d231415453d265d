# shellcheck shell=bash
# In-domain side of xen-lab (sourced by /init).  See docs/DESIGN.md, "lab contract".

LAB_NET_PREFIX=169.254.0
LAB_DOM0_IP=$LAB_NET_PREFIX.1
# Guest name -> address suffix, type.
declare -A LAB_GUEST_IP=([pv]=11 [pvh]=12 [pv2]=13)
declare -A LAB_GUEST_TYPE=([pv]=pv [pvh]=pvh [pv2]=pv)

uptime_s() { cut -d' ' -f1 /proc/uptime; }
step() {
	LAB_STEP=$1
	echo "@@LAB step=$1 t=$(uptime_s)"
	[ -n "${LAB_OUT:-}" ] && [ -w "$LAB_OUT" ] && echo "$(uptime_s) $1" >>"$LAB_OUT/dom0-steps.txt"
}
fail() {
	echo "@@LAB-FAIL step=${LAB_STEP:-?} $*"
	LAB_FAILED=1
}

# ---------------------------------------------------------------- guests
lab_guest_main() {
	local n=0
	echo "${LAB_NAME:-guest}" >/proc/sys/kernel/hostname
	echo "@@GUEST $LAB_NAME booting t=$(uptime_s)"
	modprobe xen-netfront
	until [ -e /sys/class/net/eth0 ] || [ $n -ge 200 ]; do sleep 0.1; n=$((n + 1)); done
	if ! ip addr add "$LAB_IP/16" dev eth0 || ! ip link set eth0 up; then
		echo "@@GUEST $LAB_NAME network failed: $(ls /sys/class/net)"
	fi
	/usr/sbin/sshd -E /var/log/sshd.log || echo "@@GUEST $LAB_NAME sshd failed"
	echo "@@GUEST $LAB_NAME up ip=$LAB_IP t=$(uptime_s)"
	# PID 1: reap orphans (bash reaps any child on SIGCHLD) and keep the
	# control channel alive, saying so on the console when sshd had died.
	while :; do
		sleep 5
		if ! kill -0 "$(cat /run/sshd.pid 2>/dev/null)" 2>/dev/null; then
			echo "@@GUEST $LAB_NAME: sshd is gone; restarting it (t=$(uptime_s))"
			tail -n 5 /var/log/sshd.log
			/usr/sbin/sshd -E /var/log/sshd.log
		fi
	done
}

# ---------------------------------------------------------------- dom0
lab_dom0_mounts() {
	modprobe virtio_pci && modprobe 9pnet_virtio && modprobe 9p || return 1
	mkdir -p /lab/in /lab/out
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose labin /lab/in || return 1
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /lab/out || return 1
}

lab_toolstack() {
	local m n=0
	for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback xen-blkback bridge; do
		modprobe "$m" || { fail "modprobe $m failed"; return 1; }
	done
	mount -t xenfs xenfs /proc/xen || { fail "mount xenfs failed"; return 1; }
	mkdir -p /run/xen /run/xenstored /var/lib/xen /var/log/xen/console /var/run/xen
	XENSTORED_ROOTDIR=/run/xenstored timeout 30 xenstored --pid-file /run/xenstored.pid ||
		{ fail "xenstored failed"; return 1; }
	until timeout 2 xenstore-read -s / >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -ge 100 ] && { fail "xenstored did not answer within 10 s"; return 1; }
		sleep 0.1
	done
	timeout 30 xen-init-dom0 || { fail "xen-init-dom0 failed"; return 1; }
	xenconsoled --pid-file /run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console ||
		{ fail "xenconsoled failed"; return 1; }
	ip link add xenbr0 type bridge &&
		ip link set xenbr0 type bridge stp_state 0 forward_delay 0 &&
		ip addr add "$LAB_DOM0_IP/16" dev xenbr0 &&
		ip link set xenbr0 up || { fail "bridge xenbr0 failed"; return 1; }
	/usr/sbin/sshd -E /var/log/sshd.log || { fail "sshd failed"; return 1; }
	{
		echo "127.0.0.1 localhost"
		echo "$LAB_DOM0_IP dom0 argo-lab"
		for m in "${!LAB_GUEST_IP[@]}"; do echo "$LAB_NET_PREFIX.${LAB_GUEST_IP[$m]} $m"; done
	} >/etc/hosts
}

# Optional QEMU user network (autopkgtest's ssh into dom0); no route beyond it.
lab_hostnet() {
	local n=0 dev
	modprobe virtio_net || return 1
	while [ $n -lt 50 ]; do
		for dev in /sys/class/net/*; do
			[ "$(readlink -f "$dev/device/driver" 2>/dev/null)" != "" ] &&
				[ "$(basename "$(readlink -f "$dev/device/driver")")" = virtio_net ] &&
				{ dev=$(basename "$dev"); break 2; }
		done
		sleep 0.1; n=$((n + 1))
	done
	[ $n -lt 50 ] || return 1
	ip addr add 10.0.2.15/24 dev "$dev" && ip link set "$dev" up
}

# --guest-root squashfs: the guests' two read-only root layers, as loop
# devices on the 9p files (pages are read on demand, and dom0's page cache
# serves every guest).  Sets LAB_LOOP_BASE and LAB_LOOP_RUN.
lab_guest_disks() {
	modprobe loop || { fail "modprobe loop failed"; return 1; }
	LAB_LOOP_BASE=$(losetup -r -f --show /lab/in/guest-base.sqfs) &&
		LAB_LOOP_RUN=$(losetup -r -f --show /lab/in/guest-run.sqfs) ||
		{ fail "losetup of the guests' root images failed"; return 1; }
}

lab_guest_cfg() {
	local name=$1 type=${LAB_GUEST_TYPE[$1]} ip=$LAB_NET_PREFIX.${LAB_GUEST_IP[$1]}
	local ramdisk=/lab/in/initrd d=
	if [ "${LAB_GUEST_ROOT:-initramfs}" = squashfs ]; then
		ramdisk=/lab/in/guest-initrd
		d=script=/usr/lib/argo-lab/block-lab,format=raw,access=ro
		d="disk = [ \"$d,vdev=xvda,target=$LAB_LOOP_BASE\", \"$d,vdev=xvdb,target=$LAB_LOOP_RUN\" ]"
	fi
	cat <<EOC
name = "$name"
type = "$type"
kernel = "/lab/in/vmlinuz"
ramdisk = "$ramdisk"
cmdline = "console=hvc0 earlyprintk=xen loglevel=5 rootfstype=ramfs LAB_ROLE=guest LAB_NAME=$name LAB_IP=$ip"
memory = ${LAB_GUEST_MEM:-448}
$d
vcpus = 1
vif = [ "bridge=xenbr0,mac=00:16:3e:a7:00:${LAB_GUEST_IP[$1]},script=/usr/lib/argo-lab/vif-lab" ]
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOC
	# TCG: RDTSCP traps ("SVM Insn len emulation failed") and the emulated
	# XSAVE sizes are inconsistent (the guest kernel WARNs): hide both.
	# hap = 0: QEMU 7.2's emulated nested paging triple-faults PVH guests
	# at random under load; Xen's shadow paging runs them reliably.
	[ "$type" = pvh ] && printf '%s\n' 'cpuid = "host,rdtscp=0,xsave=0"' 'hap = 0'
}

guest_console_tail() {
	echo "----- last lines of guest $1's console -----"
	tail -n "${2:-40}" "/var/log/xen/console/guest-$1.log" 2>/dev/null
	echo "----- end of guest $1's console -----"
}

# lab_ssh_ready NAME: wait (in the background of lab_start_guests) for
# guest NAME's console to say it is up, then open its ssh connection (the
# ControlMaster that lab-guest reuses).  Probing ssh before the guest has
# its network loses up to the ConnectTimeout per try; one login under TCG
# takes seconds, and the guests' logins overlap this way instead of adding up.
lab_ssh_ready() {
	local g=$1 t0=$SECONDS limit=${LAB_GUEST_TIMEOUT:-600} n=0
	# The console line, or else (a line mixed up with the kernel's) sshd's port.
	until grep -aq "@@GUEST $g up" "/var/log/xen/console/guest-$g.log" 2>/dev/null; do
		[ $((SECONDS - t0)) -lt "$limit" ] || break
		n=$((n + 1))
		[ $((n % 10)) = 0 ] && timeout 3 bash -c ">/dev/tcp/$g/22" 2>/dev/null && break
		sleep 0.5
	done
	until timeout 15 lab-guest "$g" -- true 2>/dev/null; do
		[ $((SECONDS - t0)) -lt "$limit" ] || return 1
		sleep 1
	done
}

lab_start_guests() {
	local g pids=() rc=0
	local -A ready
	mkdir -p /etc/xen
	if [ "${LAB_GUEST_ROOT:-initramfs}" = squashfs ]; then
		lab_guest_disks || return 1
	fi
	# In parallel: under TCG loading a kernel and initrd into a guest takes ~20 s.
	step xl-create
	for g in $LAB_GUESTS; do
		lab_guest_cfg "$g" >"/etc/xen/$g.cfg"
		timeout 150 xl create -q "/etc/xen/$g.cfg" >"/tmp/xl-create-$g.log" 2>&1 &
		pids+=($!)
	done
	set -- $LAB_GUESTS
	for pid in "${pids[@]}"; do
		g=$1; shift
		wait "$pid"
		local xrc=$?
		# xl has been seen to abort after the domain was built (its monitor
		# child runs on): go on if the domain is there; ssh proves the rest.
		if [ $xrc = 134 ] && timeout 30 xl list "$g" >/dev/null 2>&1; then
			echo "@@LAB warning: xl create $g exited with status $xrc but $g exists; going on"
			cat "/tmp/xl-create-$g.log"
		elif [ $xrc != 0 ]; then
			cat "/tmp/xl-create-$g.log"
			guest_console_tail "$g"
			fail "xl create $g failed"
			rc=1
		fi
	done
	[ $rc = 0 ] || return 1
	for g in $LAB_GUESTS; do
		lab_ssh_ready "$g" &
		ready[$g]=$!
	done
	for g in $LAB_GUESTS; do
		step "wait-ssh-$g"
		local t0=$SECONDS
		while kill -0 "${ready[$g]}" 2>/dev/null || ! wait "${ready[$g]}"; do
			if [ $((SECONDS - t0)) -ge "${LAB_GUEST_TIMEOUT:-600}" ]; then
				timeout 10 xl list
				guest_console_tail "$g"
				fail "guest $g not reachable by ssh within ${LAB_GUEST_TIMEOUT:-600} s"
				return 1
			fi
			if grep -aq 'Kernel panic' "/var/log/xen/console/guest-$g.log" 2>/dev/null ||
				timeout 30 xl list "$g" 2>/dev/null | awk 'NR == 2 && $5 ~ /c/ { f = 1 } END { exit !f }'; then
				guest_console_tail "$g" 60
				fail "guest $g crashed while booting (kernel panic; its console is above)"
				return 1
			fi
			timeout 30 xl list "$g" >/dev/null 2>&1
			[ $? = 1 ] && {
				guest_console_tail "$g"
				fail "guest $g is gone (crashed or destroyed while booting)"
				return 1
			}
			if [ $(((SECONDS - t0) % 30)) -lt 2 ] && [ $((SECONDS - t0)) -ge 30 ]; then
				echo "@@LAB waiting for $g ($((SECONDS - t0)) s): $(tail -n 1 "/var/log/xen/console/guest-$g.log" 2>/dev/null | cut -c1-100)"
			fi
			sleep 1
		done
		echo "@@LAB guest $g up domid=$(timeout 5 xl domid "$g") t=$(uptime_s)"
	done
}

lab_load_module() {
	local g rc=0
	step module-load
	if ! out=$(modprobe argo 2>&1); then
		echo "$out"
		fail "modprobe argo failed in dom0: $out"
		rc=1
	fi
	for g in $LAB_GUESTS; do
		if ! out=$(timeout 60 lab-guest "$g" -- modprobe argo 2>&1); then
			echo "$out"
			fail "modprobe argo failed in guest $g: $out"
			rc=1
		fi
	done
	return $rc
}

# Everything the host gets back, whatever happened before.
lab_collect() {
	local g
	step collect
	dmesg >"$LAB_OUT/dom0-dmesg.txt" 2>&1
	timeout 20 xl dmesg >"$LAB_OUT/xen-dmesg.txt" 2>&1
	timeout 20 xl list >"$LAB_OUT/xl-list.txt" 2>&1
	for g in $LAB_GUESTS; do
		if timeout 5 xl list "$g" >/dev/null 2>&1; then
			timeout 30 lab-guest "$g" -- dmesg >"$LAB_OUT/$g-dmesg.txt" 2>&1 ||
				echo "(could not read $g's dmesg over ssh)" >>"$LAB_OUT/$g-dmesg.txt"
			timeout 30 lab-guest "$g" -- cat /var/log/sshd.log >"$LAB_OUT/$g-sshd.log" 2>&1
		fi
	done
	for g in /var/log/xen/console/guest-*.log; do
		[ -f "$g" ] && cp "$g" "$LAB_OUT/$(basename "$g" .log | sed 's/^guest-//')-console.txt"
	done
	cp /var/log/xen/*.log "$LAB_OUT/" 2>/dev/null
	mkdir -p "$LAB_OUT/xen-logs" && cp -r /var/log/xen/. "$LAB_OUT/xen-logs/" 2>/dev/null
}

lab_run_script() {
	local rc pid
	step script
	cd /root || return 1
	echo "@@LAB script begins: ${LAB_ARGS[*]}"
	# Output to a file, not a pipe: daemons a test starts (xl's monitor after
	# xl create/restore, servers) must not keep the run waiting for EOF.
	: >/run/script.log
	timeout -k 10 "${LAB_SCRIPT_TIMEOUT:-1800}" /lab/in/script "${LAB_ARGS[@]}" \
		</dev/null >/run/script.log 2>&1 &
	pid=$!
	tail -n +1 -s 0.3 -f --pid=$pid /run/script.log &
	wait $pid
	rc=$?
	wait
	cp /run/script.log "$LAB_OUT/script.log"
	[ $rc -eq 124 ] && echo "@@LAB script timed out after ${LAB_SCRIPT_TIMEOUT:-1800} s"
	echo "$rc" >"$LAB_OUT/script-status"
	echo "@@LAB script ended status=$rc t=$(uptime_s)"
	return $rc
}

lab_dom0_main() {
	local status=0
	LAB_FAILED=0
	step dom0-init
	if ! lab_dom0_mounts; then
		fail "mounting the 9p shares failed (virtio 9p in dom0)"
		echo "@@LAB-END status=1 labfail=1 t=$(uptime_s)"
		return 1
	fi
	LAB_OUT=/lab/out
	# shellcheck source=/dev/null
	. /lab/in/lab.conf
	echo "$(uptime_s) dom0-init" >"$LAB_OUT/dom0-steps.txt"
	# --guest-root squashfs: the guests' root images into dom0's page cache
	# (the 9p share's) while the toolstack starts, so that the guests' reads
	# through blkback do not each wait for 9p.  Not waited for.
	if [ "${LAB_GUEST_ROOT:-initramfs}" = squashfs ]; then
		cat /lab/in/guest-run.sqfs /lab/in/guest-base.sqfs >/dev/null 2>&1 &
		disown
	fi
	echo 4 >/proc/sys/kernel/printk
	step toolstack
	lab_toolstack || LAB_FAILED=1
	if [ "$LAB_FAILED" = 0 ] && [ "${LAB_HOSTNET:-0}" = 1 ]; then
		lab_hostnet || fail "no virtio-net device for the host port forward"
	fi
	if [ "$LAB_FAILED" = 0 ]; then
		echo "@@LAB toolstack up t=$(uptime_s)"
		step guests
		lab_start_guests || LAB_FAILED=1
	fi
	[ "$LAB_FAILED" = 0 ] && echo "@@LAB all guests up t=$(uptime_s)" &&
		echo "$(uptime_s) all-guests-up" >>"$LAB_OUT/dom0-steps.txt"
	if [ "$LAB_FAILED" = 0 ] && [ "${LAB_LOAD_MODULE:-0}" = 1 ]; then
		lab_load_module || LAB_FAILED=1
	fi
	if [ "$LAB_FAILED" = 0 ]; then
		case $LAB_MODE in
		run) lab_run_script; status=$? ;;
		shell)
			step shell
			echo "@@LAB dom0 shell: guests ${LAB_GUESTS}; 'lab-guest NAME -- CMD'; exit to power off"
			setsid -c -w /bin/bash -l </dev/hvc0 >/dev/hvc0 2>&1
			;;
		sshd)
			step sshd
			echo "@@LAB sshd ready"
			while [ ! -e /run/lab-poweroff ]; do sleep 1; done
			;;
		esac
	else
		status=1
	fi
	lab_collect
	echo "$status" >"$LAB_OUT/status"
	echo "$LAB_FAILED" >"$LAB_OUT/lab-failed"
	sync
	umount /lab/out 2>/dev/null
	echo "@@LAB-END status=$status labfail=$LAB_FAILED t=$(uptime_s)"
}
