#!/usr/bin/env python3
"""A minimal agent: Python's standard library only.

The harness starts it in the task's working directory with the task's
instructions on stdin. It asks the model for the next step through the
OpenAI-compatible endpoint in OPENAI_BASE_URL (the run's metering gateway,
authenticated by the per-run token in OPENAI_API_KEY), runs the `bash`
commands the model calls for, sends their output back, and stops when the
model answers without a tool call.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

BASE_URL = os.environ["OPENAI_BASE_URL"].rstrip("/")
API_KEY = os.environ["OPENAI_API_KEY"]
MAX_TURNS = int(os.environ.get("AGENT_MAX_TURNS", "40"))
COMMAND_TIMEOUT = int(os.environ.get("AGENT_COMMAND_TIMEOUT", "300"))
MAX_OUTPUT = 16 * 1024

BASH_TOOL = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a bash command in the working directory; returns its output and exit code.",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string", "description": "The command to run."}},
            "required": ["command"],
        },
    },
}

SYSTEM = (
    "You are a careful software and ML engineer working in a Linux sandbox without network access. "
    f"Your working directory is {os.getcwd()}. Use the bash tool to look around, change files and run "
    "tests. When the task is done, reply with a one-line summary and no tool call."
)


class GatewayError(Exception):
    def __init__(self, status, kind, message):
        super().__init__(f"HTTP {status} ({kind}): {message}")
        self.kind = kind


def chat(messages):
    body = json.dumps({"model": "default", "messages": messages, "tools": [BASH_TOOL]}).encode()
    request = urllib.request.Request(
        f"{BASE_URL}/chat/completions",
        data=body,
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        try:
            error = json.load(e).get("error", {})
        except ValueError:
            error = {}
        raise GatewayError(e.code, error.get("type", "error"), error.get("message", e.reason)) from None


def run_bash(command):
    try:
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        output, code = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as e:
        output, code = f"{e.stdout or ''}{e.stderr or ''}\n[timed out after {COMMAND_TIMEOUT}s]", 124
    if len(output) > MAX_OUTPUT:
        half = MAX_OUTPUT // 2
        output = f"{output[:half]}\n[... {len(output) - MAX_OUTPUT} characters cut ...]\n{output[-half:]}"
    return f"{output}\n[exit code {code}]"


def main():
    instructions = sys.stdin.read().strip() or os.environ.get("FB_INSTRUCTIONS", "")
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": instructions}]
    for turn in range(1, MAX_TURNS + 1):
        try:
            reply = chat(messages)["choices"][0]["message"]
        except GatewayError as e:
            # A spent budget (type budget_exceeded) ends the run; the harness grades what was done.
            print(f"stopping: {e}", file=sys.stderr)
            return 0 if e.kind == "budget_exceeded" else 1
        calls = reply.get("tool_calls") or []
        messages.append({"role": "assistant", "content": reply.get("content"), **({"tool_calls": calls} if calls else {})})
        if not calls:
            print(reply.get("content") or "(no answer)")
            return 0
        for call in calls:
            try:
                command = json.loads(call["function"].get("arguments") or "{}")["command"]
                result = run_bash(command) if call["function"]["name"] == "bash" else "unknown tool"
            except (ValueError, KeyError, TypeError):
                result = 'invalid arguments: expected {"command": "..."}'
            print(f"[turn {turn}] {call['function']['name']}: {result[-200:]!r}", file=sys.stderr)
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    print(f"stopping: no answer after {MAX_TURNS} turns", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
