#!/bin/bash
# Reference solution: the user, key-only sshd on 2222 and nginx on 80, both started detached.
set -euo pipefail
id deploy >/dev/null 2>&1 || useradd --create-home --home-dir /home/deploy --shell /bin/bash deploy
install -d -m 700 -o deploy -g deploy /home/deploy/.ssh
install -m 600 -o deploy -g deploy /app/deploy_key.pub /home/deploy/.ssh/authorized_keys

cat > /etc/ssh/sshd_config.d/deploy.conf <<'CONF'
Port 2222
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
CONF
# Containers have no login uid to set: pam_loginuid must not fail the session.
sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/sshd
mkdir -p /run/sshd
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A
/usr/sbin/sshd

install -d -o deploy -g deploy /srv/www
echo 'deployed by deploy' > /srv/www/index.html
chown deploy:deploy /srv/www/index.html
cat > /etc/nginx/sites-available/default <<'CONF'
server {
    listen 80 default_server;
    root /srv/www;
    index index.html;
}
CONF
nginx
for _ in $(seq 1 50); do
  curl -sf http://127.0.0.1/ >/dev/null && break
  sleep 0.1
done
echo "sshd on 2222 and nginx on 80 are running"
