"""Real `portcullis` processes for end-to-end tests: the CLI, and servers (uvicorn) over HTTP."""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PORTCULLIS = str(Path(sys.executable).with_name("portcullis"))
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that has Linux end the child when the test process dies, even by SIGKILL,
    so a killed test run leaves no server or client process behind. (Linux sends it when the
    thread that started the child ends: start children from the main thread.)"""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork

    def arrange() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return arrange


def run_cli(env: dict[str, str], *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [PORTCULLIS, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def cli(env: dict[str, str], *args: str) -> str:
    """Run a command that must succeed; its standard output."""
    done = run_cli(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def load_test_env(database_url: str) -> dict[str, str]:
    """The environment of a server under a test's load: a rate limit (where there is one,
    PORTCULLIS_RATE_LIMIT) kept on, but far above the few hundred requests a test sends."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORTCULLIS_LOG_LEVEL": "warning",
        "PORTCULLIS_RATE_LIMIT": "100000",
    }


@dataclass
class Server:
    base: str
    process: "subprocess.Popen[bytes]"
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_server(env: dict[str, str], log: Path) -> Iterator[Server]:
    """`portcullis serve` on a free port, healthy before it is yielded; its output goes to
    `log` (a pipe nobody reads would fill up and stall the server)."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [PORTCULLIS, "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
    """`running_server` with its output in a temporary file; yields its base URL."""
    with (
        tempfile.TemporaryDirectory(prefix="portcullis-server-") as folder,
        running_server(env, Path(folder) / "server.log") as started,
    ):
        yield started.base


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert server.process.poll() is None, server.output()
        try:
            if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not become healthy"
        time.sleep(0.2)


def env_on(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a server on the tests' own database (a SQLite file is shared between
    processes too), so a test makes its data in-process (tests/support/factories.py) and reads the
    server's writes back; `settings` are PORTCULLIS_ variables."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORTCULLIS_LOG_LEVEL": "warning",
        **settings,
    }
