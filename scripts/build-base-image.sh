#!/usr/bin/env bash
# Builds debian:bookworm-slim locally from Debian's package mirror when it
# cannot be pulled (air-gapped CI, registries behind a firewall).
# Usage: scripts/build-base-image.sh [image-tag] [suite]
set -euo pipefail
tag="${1:-debian:bookworm-slim}"
suite="${2:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base-image: $tag already present"
  exit 0
fi
if timeout 60 docker pull "$tag" >/dev/null 2>&1; then
  echo "base-image: pulled $tag"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || { echo "base-image: $tag cannot be pulled and debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "base-image: debootstrap needs root" >&2; exit 1; }

root="$(mktemp -d /tmp/factory-bench-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "base-image: building $tag with debootstrap ($suite from $mirror)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >/tmp/factory-bench-debootstrap.log 2>&1 \
  || { echo "base-image: debootstrap failed; see /tmp/factory-bench-debootstrap.log" >&2; exit 1; }
# Slim it the way the official image is: no apt lists or caches.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "base-image: built $tag"
