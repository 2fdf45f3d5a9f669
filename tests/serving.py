"""`mkdocs serve` run as a writer runs it, and polled over real HTTP until a page shows what is expected."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from conftest import ENV

WAIT = 30  # seconds for a rebuild to show; a small site rebuilds in about one


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return 0, str(exc)


class Server:
    """`mkdocs serve`, or with `engine` `papernotes serve --engine ENGINE`, on a free port of 127.0.0.1."""

    def __init__(self, root: Path, log: Path, *, engine: str | None = None, mount: str = "/notes/", wait: float = WAIT) -> None:
        self.port = _free_port()
        self.log = log
        self.wait = wait
        # The mount path comes from site_url (https://example.org/notes/); Zensical serves at the root.
        self.base = f"http://127.0.0.1:{self.port}{mount}"
        address = f"127.0.0.1:{self.port}"
        serve = ["mkdocs", "serve", "--dev-addr", address] if engine is None else ["papernotes.cli", "serve", "--engine", engine, "-a", address]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *serve, "-f", str(root / "mkdocs.yml")],
                cwd=root, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_for(self, path: str, shows: Callable[[str], bool], what: str) -> str:
        """Poll `path` until its page `shows` what is expected; fail after `wait` seconds."""
        deadline = time.monotonic() + self.wait
        status, body = 0, ""
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server exited:\n{self.log.read_text()}"
            status, body = _get(self.base + path)
            if status == 200 and shows(body):
                return body
            time.sleep(0.2)
        pytest.fail(f"{path} never showed {what} (last status {status}):\n{body[-2000:]}\n--- server log:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
