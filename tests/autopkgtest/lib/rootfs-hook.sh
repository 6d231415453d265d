# mmdebstrap customize hook of xen-lab's base rootfs; $1 = the chroot, $LAB_KREL =
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# the apt release of the guest kernel (bookworm or bookworm-backports).
set -eu
root=$1
chroot "$root" apt-get update -q
# Headers (for DKMS) from the kernel's release; the image of exactly that version.
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends -t "$LAB_KREL" linux-headers-amd64
kver=$(cd "$root/usr/src" && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//' | sort -V | tail -n 1)
[ -n "$kver" ] || { echo "no kernel headers installed" >&2; exit 1; }
mkdir -p "$root/tmp/kdeb" && chmod 777 "$root/tmp/kdeb"
chroot "$root" sh -c "cd /tmp/kdeb && apt-get download -q -t '$LAB_KREL' linux-image-$kver"
# Unpacked beside, then copied: extracting over the merged-/usr symlinks would break them.
dpkg-deb -x "$root"/tmp/kdeb/linux-image-*.deb "$root/tmp/kdeb/x"
mkdir -p "$root/usr/lib/modules" "$root/boot"
cp -a "$root/tmp/kdeb/x/lib/modules/." "$root/usr/lib/modules/"
cp -a "$root/tmp/kdeb/x/boot/." "$root/boot/"
rm -rf "$root/tmp/kdeb"
[ -f "$root/boot/vmlinuz-$kver" ] || { echo "no vmlinuz-$kver" >&2; exit 1; }
chroot "$root" /sbin/depmod "$kver"
echo "$kver" >"$root/etc/lab-kver"

# ssh: one key for root in every domain (dom0 logs into the guests with it).
mkdir -p "$root/root/.ssh"
chmod 700 "$root/root/.ssh"
chroot "$root" ssh-keygen -q -t ed25519 -N '' -C argo-lab -f /root/.ssh/id_ed25519
cp "$root/root/.ssh/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
cat >"$root/etc/ssh/sshd_config.d/argo-lab.conf" <<'EOS'
PermitRootLogin prohibit-password
PasswordAuthentication no
UseDNS no
EOS
cat >"$root/etc/ssh/ssh_config.d/argo-lab.conf" <<'EOS'
Host *
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
	BatchMode yes
	ConnectTimeout 10
	ServerAliveInterval 15
EOS
echo argo-lab >"$root/etc/hostname"
# xl: dom0's memory is fixed on Xen's command line; no ballooning.
sed -i -e 's/^#\?autoballoon=.*/autoballoon="off"/' "$root/etc/xen/xl.conf"
grep -q '^autoballoon=' "$root/etc/xen/xl.conf" || echo 'autoballoon="off"' >>"$root/etc/xen/xl.conf"
[ -e "$root/dev/console" ] || mknod -m 600 "$root/dev/console" c 5 1
[ -e "$root/dev/null" ] || mknod -m 666 "$root/dev/null" c 1 3
# Nothing may start services in the chroot when the run installs packages.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
