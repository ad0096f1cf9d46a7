#!/usr/bin/env bash
# Installs and starts a Docker engine when none answers, then makes sure the
# base image exists. Used by .ci/run; safe to run again. Needs root for the
# install and daemon steps (it skips them when a daemon already answers).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    echo "setup-docker: installing docker.io, docker-compose and debootstrap from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap >/dev/null
  fi
  echo "setup-docker: starting dockerd"
  (dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "setup-docker: dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
fi

"$here/build-base-image.sh"

# A second engine (own socket, data root, bridge; blind to the harness's folders), also over SSH,
# for the tests that spread runs over two engines. FB_ENGINE2=0 skips it.
if [ "${FB_ENGINE2:-1}" = 1 ]; then
  "$here/start-second-engine.sh"
fi
