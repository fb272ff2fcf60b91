#!/bin/bash
# build-guest-image.sh OUTDIR — a CirrOS-like guest image from Debian packages only.
#
# Writes OUTDIR/cirros.qcow2 (plus OUTDIR/vmlinuz and OUTDIR/initrd.img): Debian's -cloud-amd64
# kernel, whose LZ4 bzImage boots twice as fast under TCG as the generic one, with the virtio,
# CD-ROM and file-system modules in the initramfs; busybox-static for init, DHCP, getty and
# acpid; dropbear for ssh. Everything runs from RAM. At boot, as CirrOS does, the guest:
#   - takes DHCP on every ethN (routes incl. option 121, DNS, MTU, hostname);
#   - reads a config drive (label config-2, iso9660 or vfat) or else the metadata service at
#     169.254.169.254: hostname, public keys (into ~cirros/.ssh/authorized_keys), user data, which
#     it runs once when it starts with #!; copies are kept under /run/cirros/datasource/;
#   - starts dropbear on :22, getty on ttyS0 and tty1, acpid (the power button powers off);
#   - prints a banner and `STRATUS-GUEST-READY ip=<cidr> uptime=<s>` on the console.
# Logins: cirros / gocubsgo (a uid-0 alias, with a sudo that just runs its command) and root.
#
# Needs (Debian packages): apt, dpkg, kmod, cpio, gzip, dosfstools, mtools, fdisk, qemu-utils.
# No mounts and no loop devices. About 10 s with the downloads.
set -euo pipefail

OUT=${1:?usage: build-guest-image.sh OUTDIR}
PASSWORD=${PASSWORD:-gocubsgo}
DISK_MB=${DISK_MB:-64}

need() { command -v "$1" >/dev/null 2>&1 || { echo "build-guest-image: $1 is missing (apt-get install -y $2)" >&2; exit 1; }; }
need apt-get apt; need dpkg-deb dpkg; need depmod kmod; need modprobe kmod; need cpio cpio; need gzip gzip
need mkfs.fat dosfstools; need mcopy mtools; need sfdisk fdisk; need qemu-img qemu-utils

mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/stratus-guest-build.XXXXXX")
trap 'rm -rf "$W"' EXIT
X=$W/x R=$W/root
mkdir -p "$W/debs" "$X" "$R"

# ---------------------------------------------------------------- 1. the packages
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
if [ -z "$kpkg" ]; then apt-get update -qq >/dev/null 2>&1 || true; kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); fi
[ -n "$kpkg" ] || { echo "build-guest-image: cannot resolve linux-image-cloud-amd64 (apt-get update)" >&2; exit 1; }
KVER=${kpkg#linux-image-}
chmod 777 "$W/debs"   # apt's _apt user downloads here
(cd "$W/debs" && apt-get download "$kpkg" busybox-static syslinux syslinux-common \
  dropbear-bin libtomcrypt1 libtommath1 libgmp10 libc6 libcrypt1 zlib1g >/dev/null 2>"$W/apt.err") \
  || { cat "$W/apt.err" >&2; exit 1; }
for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$X"; done

# ---------------------------------------------------------------- 2. the initramfs
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/acpi/PWRF,proc,sys,dev,run,tmp,root,home/cirros,mnt,var/log,lib/modules,usr/share/udhcpc}
cp "$X/bin/busybox" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done

# dropbear and the shared libraries it needs, resolved against the unpacked packages
cp "$X/usr/sbin/dropbear" "$R/usr/sbin/dropbear"
cp "$X/usr/bin/dropbearkey" "$R/usr/bin/dropbearkey"
mkdir -p "$R/lib/x86_64-linux-gnu" "$R/lib64" "$R/etc/dropbear"
LDSO="$X/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
cp -L "$LDSO" "$R/lib/x86_64-linux-gnu/"
"$LDSO" --library-path "$X/lib/x86_64-linux-gnu:$X/usr/lib/x86_64-linux-gnu" --list "$X/usr/sbin/dropbear" > "$W/dropbear.libs"
if grep -q 'not found' "$W/dropbear.libs"; then cat "$W/dropbear.libs" >&2; exit 1; fi
awk '$2=="=>" {print $3}' "$W/dropbear.libs" | while read -r so; do cp -L "$so" "$R/lib/x86_64-linux-gnu/"; done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$R/lib64/ld-linux-x86-64.so.2"

# Kernel modules: the Debian kernels build virtio, ATA, SCSI CD-ROM and these file systems as
# modules, so they must be in the initramfs (and their dependency closure with them).
MODS="virtio_pci virtio_net virtio_blk virtio_rng virtio_console button evdev \
      ata_piix ata_generic sr_mod isofs vfat nls_cp437 nls_ascii nls_utf8"
depmod -b "$X" "$KVER"
for m in $MODS; do modprobe -d "$X" -S "$KVER" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}'; done \
  | sort -u | while read -r ko; do rel=${ko#"$X"/}; mkdir -p "$R/$(dirname "$rel")"; cp "$ko" "$R/$rel"; done
cp "$X/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
depmod -b "$R" "$KVER"

HASH=$("$R/bin/busybox" mkpasswd -m sha512 "$PASSWORD")
cat > "$R/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
cirros:x:0:0:cirros:/home/cirros:/bin/sh
EOF
cat > "$R/etc/shadow" <<EOF
root:$HASH:19000:0:99999:7:::
cirros:$HASH:19000:0:99999:7:::
EOF
chmod 600 "$R/etc/shadow"
echo "root:x:0:" > "$R/etc/group"
printf '/bin/sh\n' > "$R/etc/shells"
printf 'ttyS0\ntty1\npts/0\npts/1\npts/2\npts/3\npts/4\npts/5\n' > "$R/etc/securetty"
echo cirros > "$R/etc/hostname"
cat > "$R/etc/issue" <<EOF

login as 'cirros' user. default password: '$PASSWORD'. use 'sudo' for root.
EOF
cp "$R/etc/issue" "$R/etc/motd"

# sudo: cirros is already uid 0, so sudo only runs its command (options are accepted and ignored)
cat > "$R/usr/bin/sudo" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in -u|-g) shift 2 ;; -*) shift ;; *) break ;; esac; done
[ $# -eq 0 ] && exec /bin/sh -l
exec "$@"
EOF

cat > "$R/init" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
exec /sbin/init
EOF

cat > "$R/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100
tty1::respawn:/sbin/getty 38400 tty1
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
EOF

cat > "$R/etc/init.d/rcS" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
up() { cut -d' ' -f1 /proc/uptime; }
DS=/run/cirros/datasource
# The first value of a JSON string field, and every public key, from a meta_data.json.
field() { sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p" "$1" | head -n1; }
keys() { sed -n 's/.*"public_keys": *{\([^}]*\)}.*/\1/p' "$1" | sed 's/", *"/"\n"/g' | sed -n 's/^ *"[^"]*": *"\(.*\)" *$/\1/p' | sed 's/\\n$//'; }
apply() {   # $1: a directory holding meta_data.json and maybe user_data
  mkdir -p "$DS/data"; cp "$1"/* "$DS/data/" 2>/dev/null
  h=$(field "$DS/data/meta_data.json" hostname); [ -n "$h" ] && hostname "${h%%.*}" && echo "${h%%.*}" > /etc/hostname
  # NOTE: `|| [ -n "$k" ]`: the JSON has no final newline, and read fails on an unterminated last line.
  keys "$DS/data/meta_data.json" | while read -r k || [ -n "$k" ]; do
    for home in /home/cirros /root; do grep -qF "$k" $home/.ssh/authorized_keys 2>/dev/null || echo "$k" >> $home/.ssh/authorized_keys; done
  done
  if [ -s "$DS/data/user_data" ] && head -c 2 "$DS/data/user_data" | grep -q '^#!' && [ ! -e "$DS/user-data.ran" ]; then
    touch "$DS/user-data.ran"; chmod 755 "$DS/data/user_data"
    "$DS/data/user_data" > /dev/console 2>&1
    echo "STRATUS-USER-DATA: exit $?" > /dev/console
  fi
}
mkdir -p /root/.ssh /home/cirros/.ssh "$DS" && chmod 700 /root/.ssh /home/cirros/.ssh
echo "STRATUS-INIT: userspace at $(up)s"
hostname -F /etc/hostname
modprobe -a virtio_pci virtio_net virtio_blk virtio_rng virtio_console button evdev ata_piix sr_mod isofs vfat nls_cp437 nls_ascii nls_utf8 2>/dev/null
ip link set lo up

# network: DHCP on every ethN (udhcpc goes to the background with a lease, or after ~10 s)
for n in /sys/class/net/eth*; do
  [ -e "$n" ] || continue; i=${n##*/}
  ip link set "$i" up
  udhcpc -i "$i" -b -t 10 -T 1 -A 3 -S -O staticroutes -O mtu -x hostname:"$(hostname)" -p /run/udhcpc.$i.pid -s /usr/share/udhcpc/default.script
done

# the data source: a config drive, else the metadata service (Debian's busybox wget crashes: nc)
cfg=""; for try in 1 2 3 4 5; do cfg=$(findfs LABEL=config-2 2>/dev/null) && break; sleep 0.2; done
if [ -n "$cfg" ] && mkdir -p /mnt/config && mount -o ro "$cfg" /mnt/config 2>/dev/null; then
  echo configdrive > "$DS/type"
  apply /mnt/config/openstack/latest
  echo "STRATUS-DATASOURCE: config drive $cfg"
else
  get() { printf 'GET %s HTTP/1.0\r\nHost: 169.254.169.254\r\n\r\n' "$1" | nc -w 5 169.254.169.254 80 2>/dev/null | tr -d '\r' > /run/md.resp
          head -n1 /run/md.resp | grep -q ' 200' && sed '1,/^$/d' /run/md.resp > "$2"; }
  mkdir -p /run/md
  for try in 1 2 3 4 5 6 7 8 9 10; do get /openstack/latest/meta_data.json /run/md/meta_data.json && break; sleep 1; done
  if [ -s /run/md/meta_data.json ]; then
    get /openstack/latest/user_data /run/md/user_data || rm -f /run/md/user_data
    echo metadata > "$DS/type"
    apply /run/md
    echo "STRATUS-DATASOURCE: metadata service"
  else
    echo "STRATUS-DATASOURCE: none"
  fi
fi

acpid -l /var/log/acpid.log
dropbear -R -p 22 -b /etc/issue
ip4=$(ip -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}' | head -n1)
cat <<EOT
=== cirros: $(uname -r) ===
  instance: $(hostname)  eth0: ${ip4:-none}
  login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.
STRATUS-GUEST-READY ip=${ip4:-none} uptime=$(up)
EOT
EOF
sed -i "s/'gocubsgo'/'$PASSWORD'/" "$R/etc/init.d/rcS"

cat > "$R/etc/init.d/rcK" <<'EOF'
#!/bin/sh
echo "STRATUS-SHUTDOWN: at $(cut -d' ' -f1 /proc/uptime)s"
killall udhcpc dropbear acpid 2>/dev/null
sync; umount -a -r 2>/dev/null
EOF

cat > "$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "STRATUS-ACPI: power button, powering off" > /dev/console
poweroff
EOF

cat > "$R/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# busybox udhcpc hook: $interface $ip $mask $router $dns $domain $hostname $mtu $staticroutes
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do
        if [ "$1" = 0.0.0.0/0 ]; then ip route replace default via "$2" dev "$interface"; else ip route replace "$1" via "$2" dev "$interface"; fi
        shift 2
      done
    elif [ -n "$router" ]; then
      ip route replace default via "${router%% *}" dev "$interface"
    fi
    : > /etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
    for s in $dns; do echo "nameserver $s" >> /etc/resolv.conf; done
    [ -n "$hostname" ] && hostname "$hostname"
    echo "STRATUS-DHCP: $interface $ip/$mask router=$router" > /dev/console
    ;;
esac
exit 0
EOF
chmod 755 "$R/init" "$R"/etc/init.d/* "$R/etc/acpi/PWRF/00000080" "$R/usr/share/udhcpc/default.script" "$R/usr/bin/sudo"

cp "$X/boot/vmlinuz-$KVER" "$W/vmlinuz"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9) > "$W/initrd.img"

# ---------------------------------------------------------------- 3. the bootable disk
# MBR (syslinux's mbr.bin) and one active FAT16 partition at 1 MiB with syslinux, the kernel and
# the initramfs, made with mtools and `syslinux --offset`: no loop device, no mount.
PART_START=2048
SECTORS=$((DISK_MB * 2048))
truncate -s "${DISK_MB}M" "$W/disk.raw"
printf 'label: dos\nstart=%d, type=6, bootable\n' "$PART_START" | sfdisk -q "$W/disk.raw"
mkfs.fat -F 16 -n CIRROS --offset "$PART_START" "$W/disk.raw" $(( (SECTORS - PART_START) / 2 )) >/dev/null
"$X/usr/bin/syslinux" --install --offset $((PART_START * 512)) "$W/disk.raw"
cat > "$W/syslinux.cfg" <<EOF
DEFAULT linux
PROMPT 0
TIMEOUT 0
SERIAL 0 115200
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=tty1 console=ttyS0,115200n8 quiet
EOF
export MTOOLS_SKIP_CHECK=1
img="$W/disk.raw@@$((PART_START * 512))"
mcopy -o -i "$img" "$W/vmlinuz" ::/vmlinuz
mcopy -o -i "$img" "$W/initrd.img" ::/initrd.img
mcopy -o -i "$img" "$W/syslinux.cfg" ::/syslinux.cfg
dd if="$X/usr/lib/syslinux/mbr/mbr.bin" of="$W/disk.raw" bs=440 count=1 conv=notrunc status=none
qemu-img convert -c -O qcow2 "$W/disk.raw" "$W/cirros.qcow2"

# Into place last, each by rename: an interrupted build never leaves a half image.
for f in vmlinuz initrd.img cirros.qcow2; do cp "$W/$f" "$OUT/.$f.part"; mv "$OUT/.$f.part" "$OUT/$f"; done
echo "$OUT/cirros.qcow2 ($kpkg)"
