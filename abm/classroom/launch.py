"""Start the classroom's servers: the single-player app (Solara) and the shared game
(``server.py``). Light to import: each loads its web stack only when started."""

from __future__ import annotations

import errno
import os
import socket
import sys
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


def shared_game(host: str, port: int, out: Path, public_url: str = "") -> None:
    """Serve the shared game until Ctrl-C; each game's record is saved under ``out``."""
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ParameterError(f"public-url: got {public_url!r}, expected http://host:port")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else "cannot be used"
            raise ParameterError(f"port: {port} {why} on {host}; pick another with --port") \
                from None
    from .server import lan_address, serve

    shown = lan_address() if host in ("0.0.0.0", "::") else host
    print(f"coalition classroom: serving on http://{shown}:{port} (Ctrl-C stops it); "
          f"games are saved in {out}", flush=True)
    serve(host, port, out, public_url)
