#!/bin/sh
# Stand-in base images for a machine that reaches no container registry (this one): built from
# Debian with debootstrap and the host's own Node.js, kept in podman's image store and reused
# while this folder and the host's Node stay the same. A Docker host pulls the real images.
#
#   localhost/obo-standin/debian:bookworm-slim  debootstrap --variant=minbase bookworm, slimmed
#                                               as debian:bookworm-slim is (docs but copyright,
#                                               man pages, locales and apt lists removed)
#   localhost/obo-standin/node:20-bookworm-slim  + the host's node, npm and corepack under
#                                               /usr/local and the node user (uid 1000), as in
#                                               node:20-bookworm-slim
#   localhost/obo-standin/redis:7               + Debian's redis-server 7.0, run as redis:7-alpine
#                                               runs it (as user redis in /data, protected mode off)
#
# Usage: build.sh [--force]. Needs root, podman, debootstrap; DEBIAN_MIRROR overrides the mirror.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
node=$(readlink -f "$(command -v node)")
prefix=$(dirname "$(dirname "$node")")
key=$(cat "$here"/* | sha256sum | cut -c1-16)-$("$node" --version)

fresh() { # image exists and was built by this script from these inputs
  [ "${FORCE:-}" != 1 ] &&
    [ "$(podman image inspect --format '{{ index .Labels "obo.standin" }}' "$1" 2>/dev/null)" = "$key" ]
}
[ "${1:-}" = --force ] && FORCE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! fresh localhost/obo-standin/debian:bookworm-slim; then
  echo "stand-in debian:bookworm-slim: debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  cp "$here/dpkg-slim.cfg" "$work/rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  (cd "$work/rootfs" &&
    rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/man/* usr/share/info/* \
      usr/share/locale/* &&
    find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete &&
    find usr/share/doc -mindepth 1 -type d -empty -delete)
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["bash"]' \
    --change "LABEL obo.standin=$key" - localhost/obo-standin/debian:bookworm-slim >/dev/null
fi

if ! fresh localhost/obo-standin/node:20-bookworm-slim; then
  echo "stand-in node:20-bookworm-slim: the host's Node $("$node" --version) from $prefix"
  mkdir -p "$work/node/usr/local/bin" "$work/node/usr/local/lib/node_modules"
  cp -a "$node" "$work/node/usr/local/bin/node"
  cp -a "$prefix/lib/node_modules/npm" "$prefix/lib/node_modules/corepack" \
    "$work/node/usr/local/lib/node_modules/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$work/node/usr/local/bin/corepack"
  for license in "$prefix/LICENSE" "$prefix/share/doc/nodejs/LICENSE"; do
    [ -f "$license" ] && cp "$license" "$work/node/usr/local/LICENSE" && break
  done
  tar -C "$work/node" -cf "$work/node.tar" usr
  cp "$here/Containerfile.node" "$work/Containerfile"
  podman build --quiet --format docker --pull=never --label "obo.standin=$key" \
    -t localhost/obo-standin/node:20-bookworm-slim -f "$work/Containerfile" "$work" >/dev/null
fi

if ! fresh localhost/obo-standin/redis:7; then
  echo "stand-in redis:7-alpine: Debian bookworm's redis-server"
  podman build --quiet --format docker --pull=never --network host --label "obo.standin=$key" \
    -t localhost/obo-standin/redis:7 -f "$here/Containerfile.redis" "$here" >/dev/null
fi
