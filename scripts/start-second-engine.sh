#!/usr/bin/env bash
# A second Docker engine on this machine, for the tests that spread runs over two engines and run
# against an engine that cannot see the harness's disk (test/suites/two-engines.docker.test.ts, test/e2e/remote-engine.test.ts).
# Called by setup-docker.sh; safe to run again. Needs root.
#
# - its own Unix socket, data root, exec root and bridge (FB_ENGINE2_SOCKET, default /run/fb-docker2.sock);
# - a tcp:// listener on 127.0.0.1:2376 with TLS verified both ways (client certificates in /etc/fb-docker2/client),
#   and a Docker context fb-docker2 for the socket;
# - its own mount namespace in which the folders a harness works in (/tmp, /work, /home, /root and this
#   checkout) are empty: a bind mount of a harness path would show an empty folder, so only copies work;
# - no iptables rules of its own (--iptables=false): a second daemon would otherwise rewrite the first
#   one's chains (the isolation rules Compose's internal networks rely on). Its containers get no NAT:
#   images come from the first engine (docker save | docker load), not from a registry;
# - with openssh-server from Debian, the same engine reached over ssh://fb-docker2 (sshd on 127.0.0.1:2222,
#   a key that can only run `docker system dial-stdio` against this engine).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

socket="${FB_ENGINE2_SOCKET:-/run/fb-docker2.sock}"
data_root=/var/lib/fb-docker2
exec_root=/run/fb-docker2
bridge=fb-docker2
tls_dir=/etc/fb-docker2/tls
client_certs=/etc/fb-docker2/client
tcp_host=tcp://127.0.0.1:2376
engine2() { DOCKER_HOST="unix://$socket" docker "$@"; }
engine2_tls() { DOCKER_HOST="$tcp_host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$client_certs" docker "$@"; }

if [ "$(id -u)" != 0 ]; then
  echo "start-second-engine: needs root (it starts a dockerd)" >&2
  exit 1
fi

# TLS for its tcp:// listener: a CA, a server certificate for 127.0.0.1, a client certificate.
if [ ! -f "$client_certs/key.pem" ]; then
  if ! command -v openssl >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  fi
  mkdir -p "$tls_dir" "$client_certs"
  chmod 700 "$tls_dir" "$client_certs"
  (
    cd "$tls_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=fb-docker2-ca \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=fb-client -keyout client-key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client-cert.pem 2>/dev/null
    cp ca.pem "$client_certs/ca.pem"
    cp client-cert.pem "$client_certs/cert.pem"
    cp client-key.pem "$client_certs/key.pem"
  )
fi

# A daemon started before it had a TLS listener (an older version of this script) starts again.
if engine2 info >/dev/null 2>&1 && ! engine2_tls info >/dev/null 2>&1; then
  echo "start-second-engine: restarting the second dockerd to add its TLS listener"
  kill "$(cat "$exec_root/dockerd.pid")"
  for _ in $(seq 1 60); do
    engine2 info >/dev/null 2>&1 || break
    sleep 1
  done
fi

if ! engine2 info >/dev/null 2>&1; then
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add name "$bridge" type bridge
    ip addr add 10.213.0.1/24 dev "$bridge"
    ip link set "$bridge" up
  fi
  mkdir -p "$data_root" "$exec_root"
  # A daemon killed earlier (kill -9, a machine reset) leaves its pid file; a reused pid would stop the start.
  rm -f "$exec_root/dockerd.pid"
  hidden="/tmp /work /home /root $repo"
  echo "start-second-engine: starting dockerd on unix://$socket (hiding $hidden from it)"
  # shellcheck disable=SC2016
  nohup unshare --mount --propagation private sh -c '
    for d in $0; do [ -d "$d" ] && mount -t tmpfs -o size=64m,mode=1777 fb-hidden "$d"; done
    exec dockerd --host "unix://$1" --host "$5" --tlsverify --tlscacert "$6/ca.pem" \
      --tlscert "$6/server-cert.pem" --tlskey "$6/server-key.pem" \
      --data-root "$2" --exec-root "$3" --pidfile "$3/dockerd.pid" \
      --bridge "$4" --iptables=false --ip-masq=false --cgroup-parent /fb-docker2 \
      --default-address-pool base=10.214.0.0/16,size=24
  ' "$hidden" "$socket" "$data_root" "$exec_root" "$bridge" "$tcp_host" "$tls_dir" >/var/log/fb-docker2.log 2>&1 &
  for _ in $(seq 1 60); do
    engine2 info >/dev/null 2>&1 && break
    sleep 1
  done
  engine2 info >/dev/null 2>&1 || {
    echo "start-second-engine: dockerd did not start; see /var/log/fb-docker2.log" >&2
    exit 1
  }
fi
# The first engine's default bridge must survive the second's start: on this kind of machine it was
# seen to vanish when a second daemon started (a stale default network in the second's state), after
# which every container on the default bridge fails with "could not find bridge docker0". Put it back
# with the address the first engine has on record.
first_gateway="$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}/{{.Subnet}}{{end}}' 2>/dev/null || true)"
first_bridge="$(docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null || true)"
if [ -n "$first_bridge" ] && [ -n "$first_gateway" ] && ! ip link show "$first_bridge" >/dev/null 2>&1; then
  prefix="${first_gateway##*/}"
  echo "start-second-engine: the first engine's bridge $first_bridge was gone; recreating it"
  ip link add name "$first_bridge" type bridge
  ip addr add "${first_gateway%%/*}/$prefix" dev "$first_bridge"
  ip link set "$first_bridge" up
fi
engine2_tls version --format '{{.Server.Version}}' >/dev/null ||
  { echo "start-second-engine: $tcp_host (TLS) does not answer; see /var/log/fb-docker2.log" >&2; exit 1; }

# The same engine as a Docker context, as --docker-host context:fb-docker2 names it.
if ! docker context inspect fb-docker2 >/dev/null 2>&1; then
  docker context create fb-docker2 --description 'factory-bench second engine (scripts/start-second-engine.sh)' \
    --docker "host=unix://$socket" >/dev/null 2>&1 ||
    { echo "start-second-engine: could not create the Docker context fb-docker2" >&2; exit 1; }
fi

# The base image, from the first engine: the second reaches no registry.
if ! engine2 image inspect debian:bookworm-slim >/dev/null 2>&1; then
  echo "start-second-engine: loading debian:bookworm-slim from the first engine"
  docker save debian:bookworm-slim | engine2 load --quiet
fi

# The same engine over SSH, when Debian's openssh-server can be had.
if [ "${FB_ENGINE2_SSH:-1}" = 1 ]; then
  if ! command -v sshd >/dev/null 2>&1 && [ ! -x /usr/sbin/sshd ]; then
    echo "start-second-engine: installing openssh-server from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
  fi
  ssh_dir=/etc/ssh/fb-docker2
  mkdir -p "$ssh_dir" /root/.ssh /run/sshd
  chmod 700 /root/.ssh
  [ -f "$ssh_dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/host_ed25519"
  [ -f /root/.ssh/fb-docker2 ] || ssh-keygen -q -t ed25519 -N '' -C fb-docker2 -f /root/.ssh/fb-docker2
  # The key can do one thing: speak to the second engine's API.
  echo "command=\"DOCKER_HOST=unix://$socket exec docker system dial-stdio\",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding $(cat /root/.ssh/fb-docker2.pub)" \
    >"$ssh_dir/authorized_keys"
  cat >"$ssh_dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port 2222
HostKey $ssh_dir/host_ed25519
PidFile /run/fb-docker2-sshd.pid
AuthorizedKeysFile $ssh_dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOF
  if ! { [ -f /run/fb-docker2-sshd.pid ] && kill -0 "$(cat /run/fb-docker2-sshd.pid)" 2>/dev/null; }; then
    "$(command -v sshd || echo /usr/sbin/sshd)" -f "$ssh_dir/sshd_config"
  fi
  marker='# factory-bench second engine (scripts/start-second-engine.sh)'
  if ! grep -qF "$marker" /root/.ssh/config 2>/dev/null; then
    cat >>/root/.ssh/config <<EOF

$marker
Host fb-docker2
  HostName 127.0.0.1
  Port 2222
  User root
  IdentityFile /root/.ssh/fb-docker2
  IdentitiesOnly yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile /root/.ssh/fb-docker2-known_hosts
  # One connection shared by every docker call (each would otherwise pay a whole SSH handshake).
  ControlMaster auto
  ControlPath /root/.ssh/fb-docker2-%C
  ControlPersist 120
EOF
    chmod 600 /root/.ssh/config
  fi
  DOCKER_HOST=ssh://fb-docker2 docker version --format '{{.Server.Version}}' >/dev/null ||
    { echo "start-second-engine: ssh://fb-docker2 does not answer" >&2; exit 1; }
fi
if [ "${FB_ENGINE2_SSH:-1}" = 1 ]; then
  echo "start-second-engine: unix://$socket ready; $tcp_host (TLS), context fb-docker2 and ssh://fb-docker2 reach it too"
else
  echo "start-second-engine: unix://$socket ready; $tcp_host (TLS) and context fb-docker2 reach it too"
fi
