# shellcheck shell=bash
# Boot QEMU (TCG) -> Xen -> dom0 and follow dom0's "@@LAB" console lines.

LAB_QEMU_PID=
LAB_MEM=${LAB_MEM:-3584}
LAB_SMP=${LAB_SMP:-2}
LAB_DOM0_MEM=${LAB_DOM0_MEM:-1024}
# -cpu max: SVM under TCG, needed for PVH guests.  -xsave: with XSAVE,
# QEMU 7.2's TCG corrupts PV guests' user state across context switches
# (malloc aborts, segfaults within minutes of a fork-heavy load); with
# FXSAVE only, the same load runs clean.  QEMU 10 (bookworm-backports)
# is no cure: its PVH guests power off at boot.
LAB_CPU=${LAB_CPU:-max,-xsave}

# Seconds a dom0 step may take before the host gives up on it.
declare -A LAB_STEP_LIMIT=(
	[qemu]=240 [dom0-init]=60 [toolstack]=90 [guests]=30 [module-load]=300
	[collect]=300 [sshd]=0 [shell]=0
)
lab_step_limit() {
	case $1 in
	xl-create*) echo 180 ;;
	wait-ssh-*) echo 660 ;;
	script) echo $((LAB_SCRIPT_TIMEOUT + 60)) ;;
	*) echo "${LAB_STEP_LIMIT[$1]:-120}" ;;
	esac
}

xen_cmdline() {
	local argo
	case $LAB_ARGO in
	on) argo="argo=1,mac-permissive=1" ;;
	strict) argo="argo=1" ;;
	off) argo="argo=0" ;;
	esac
	echo "console=com1 com1=115200,8n1 dom0_mem=${LAB_DOM0_MEM}M,max:${LAB_DOM0_MEM}M smap=0 smep=0 $argo loglvl=all guest_loglvl=all noreboot bootscrub=0"
}

# qemu_cmd SERIALSPEC...: the QEMU command line in the array QEMU.
qemu_cmd() {
	QEMU=(qemu-system-x86_64 -accel tcg,tb-size=256 -cpu "$LAB_CPU" -m "$LAB_MEM" -smp "$LAB_SMP"
		-nodefaults -display none -no-reboot
		-kernel "$LAB_XEN" -append "$(xen_cmdline)"
		-initrd "$LAB_WORK/in/vmlinuz console=hvc0 loglevel=5 rootfstype=ramfs LAB_ROLE=dom0,$LAB_WORK/initrd-dom0"
		-virtfs "local,path=$LAB_WORK/in,mount_tag=labin,security_model=none,readonly=on"
		-virtfs "local,path=$LAB_RESULTS,mount_tag=results,security_model=none"
		"$@")
	if [ -n "${LAB_HOSTFWD_PORT:-}" ]; then
		QEMU+=(-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$LAB_HOSTFWD_PORT-:22"
			-device virtio-net-pci,netdev=n0)
	fi
}

# At most LAB_MAX_LABS QEMUs at once on this host (default: one per 2 cores,
# at least 1): TCG labs that share cores starve each other into timeouts.
# The slot lock is held until xen-lab exits.
lab_take_slot() {
	local max=${LAB_MAX_LABS:-$(( $(nproc) / 2 > 1 ? $(nproc) / 2 : 1 ))} i t0=$SECONDS said=0
	mkdir -p "$LAB_CACHE/slots"
	while :; do
		for ((i = 0; i < max; i++)); do
			exec {LAB_SLOT_FD}>"$LAB_CACHE/slots/$i"
			if flock -n "$LAB_SLOT_FD"; then
				[ "$said" = 1 ] && log "got lab slot $i after $((SECONDS - t0)) s"
				return 0
			fi
			exec {LAB_SLOT_FD}>&-
		done
		[ "$said" = 0 ] && { log "$max labs already running on this host: waiting for a slot (LAB_MAX_LABS)"; said=1; }
		[ $((SECONDS - t0)) -gt "${LAB_SLOT_WAIT:-5400}" ] &&
			die "no free lab slot within ${LAB_SLOT_WAIT:-5400} s"
		sleep 5
	done
}

qemu_reap() {
	[ -n "$LAB_QEMU_PID" ] || return 0
	if kill -0 "$LAB_QEMU_PID" 2>/dev/null; then
		kill "$LAB_QEMU_PID" 2>/dev/null
		local n=0
		while kill -0 "$LAB_QEMU_PID" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
		kill -9 "$LAB_QEMU_PID" 2>/dev/null
	fi
	wait "$LAB_QEMU_PID" 2>/dev/null
	LAB_QEMU_PID=
}

# Print the last lines of the console that explains a failure of STEP.
explain_failure() {
	local step=$1 g
	case $step in
	xl-create* | wait-ssh-*)
		g=${step#xl-create}; g=${g#-}; g=${g#wait-ssh-}
		if [ -s "$LAB_RESULTS/$g-console.txt" ]; then
			echo "----- last 40 lines of guest $g's console ($LAB_RESULTS/$g-console.txt) -----"
			tail -n 40 "$LAB_RESULTS/$g-console.txt"
			echo "-----"
		fi
		;;
	esac
	echo "----- last 40 lines of the serial console (Xen + dom0; $LAB_RESULTS/serial.log) -----"
	tail -n 40 "$LAB_RESULTS/serial.log" | tr -d '\r'
	echo "-----"
}

# boot_and_follow: start QEMU in the background and follow the serial log until
# dom0 reports @@LAB-END.  Sets LAB_END_STATUS, LAB_FAILED_STEP, LAB_FAIL_MSG.
boot_and_follow() {
	local serial=$LAB_RESULTS/serial.log line n=0 total step=qemu step_t0 now lim
	local t_start echo_script=0
	LAB_END_STATUS= LAB_FAILED_STEP= LAB_FAIL_MSG=
	: >"$serial"
	qemu_cmd -chardev "file,id=con,path=$serial" -serial chardev:con
	printf '%q ' "${QEMU[@]}" >"$LAB_RESULTS/qemu-cmdline.txt"
	"${QEMU[@]}" </dev/null >"$LAB_RESULTS/qemu-stderr.txt" 2>&1 &
	LAB_QEMU_PID=$!
	t_start=$(date +%s.%N)
	step_t0=$SECONDS
	log "QEMU started (pid $LAB_QEMU_PID, serial: $serial)"
	while :; do
		total=$(wc -l <"$serial")
		if [ "$total" -gt "$n" ]; then
			while IFS= read -r line; do
				line=${line%$'\r'}
				case $line in
				"@@LAB step="*)
					step=${line#@@LAB step=}; step=${step%% *}
					step_t0=$SECONDS
					log "dom0: $step"
					;;
				"@@LAB-FAIL "*)
					LAB_FAILED_STEP=${line#@@LAB-FAIL step=}; LAB_FAILED_STEP=${LAB_FAILED_STEP%% *}
					LAB_FAIL_MSG=${line#@@LAB-FAIL step=* }
					log "dom0 FAILED at step $LAB_FAILED_STEP: $LAB_FAIL_MSG"
					;;
				"@@LAB all guests up"*)
					now=$(date +%s.%N)
					LAB_T_GUESTS_UP=$(awk -v a="$t_start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
					log "all guests up ${LAB_T_GUESTS_UP}s after QEMU started"
					;;
				"@@LAB script begins"*) echo_script=1 ;;
				"@@LAB script ended"*) echo_script=0; log "${line#@@LAB }" ;;
				"@@LAB-END "*)
					LAB_END_STATUS=${line#*status=}; LAB_END_STATUS=${LAB_END_STATUS%% *}
					break 2
					;;
				"@@LAB guest "* | "@@LAB waiting "* | "@@LAB warning"*) log "${line#@@LAB }" ;;
				*) [ "$echo_script" = 1 ] && printf '%s\n' "$line" ;;
				esac
			done < <(sed -n "$((n + 1)),${total}p" "$serial")
			n=$total
		fi
		if ! kill -0 "$LAB_QEMU_PID" 2>/dev/null; then
			wait "$LAB_QEMU_PID"; local qrc=$?
			LAB_QEMU_PID=
			if [ -z "$LAB_FAILED_STEP" ]; then
				LAB_FAILED_STEP=$step
				LAB_FAIL_MSG="QEMU exited (status $qrc) during step '$step' before dom0 finished"
			fi
			[ -s "$LAB_RESULTS/qemu-stderr.txt" ] && tail -n 5 "$LAB_RESULTS/qemu-stderr.txt" >&2
			break
		fi
		lim=$(lab_step_limit "$step")
		if [ "$lim" -gt 0 ] && [ $((SECONDS - step_t0)) -gt "$lim" ]; then
			LAB_FAILED_STEP=$step
			LAB_FAIL_MSG="step '$step' did not finish within $lim s"
			break
		fi
		sleep 0.5
	done
	if [ -n "$LAB_END_STATUS" ]; then
		# dom0 powers off right after @@LAB-END.
		local k=0
		while [ -n "$LAB_QEMU_PID" ] && kill -0 "$LAB_QEMU_PID" 2>/dev/null && [ $k -lt 60 ]; do
			sleep 0.5; k=$((k + 1))
		done
	fi
	qemu_reap
	now=$(date +%s.%N)
	LAB_T_QEMU=$(awk -v a="$t_start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
}
