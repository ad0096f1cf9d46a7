import os
import urllib.error
import urllib.request

URL = os.environ.get("KV_URL", "http://127.0.0.1:8080")


def call(method, key, body=None):
    request = urllib.request.Request(f"{URL}/kv/{key}", data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_put_then_get():
    assert call("PUT", "alpha", b"one")[0] == 204
    assert call("GET", "alpha") == (200, b"one")


def test_overwrite():
    call("PUT", "beta", b"first")
    call("PUT", "beta", b"second value")
    assert call("GET", "beta") == (200, b"second value")


def test_unknown_key_is_404():
    assert call("GET", "never-stored-7f3a")[0] == 404


def test_delete():
    call("PUT", "gamma", b"x")
    assert call("DELETE", "gamma")[0] == 204
    assert call("GET", "gamma")[0] == 404
    assert call("DELETE", "gamma")[0] == 404


def test_binary_values():
    value = bytes(range(256))
    call("PUT", "bin", value)
    assert call("GET", "bin") == (200, value)
