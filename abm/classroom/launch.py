"""Start the classroom's servers: the single-player app (Solara) and the shared game
(``server.py``). Light to import: each loads its web stack only when started."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..scenarios.parameters import ParameterError


def single_player(host: str, port: int) -> None:
    """Serve ``abm.classroom.app`` with solara (one model per browser session).

    The process becomes the solara server (exec), so that a signal that stops it stops the
    server: a child process would outlive a terminated parent and keep the port.
    """
    print(f"coalition app: serving on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    command = [sys.executable, "-m", "solara", "run", "abm.classroom.app:Page", "--host", host,
               "--port", str(port), "--production", "--no-open", "--no-check-version"]
    # The browser tab's title, no "runs on Solara" banner over the rule sliders; offline (no
    # telemetry, no update check: a classroom may forbid both); an abandoned tab's session
    # freed two minutes after it closed (solara keeps it a day by default, ~9 MB each); and
    # no warning that a classroom's plain-http page is not in an iframe (its cookie is
    # SameSite=Lax, which is what a page not embedded elsewhere needs).
    env = {**os.environ, "SOLARA_THEME_TITLE": "Coalition burden-sharing",
           "SOLARA_THEME_SHOW_BANNER": "False", "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_KERNEL_CULL_TIMEOUT": "2m",
           "PYTHONWARNINGS": "ignore:Cookies with samesite=none require https:UserWarning"}
    os.execve(sys.executable, command, env)


def shared_game(host: str, port: int, out: Path, public_url: str = "",
                keep_ended: float = 6 * 3600.0) -> None:
    """Serve the shared game until Ctrl-C; each game's record is saved under ``out``.
    Everything a class would otherwise learn of at the end is checked first: the address,
    the port and the folder the records go to."""
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ParameterError(f"public-url: got {public_url!r}, expected http://host:port")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError):
        raise ParameterError(f"host: {host!r} is not an address of this machine") from None
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (as the server does)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ParameterError(f"port: {port} is in use on {host}; pick another with "
                                     "--port") from None
            raise ParameterError(f"host: cannot listen on {host} port {port} "
                                 f"({exc.strerror})") from None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"out: cannot make the folder {out} ({exc.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ParameterError(f"out: cannot write in the folder {out}")
    from .server import lan_address, serve

    shown = lan_address() if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    print(f"coalition classroom: serving on http://{shown}:{port} (Ctrl-C stops it); "
          f"games are saved in {out}", flush=True)
    if host in ("127.0.0.1", "localhost", "::1") and not public_url:
        print("coalition classroom: only this machine can open the pages; --host 0.0.0.0 "
              "lets a class join from the network", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # (uvicorn raises Ctrl-C again once stopped)
        serve(host, port, out, public_url, keep_ended)
    print("coalition classroom: stopped", flush=True)


def in_background(args: list[str], ready: str = "/", seconds: float = 90,
                  output: int | None = subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """``python -m abm ARGS --port P`` on a free port of this machine, once it answers at
    ``ready``: (the process, its base URL). For the tests, benchmarks and screenshots that
    drive a server; ``output=subprocess.PIPE`` keeps what it printed (text)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "abm", *args, "--port", str(port)],
                               stdout=output, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + ready, timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None:
                said = process.stdout.read()[-2000:] if process.stdout else ""
                raise RuntimeError(f"{' '.join(args)}: the server exited: {said}") from None
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{' '.join(args)}: the server did not answer within {seconds:.0f} s")
