"""Servers for the classroom's tests: a free port, and a command started once it answers."""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], url_path: str = "/", seconds: float = 90
          ) -> tuple[subprocess.Popen, str]:
    """``python -m abm ARGS --port P``, once it answers: (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "abm", *args, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + url_path, timeout=2)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {proc.stdout.read()[-2000:]}")
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"the server did not answer within {seconds:.0f} s")
