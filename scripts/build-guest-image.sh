#!/bin/bash
# build-guest-image.sh OUTDIR — a CirrOS-like guest image from Debian packages only.
#
# Writes OUTDIR/cirros.qcow2, and OUTDIR/vmlinuz and OUTDIR/initrd.img for direct kernel boots.
# Debian's -cloud-amd64 kernel (its LZ4 bzImage boots twice as fast under TCG as the generic
# one's XZ), with the virtio, CD-ROM and file-system modules in the initramfs; busybox-static for
# init, DHCP, getty and acpid; dropbear for ssh. Everything runs from RAM. At boot, as CirrOS does,
# the guest:
#   - takes DHCP on every ethN (router, option 121 routes, DNS, MTU, hostname);
#   - reads a config drive (label config-2, iso9660 or vfat), else the metadata service at
#     169.254.169.254 (over nc: Debian's busybox-static wget crashes): hostname, public keys (into
#     ~cirros/.ssh/authorized_keys), user data, run once per instance when it starts with #!;
#     copies under /run/cirros/datasource/data/ (meta_data.json, user_data, instance-id, ...);
#   - starts dropbear on :22, getty on ttyS0 and tty1, acpid (the power button powers off);
#   - prints a banner and `STRATUS-GUEST-READY ip=<cidr|none> hostname=<name> uptime=<s>`.
# /mnt is kept on the boot partition (it survives reboots and goes into snapshots), and curl, lsblk
# and mke2fs -t are small scripts, for what Tempest's scenarios run in a guest.
# Logins: cirros / gocubsgo (a uid-0 alias, with a sudo that just runs its command) and root.
#
# Runs as root on Debian 12 in about 10 s, downloads included; no mounts and no loop devices.
# Rebuilding is safe: the outputs are replaced by rename, never left half written.
set -euo pipefail

usage() { echo "usage: $0 OUTDIR   (writes OUTDIR/cirros.qcow2)" >&2; exit 2; }
[ $# -eq 1 ] && [ -n "$1" ] || usage
OUT=$1
PASSWORD=${PASSWORD:-gocubsgo}
DISK_MB=${DISK_MB:-64}

need() { command -v "$1" >/dev/null 2>&1 || { echo "build-guest-image: '$1' is missing: apt-get install -y $2" >&2; exit 1; }; }
need apt-get apt; need apt-cache apt; need dpkg-deb dpkg; need depmod kmod; need modprobe kmod
need cpio cpio; need gzip gzip; need mkfs.fat dosfstools; need mcopy mtools; need sfdisk fdisk
need qemu-img qemu-utils

mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/stratus-guest-build.XXXXXX")
trap 'rm -rf "$W"' EXIT
X=$W/unpacked R=$W/root
mkdir -p "$W/debs" "$X" "$R"

# ---------------------------------------------------------------- 1. the packages
# The kernel's ABI comes from the meta-package, so Debian's ABI bumps need no change here.
kernel_pkg() { apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
kpkg=$(kernel_pkg)
if [ -z "$kpkg" ]; then apt-get update -qq >/dev/null 2>&1 || true; kpkg=$(kernel_pkg); fi
[ -n "$kpkg" ] || { echo "build-guest-image: apt knows no linux-image-cloud-amd64 (is this Debian 12 with its main archive?)" >&2; exit 1; }
KVER=${kpkg#linux-image-}
chmod 777 "$W/debs"   # NOTE: apt downloads as its _apt user
(cd "$W/debs" && apt-get download "$kpkg" busybox-static syslinux syslinux-common \
  dropbear-bin libtomcrypt1 libtommath1 libgmp10 libc6 libcrypt1 zlib1g >/dev/null 2>"$W/apt.err") \
  || { echo "build-guest-image: apt-get download failed:" >&2; cat "$W/apt.err" >&2; exit 1; }
for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$X"; done

# ---------------------------------------------------------------- 2. the initramfs
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/acpi/PWRF,etc/dropbear,proc,sys,dev,run,tmp,root,home/cirros,mnt,var/log} \
  "$R"/{lib/modules,lib/x86_64-linux-gnu,lib64,usr/share/udhcpc}
chmod 1777 "$R/tmp"
ln -s /run "$R/var/run"
cp "$X/bin/busybox" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done

# dropbear and the shared libraries it needs, resolved against the unpacked packages
cp "$X/usr/sbin/dropbear" "$R/usr/sbin/dropbear"
cp "$X/usr/bin/dropbearkey" "$R/usr/bin/dropbearkey"
LDSO=$X/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
cp -L "$LDSO" "$R/lib/x86_64-linux-gnu/"
"$LDSO" --library-path "$X/lib/x86_64-linux-gnu:$X/usr/lib/x86_64-linux-gnu" --list "$X/usr/sbin/dropbear" > "$W/dropbear.libs"
if grep -q 'not found' "$W/dropbear.libs"; then echo "build-guest-image: dropbear lacks a library:" >&2; cat "$W/dropbear.libs" >&2; exit 1; fi
awk '$2 == "=>" {print $3}' "$W/dropbear.libs" | while read -r so; do cp -L "$so" "$R/lib/x86_64-linux-gnu/"; done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$R/lib64/ld-linux-x86-64.so.2"

# Kernel modules. Debian builds these as modules, so without them in the initramfs the guest has
# no eth0 and no /dev/vda: virtio (PCI, net, blk, scsi, rng, console, balloon), the IDE CD-ROM a
# config drive is, iso9660, vfat and ext4 (volumes made with mke2fs), and the ACPI button and input events acpid reads. PCI hot
# plug (ACPI, i440fx) is built in, so a volume attached over QMP appears as /dev/vdb by itself.
MODULES="virtio_pci virtio_net virtio_blk virtio_scsi sd_mod virtio_rng virtio_console virtio_balloon
  ata_piix ata_generic sr_mod isofs vfat nls_cp437 nls_ascii nls_utf8 ext4 button evdev"
depmod -b "$X" "$KVER"
for m in $MODULES; do
  modprobe -d "$X" -S "$KVER" --show-depends "$m" >> "$W/modules.deps" \
    || { echo "build-guest-image: kernel $KVER has no module $m" >&2; exit 1; }
done
awk '$1 == "insmod" {print $2}' "$W/modules.deps" | sort -u | while read -r ko; do
  rel=${ko#"$X"/}; mkdir -p "$R/$(dirname "$rel")"; cp "$ko" "$R/$rel"
done
cp "$X/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
depmod -b "$R" "$KVER"
echo $MODULES > "$R/etc/modules"

# ---------------------------------------------------------------- 3. users, banner, sudo
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
echo /bin/sh > "$R/etc/shells"
printf '%s\n' ttyS0 tty1 pts/0 pts/1 pts/2 pts/3 pts/4 pts/5 pts/6 pts/7 > "$R/etc/securetty"
echo cirros > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n' > "$R/etc/hosts"
printf '%s\n' "export PS1='\\h:\\w\\$ '" > "$R/etc/profile"
# getty prints /etc/issue before its "<hostname> login:" prompt (no backslash or percent in it:
# getty expands those); the boot banner ends with the same line, as CirrOS's does.
printf "\nlogin as 'cirros' user. default password: '%s'. use 'sudo' for root.\n" "$PASSWORD" > "$R/etc/issue"
printf 'Stratus guest (CirrOS-like, Debian packages). Everything runs from RAM.\n' > "$R/etc/motd"

# cirros is already uid 0, so sudo only runs its command (its options are accepted and ignored)
cat > "$R/usr/bin/sudo" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -u|-g|-C|-D|-h|-p|-r|-t|-U) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -eq 0 ] && exec /bin/sh -l
# NOTE: busybox's ash runs its own applets before PATH; a command found in PATH (the guest's
# mke2fs, say) is run by its path, so that the script wins over the applet of the same name.
p=$(which "$1" 2>/dev/null) && shift && exec "$p" "$@"
exec "$@"
EOF

# ---------------------------------------------------------------- 3b. what CirrOS has beyond busybox
# The commands Tempest's scenarios and the labs run in a CirrOS guest, as small scripts over
# busybox: curl (HTTP/1.0 over nc: the metadata service, a web server in another guest), lsblk
# (from /sys/block), blkid (file systems told by their magic), and mke2fs accepting e2fsprogs' `-t TYPE` (busybox makes ext2, which the
# kernel's ext4 mounts).
cat > "$R/usr/bin/curl" <<'EOF'
#!/bin/sh
# curl [-s] [-f] [-i] [-X METHOD] [-d DATA] [-H HEADER] [-o FILE] [-m SECONDS] http://HOST[:PORT]/PATH
method=GET explicit= data= has_data= headers= out= include= fail= timeout=10 url=
while [ $# -gt 0 ]; do
  case "$1" in
    -X|--request) method=$2; explicit=1; shift 2 ;;
    -d|--data|--data-binary|--data-raw|--data-ascii) data=$2; has_data=1; shift 2 ;;
    -H|--header) headers="$headers$2
"; shift 2 ;;
    -o|--output) out=$2; shift 2 ;;
    -m|--max-time|--connect-timeout) timeout=${2%%.*}; shift 2 ;;
    --include) include=1; shift ;;
    --fail) fail=1; shift ;;
    --silent|--show-error|--location|--insecure) shift ;;
    -[sSfLkqi]*) case "$1" in *[!sSfLkqi-]*) echo "curl: option $1: not supported by this guest's curl" >&2; exit 2 ;; esac
      case "$1" in *f*) fail=1 ;; esac; case "$1" in *i*) include=1 ;; esac; shift ;;
    http://*) url=$1; shift ;;
    -*) echo "curl: option $1: not supported by this guest's curl" >&2; exit 2 ;;
    *) url=http://$1; shift ;;
  esac
done
[ -n "$url" ] || { echo "curl: no URL specified" >&2; exit 2; }
[ -n "$has_data" ] && [ -z "$explicit" ] && method=POST
rest=${url#http://}; hostport=${rest%%/*}; p=${rest#"$hostport"}; path=/${p#/}
case "$hostport" in *:*) host=${hostport%:*} port=${hostport##*:} ;; *) host=$hostport port=80 ;; esac
tmp=/tmp/.curl.$$; trap 'rm -f "$tmp"' EXIT
{
  printf '%s %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: curl/7.88 (stratus guest)\r\nAccept: */*\r\n' "$method" "$path" "$hostport"
  printf '%s' "$headers" | while IFS= read -r h; do [ -n "$h" ] && printf '%s\r\n' "$h"; done
  if [ -n "$has_data" ]; then
    printf 'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %s\r\n' "${#data}"
  fi
  printf '\r\n%s' "$data"
} | nc -w "$timeout" "$host" "$port" > "$tmp" 2>/dev/null
[ -s "$tmp" ] || { echo "curl: (7) Failed to connect to $host port $port" >&2; exit 7; }
status=$(head -n1 "$tmp" | awk '{print $2}')
hlen=$(awk '{ n += length($0) + 1 } length($0) <= 1 { print n; exit }' "$tmp")
# NOTE: no /dev/stdout here (devtmpfs has no such link): the body goes to fd 1 itself.
body() { if [ -n "$include" ]; then cat "$tmp"; else tail -c +$((${hlen:-0} + 1)) "$tmp"; fi; }
if [ -n "$out" ]; then body > "$out"; else body; fi
[ -n "$fail" ] && [ "${status:-0}" -ge 400 ] && { echo "curl: (22) The requested URL returned error: $status" >&2; exit 22; }
exit 0
EOF

cat > "$R/usr/bin/lsblk" <<'EOF'
#!/bin/sh
# lsblk [-l] [-b] [--nodeps|-d] [-f|--fs] [-a|--ascii] [-n] — the disks in /sys/block (and their
# partitions without --nodeps), in util-linux's columns.
bytes= nodeps= fs= noheadings=
for a in "$@"; do
  case "$a" in
    --nodeps) nodeps=1 ;; --bytes) bytes=1 ;; --fs) fs=1 ;; --noheadings) noheadings=1 ;;
    --ascii|--list|--all|--paths) ;;
    --*) echo "lsblk: option $a: not supported by this guest's lsblk" >&2; exit 2 ;;
    -*) case "$a" in *b*) bytes=1 ;; esac; case "$a" in *d*) nodeps=1 ;; esac
        case "$a" in *f*) fs=1 ;; esac; case "$a" in *n*) noheadings=1 ;; esac ;;
  esac
done
size() { s=$(( $(cat "$1/size") * 512 )); if [ -n "$bytes" ]; then echo $s; else awk -v s=$s 'BEGIN { split("B K M G T", u); i = 1; while (s >= 1024 && i < 5) { s /= 1024; i++ } printf(i == 1 ? "%d%s" : "%g%s", s, u[i]) }'; fi; }
mnt() { awk -v d="/dev/$1" '$1 == d { print $2; exit }' /proc/mounts; }
row() {   # $1: sysfs dir, $2: name, $3: type
  if [ -n "$fs" ]; then
    printf '%-9s %-7s %-9s %s\n' "$2" "$(blkid -s TYPE -o value "/dev/$2")" "$(blkid -s LABEL -o value "/dev/$2")" "$(mnt "$2")"
  else
    printf '%-9s %7s %2s %12s %2s %-4s %s\n' "$2" "$(cat "$1/dev")" "$(cat "$1/removable" 2>/dev/null || echo 0)" "$(size "$1")" "$(cat "$1/ro")" "$3" "$(mnt "$2")"
  fi
}
if [ -z "$noheadings" ]; then
  if [ -n "$fs" ]; then printf '%-9s %-7s %-9s %s\n' NAME FSTYPE LABEL MOUNTPOINT
  else printf '%-9s %7s %2s %12s %2s %-4s %s\n' NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINT; fi
fi
for d in /sys/block/*; do
  n=${d##*/}; case "$n" in loop*|ram*) continue ;; esac
  t=disk; case "$n" in sr*) t=rom ;; esac
  row "$d" "$n" "$t"
  [ -n "$nodeps" ] && continue
  for p in "$d/$n"*; do [ -e "$p/partition" ] && row "$p" "${p##*/}" part; done
done
EOF

cat > "$R/sbin/blkid" <<'EOF'
#!/bin/sh
# blkid as scripts and Tempest use it: `blkid -L LABEL [-o device]`, `blkid -s TAG -o value DEV`,
# `blkid [DEV...]`. File systems are told by their magic: iso9660, vfat, ext2/3/4.
probe() {   # $1: a device; sets TYPE and LABEL ('' when unknown)
  TYPE= LABEL=
  at() { dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null; }
  if [ "$(at "$1" 32769 5)" = CD001 ]; then TYPE=iso9660; LABEL=$(at "$1" 32808 32 | sed 's/ *$//')
  elif [ "$(at "$1" 1080 2 | od -An -tx1 | tr -d ' \n')" = 53ef ]; then
    incompat=$(at "$1" 1120 1 | od -An -tu1 | tr -d ' \n'); compat=$(at "$1" 1116 1 | od -An -tu1 | tr -d ' \n')
    TYPE=ext2; [ $(( ${compat:-0} & 4 )) -ne 0 ] && TYPE=ext3; [ $(( ${incompat:-0} & 64 )) -ne 0 ] && TYPE=ext4
    LABEL=$(at "$1" 1144 16 | tr -d '\000')
  elif [ "$(at "$1" 82 5)" = FAT32 ]; then TYPE=vfat; LABEL=$(at "$1" 71 11 | sed 's/ *$//')
  elif [ "$(at "$1" 54 3)" = FAT ]; then TYPE=vfat; LABEL=$(at "$1" 43 11 | sed 's/ *$//')
  fi
  [ "$LABEL" = "NO NAME" ] && LABEL=
  return 0
}
devices() { awk 'NR > 2 { print "/dev/" $4 }' /proc/partitions; for d in /dev/sr*; do [ -b "$d" ] && echo "$d"; done; }
label= tag= out= devs=
while [ $# -gt 0 ]; do
  case "$1" in
    -L) label=$2; shift 2 ;; -s) tag=$2; shift 2 ;; -o) out=$2; shift 2 ;;
    -c|-p|-g) shift ;; -c*) shift ;;
    -*) echo "blkid: option $1: not supported by this guest's blkid" >&2; exit 4 ;;
    *) devs="$devs $1"; shift ;;
  esac
done
[ -n "$devs" ] || devs=$(devices | sort -u)
found=2
for d in $devs; do
  [ -b "$d" ] || continue
  probe "$d"; [ -n "$TYPE" ] || continue
  if [ -n "$label" ]; then [ "$LABEL" = "$label" ] && { echo "$d"; exit 0; }; continue; fi
  found=0
  if [ "$out" = value ]; then
    case "$tag" in TYPE) echo "$TYPE" ;; LABEL) [ -n "$LABEL" ] && echo "$LABEL" ;; *) echo "$TYPE" ;; esac
  elif [ "$out" = device ]; then echo "$d"
  else printf '%s:%s TYPE="%s"\n' "$d" "$([ -n "$LABEL" ] && printf ' LABEL="%s"' "$LABEL")" "$TYPE"; fi
done
exit $found
EOF

cat > "$R/usr/sbin/mke2fs" <<'EOF'
#!/bin/sh
# e2fsprogs' mke2fs as Tempest calls it (mke2fs -t ext4 DEV): busybox makes the file system (ext2).
args=
while [ $# -gt 0 ]; do
  case "$1" in -t|-T|-E|-O) shift 2 ;; -F|-q) shift ;; *) args="$args $1"; shift ;; esac
done
exec /bin/busybox mke2fs -F $args
EOF
rm -f "$R/sbin/mke2fs" "$R/usr/sbin/mkfs.ext4"; ln -s mke2fs "$R/usr/sbin/mkfs.ext4"

# ---------------------------------------------------------------- 4. init and boot scripts
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

# json-flat: busybox has no JSON parser, and meta_data.json's keys may nest (meta/hostname).
cat > "$R/usr/bin/json-flat" <<'EOF'
#!/bin/sh
# json-flat [FILE]: every scalar of a JSON document as a line "path<TAB>value", the path joining
# object keys and array indexes with "/" (hostname, public_keys/mykey, keys/0/data). Escaped
# newlines become spaces and trailing white space is dropped: enough for meta_data.json.
exec awk '
function ws() { while (i <= n && index(" \t\r\n", substr(s, i, 1))) i++ }
function str(   out, c, e) {
  out = ""; i++
  while (i <= n) {
    c = substr(s, i, 1)
    if (c == "\"") { i++; return out }
    if (c == "\\") {
      e = substr(s, i + 1, 1); i += 2
      if (e == "n" || e == "r" || e == "t") out = out " "
      else if (e == "u") { out = out "?"; i += 4 }
      else out = out e
      continue
    }
    out = out c; i++
  }
  return out
}
function emit(path, v) { sub(/[ \t]+$/, "", v); print path "\t" v }
function val(path,   c, k, idx, v) {
  ws(); c = substr(s, i, 1)
  if (c == "{" || c == "[") {
    i++; ws()
    if (substr(s, i, 1) == (c == "{" ? "}" : "]")) { i++; return }
    for (idx = 0; i <= n; idx++) {
      ws()
      if (c == "{") { k = str(); ws(); i++ } else k = idx
      val(path == "" ? k : path "/" k)
      ws(); v = substr(s, i, 1); i++
      if (v != ",") return
    }
    return
  }
  if (c == "\"") { emit(path, str()); return }
  v = ""
  while (i <= n && !index(",}] \t\r\n", substr(s, i, 1))) { v = v substr(s, i, 1); i++ }
  emit(path, v)
}
{ s = s $0 "\n" }
END { n = length(s); i = 1; if (n > 1) val("") }
' "$@"
EOF

cat > "$R/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# The boot, in CirrOS's order: modules, DHCP, the data source (config drive, else the metadata
# service), keys, hostname and user data, then sshd and acpid, then the banner and the READY line.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
DS=/run/cirros/datasource
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "$*" > /dev/console; }
md() { json-flat "$DS/data/meta_data.json" | awk -F '\t' -v k="$1" '$1 == k { print substr($0, length($1) + 2); exit }'; }

set_hostname() {   # $1: a host name, maybe qualified; /etc/hostname and /etc/hosts follow
  h=${1%%.*}; [ -n "$h" ] || return
  hostname "$h"; echo "$h" > /etc/hostname
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$([ "$1" = "$h" ] && echo "$h" || echo "$1 $h")" > /etc/hosts
}

# Per-instance state and /mnt: CirrOS keeps them on its root disk; ours is the image's boot
# partition (FAT, label CIRROS), the one disk that outlives a reboot and goes into a snapshot:
# /mnt is its directory mnt/ (what a user or Tempest writes there survives, as on CirrOS). If it
# cannot be written, /run stands in.
state_dir() {
  SEM=/run/cirros/sem; B=/run/cirros/boot
  b=$(findfs LABEL=CIRROS 2>/dev/null) && mkdir -p $B && mount -t vfat -o rw,flush "$b" $B 2>/dev/null \
    && mkdir -p $B/cirros/sem $B/mnt 2>/dev/null && SEM=$B/cirros/sem && mount -o bind $B/mnt /mnt
  mkdir -p "$SEM"
}

apply() {   # $1: the data source's type; its files are in $DS/data
  echo "$1" > "$DS/type"
  md uuid > "$DS/data/instance-id"
  md hostname > "$DS/data/local-hostname"
  json-flat "$DS/data/meta_data.json" | awk -F '\t' '$1 ~ /^public_keys\// && $2 != "" { print substr($0, length($1) + 2) }' > "$DS/data/public-keys"
  h=$(cat "$DS/data/local-hostname"); [ -n "$h" ] && set_hostname "$h" && touch /run/cirros/hostname-set
  while read -r k || [ -n "$k" ]; do
    for home in /home/cirros /root; do
      grep -qxF "$k" $home/.ssh/authorized_keys 2>/dev/null || echo "$k" >> $home/.ssh/authorized_keys
    done
  done < "$DS/data/public-keys"
  iid=$(cat "$DS/data/instance-id"); iid=${iid:-none}
  if [ -s "$DS/data/user_data" ] && [ "$(head -c 2 "$DS/data/user_data")" = '#!' ]; then
    if [ -e "$SEM/user-data.$iid" ]; then
      say "STRATUS-USER-DATA: already ran for instance $iid"
    else
      touch "$SEM/user-data.$iid"; sync
      cp "$DS/data/user_data" /run/cirros/user-data.sh; chmod 700 /run/cirros/user-data.sh
      /run/cirros/user-data.sh < /dev/null > /dev/console 2>&1
      say "STRATUS-USER-DATA: exit $?"
    fi
  fi
}

echo "STRATUS-INIT: userspace at $(up)s"
mkdir -p "$DS/data" /root/.ssh /home/cirros/.ssh && chmod 700 /root/.ssh /home/cirros/.ssh
hostname -F /etc/hostname
modprobe -a $(cat /etc/modules) 2>/dev/null
ip link set lo up
state_dir

# DHCP on every ethN: udhcpc goes to the background with a lease, or after ~10 s without one.
for n in /sys/class/net/eth*; do
  [ -e "$n" ] || continue; i=${n##*/}
  ip link set "$i" up
  udhcpc -i "$i" -b -t 10 -T 1 -A 3 -O staticroutes -O mtu -x hostname:"$(hostname)" \
    -p "/run/udhcpc.$i.pid" -s /usr/share/udhcpc/default.script
done

# The data source: a config drive (an IDE CD-ROM or a disk, iso9660 or vfat), else the metadata service.
cfg=""; for try in 1 2 3 4 5; do cfg=$(findfs LABEL=config-2 2>/dev/null) && break; sleep 0.2; done
C=/run/cirros/config
if [ -n "$cfg" ] && mkdir -p $C && mount -o ro "$cfg" $C 2>/dev/null \
    && [ -s $C/openstack/latest/meta_data.json ]; then
  cp $C/openstack/latest/meta_data.json "$DS/data/"
  [ -e $C/openstack/latest/user_data ] && cp $C/openstack/latest/user_data "$DS/data/"
  say "STRATUS-DATASOURCE: config drive $cfg"
  apply configdrive
else
  get() {   # $1: a path on the metadata service; $2: where its body goes (only on 200)
    printf 'GET %s HTTP/1.0\r\nHost: 169.254.169.254\r\n\r\n' "$1" | nc -w 5 169.254.169.254 80 2>/dev/null | tr -d '\r' > /run/md.resp
    head -n1 /run/md.resp | grep -q '^HTTP/1\.[01] 200' && sed '1,/^$/d' /run/md.resp > "$2"
  }
  # NOTE: only when some route leads there (a default route, or option 121's host route).
  if ip -4 route get 169.254.169.254 >/dev/null 2>&1; then
    for try in 1 2 3 4 5 6 7 8 9 10; do get /openstack/latest/meta_data.json "$DS/data/meta_data.json" && break; sleep 1; done
  fi
  if [ -s "$DS/data/meta_data.json" ]; then
    get /openstack/latest/user_data "$DS/data/user_data" || rm -f "$DS/data/user_data"
    say "STRATUS-DATASOURCE: metadata service"
    apply metadata
  else
    rm -f "$DS/data/meta_data.json"
    say "STRATUS-DATASOURCE: none"
  fi
fi
rm -f /run/md.resp
umount $C 2>/dev/null

acpid -l /var/log/acpid.log
dropbear -R -p 22
ip4=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4; exit}')
cat <<EOT
=== datasource: $(cat "$DS/type" 2>/dev/null || echo none) ===
instance-id: $(cat "$DS/data/instance-id" 2>/dev/null)
local-hostname: $(hostname)
=== network info ===
$( { ip -4 -o addr show scope global | awk '{print "if-info: " $2 "," $4}'; ip -4 route show | sed 's/^/route-info: /'; } 2>/dev/null)
=== stratus guest: kernel $(uname -r) uptime=$(up) ===
STRATUS-GUEST-READY ip=${ip4:-none} hostname=$(hostname) uptime=$(up)
EOT
EOF

cat > "$R/etc/init.d/rcK" <<'EOF'
#!/bin/sh
echo "STRATUS-SHUTDOWN: at $(cut -d' ' -f1 /proc/uptime)s"
killall udhcpc dropbear acpid 2>/dev/null
sync; umount /mnt 2>/dev/null; umount /run/cirros/boot 2>/dev/null; umount -a -r 2>/dev/null
EOF

# busybox acpid runs /etc/acpi/PWRF/00000080 on the ACPI power button (QMP system_powerdown)
cat > "$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "STRATUS-ACPI: power button, powering off" > /dev/console
poweroff
EOF

cat > "$R/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# busybox udhcpc's hook: $interface $ip $mask $router $dns $domain $hostname $mtu $staticroutes.
# Option 121 (classless static routes) wins over the router option, as RFC 3442 says.
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    # NOTE: a renewal keeping the address leaves it (and the routes through it) in place, so that
    # sessions over it go on; only a new address replaces the old ones.
    if ! ip -4 addr show dev "$interface" | grep -q "inet $ip/${mask:-24} "; then
      ip -4 addr flush dev "$interface"
      ip addr add "$ip/${mask:-24}" dev "$interface"
    fi
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do
        if [ "$2" = 0.0.0.0 ]; then ip route replace "$1" dev "$interface"
        elif [ "$1" = 0.0.0.0/0 ]; then ip route replace default via "$2" dev "$interface"
        else ip route replace "$1" via "$2" dev "$interface"; fi
        shift 2
      done
    elif [ -n "$router" ]; then
      ip route replace default via "${router%% *}" dev "$interface"
    fi
    # NOTE: the DNS servers of every lease, renewals included (how a subnet's new dns_nameservers
    # reach the guest), written whole and renamed into place: a reader never sees half a file.
    if [ -n "$dns" ]; then
      { [ -n "$domain" ] && echo "search $domain"; for s in $dns; do echo "nameserver $s"; done; } > /etc/resolv.conf.new
      mv -f /etc/resolv.conf.new /etc/resolv.conf
    fi
    # NOTE: the data source's hostname, once set, wins over DHCP's.
    [ -n "$hostname" ] && [ ! -e /run/cirros/hostname-set ] && hostname "${hostname%%.*}"
    echo "STRATUS-DHCP: $interface $ip/$mask router=${router:-none} mtu=${mtu:-default}" > /dev/console
    ;;
esac
exit 0
EOF
chmod 755 "$R/init" "$R"/etc/init.d/* "$R/etc/acpi/PWRF/00000080" "$R/usr/share/udhcpc/default.script" \
  "$R/usr/bin/sudo" "$R/usr/bin/json-flat" "$R/usr/bin/curl" "$R/usr/bin/lsblk" "$R/usr/sbin/mke2fs" "$R/sbin/blkid"

cp "$X/boot/vmlinuz-$KVER" "$W/vmlinuz"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9) > "$W/initrd.img"

# ---------------------------------------------------------------- 5. the bootable disk
# MBR (syslinux's mbr.bin) and one active FAT16 partition at 1 MiB, labelled CIRROS, with
# syslinux, the kernel and the initramfs; made with mtools and `syslinux --offset`, so no loop
# device and no mount.
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
part="$W/disk.raw@@$((PART_START * 512))"
for f in vmlinuz initrd.img syslinux.cfg; do mcopy -o -i "$part" "$W/$f" "::/$f"; done
dd if="$X/usr/lib/syslinux/mbr/mbr.bin" of="$W/disk.raw" bs=440 count=1 conv=notrunc status=none
qemu-img convert -c -O qcow2 "$W/disk.raw" "$W/cirros.qcow2"

# Into place by rename, the image last: an interrupted build never leaves a half image.
for f in vmlinuz initrd.img cirros.qcow2; do cp "$W/$f" "$OUT/.$f.$$"; mv -f "$OUT/.$f.$$" "$OUT/$f"; done
echo "$OUT/cirros.qcow2 ($kpkg)"
