import os
import pwd
import shutil
import subprocess
import tempfile
import urllib.request

import pytest


@pytest.fixture(scope="module")
def key():
    # ssh refuses a private key others can read; the verifier's copy of tests/ is read-only.
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "deploy_key")
    shutil.copyfile("/tests/deploy_key", path)
    os.chmod(path, 0o600)
    return path


def ssh(key, *extra, command="whoami"):
    return subprocess.run(
        ["ssh", "-p", "2222", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", *extra,
         "deploy@127.0.0.1", command],
        capture_output=True, text=True, timeout=30,
    )


def test_deploy_user():
    entry = pwd.getpwnam("deploy")
    assert entry.pw_dir == "/home/deploy"
    assert entry.pw_shell == "/bin/bash"
    assert os.path.isdir("/home/deploy")


def test_key_login(key):
    result = ssh(key, "-i", key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "deploy"


def test_password_login_is_off(key):
    result = ssh(key, "-o", "PreferredAuthentications=password,keyboard-interactive",
                 "-o", "PubkeyAuthentication=no")
    assert result.returncode != 0
    assert "Permission denied" in result.stderr, result.stderr
    assert "password" not in result.stderr.split("Permission denied", 1)[1], result.stderr


def test_page():
    with urllib.request.urlopen("http://127.0.0.1/", timeout=5) as response:
        assert response.status == 200
        assert response.read().decode().strip() == "deployed by deploy"


def test_page_owner():
    path = "/srv/www/index.html"
    assert pwd.getpwuid(os.stat(path).st_uid).pw_name == "deploy"
