"""Servers for the classroom's tests: a free port, and a command started once it answers."""

import socket
import subprocess

import pytest

from abm.classroom.launch import in_background


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], url_path: str = "/", seconds: float = 90
          ) -> tuple[subprocess.Popen, str]:
    """``python -m abm ARGS --port P``, once it answers: (process, base URL)."""
    try:
        return in_background(args, url_path, seconds, output=subprocess.PIPE)
    except RuntimeError as exc:
        pytest.fail(str(exc))
