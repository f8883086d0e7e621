#!/bin/sh
# Assembles in $1 the root filesystem the runtime images start FROM scratch with: this image's
# Node.js binary as it is, the shared libraries of Debian's libc6, libgcc-s1 and libstdc++6
# (what node and native addons link against, as in distroless/cc) with their copyright files
# and dpkg status (so image scanners see the packages), Node's license, the node user (uid
# 1000) in /etc/passwd, and /tmp. No shell, no package manager, no npm. Everything is root's
# and read-only to other users except /tmp. Run as root in a node:20-bookworm-slim stage:
#   sh tools/dev/src/image/node-rootfs.sh /rootfs
set -eu
out=${1:?usage: node-rootfs.sh <out dir>}
node=$(readlink -f "$(command -v node)")
umask 022

mkdir -p "$out/usr/local/bin" "$out/etc" "$out/tmp" "$out/var/lib/dpkg/status.d" \
  "$out/usr/share/doc/nodejs"
chmod 1777 "$out/tmp"
cp "$node" "$out/usr/local/bin/node"
chmod 0755 "$out/usr/local/bin/node"

# The base's merged-/usr links (/lib -> usr/lib, …), so that paths such as the loader's
# /lib64/ld-linux-x86-64.so.2 resolve as they do there.
for dir in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$dir" ]; then ln -s "$(readlink "/$dir")" "$out/$dir"; fi
done

# libgcc-s1 and libstdc++6 keep their copyright file in gcc-N-base's folder.
packages="libc6 libgcc-s1 libstdc++6 $(dpkg-query -W -f '${Package}\n' 'gcc-*-base')"
for pkg in $packages; do
  dpkg-query -L "$pkg" | while read -r file; do
    case "$file" in
      */gconv/* | */audit/* | *.py) ;; # iconv modules, audit and gdb helpers: node uses none
      *.so | *.so.[0-9]*)
        if [ -f "$file" ] || [ -L "$file" ]; then
          dir=$(readlink -f "$(dirname "$file")")
          mkdir -p "$out$dir"
          cp -a "$file" "$out$dir/"
        fi
        ;;
    esac
  done
  if [ -f "/usr/share/doc/$pkg/copyright" ]; then
    mkdir -p "$out/usr/share/doc/$pkg"
    cp -L "/usr/share/doc/$pkg/copyright" "$out/usr/share/doc/$pkg/"
  fi
  dpkg-query -s "$pkg" >"$out/var/lib/dpkg/status.d/$pkg"
done

# Node's own license: /usr/local/LICENSE in the official images (the release tarball's),
# /usr/share/doc/nodejs/LICENSE where Node comes from a Debian package.
for license in "$(dirname "$(dirname "$node")")/LICENSE" /usr/share/doc/nodejs/LICENSE; do
  if [ -f "$license" ]; then
    cp "$license" "$out/usr/share/doc/nodejs/LICENSE"
    break
  fi
done
[ -f "$out/usr/share/doc/nodejs/LICENSE" ] || {
  echo "node-rootfs: no Node.js LICENSE found next to $node" >&2
  exit 1
}

cp -L /etc/os-release "$out/etc/os-release"
cp /etc/debian_version "$out/etc/debian_version"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/nonexistent:/usr/sbin/nologin\n' \
  >"$out/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$out/etc/group"
printf 'hosts: files dns\n' >"$out/etc/nsswitch.conf"

# The binary must run from the new root alone: every library it needs is there.
missing=$(ldd "$out/usr/local/bin/node" | awk '/=>/ { print $3 }' | while read -r lib; do
  [ -e "$out$lib" ] || echo "$lib"
done)
[ -z "$missing" ] || {
  echo "node-rootfs: node needs libraries not copied: $missing" >&2
  exit 1
}
