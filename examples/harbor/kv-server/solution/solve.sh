#!/bin/bash
# Reference solution: a threaded http.server in /app/server.py, started detached so it outlives this shell.
set -euo pipefail
cat > /app/server.py <<'PY'
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STORE: dict[str, bytes] = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def _key(self):
        return self.path[len("/kv/"):] if self.path.startswith("/kv/") and len(self.path) > 4 else None

    def _answer(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_PUT(self):
        key = self._key()
        if key is None:
            return self._answer(404)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            STORE[key] = body
        self._answer(204)

    def do_GET(self):
        key = self._key()
        with LOCK:
            value = STORE.get(key) if key is not None else None
        self._answer(404) if value is None else self._answer(200, value)

    def do_DELETE(self):
        key = self._key()
        with LOCK:
            found = key is not None and STORE.pop(key, None) is not None
        self._answer(204 if found else 404)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
PY
setsid nohup python3 /app/server.py > /app/server.log 2>&1 < /dev/null &
for _ in $(seq 1 50); do
  curl -s -o /dev/null http://127.0.0.1:8080/kv/ready && break
  sleep 0.1
done
echo "server running on port 8080"
