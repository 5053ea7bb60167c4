"""Server processes for the runner: the real `portcullis serve`, or bench/baseline.py, each one
uvicorn process on a free local port, and their peak memory.

Peak RSS is the kernel's high-water mark (VmHWM in /proc/PID/status), reset before each kind
of request by writing 5 to /proc/PID/clear_refs, so each figure is that kind's own peak.
Where /proc cannot do that, psutil's current RSS is read instead.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]  # bench/ is run from here, not installed
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def portcullis_command(port: int) -> list[str]:
    """`portcullis serve`: the console script beside this interpreter, as installed."""
    script = Path(sys.executable).with_name("portcullis")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "portcullis.launcher"]
    return [*command, "serve", "--host", "127.0.0.1", "--port", str(port)]


def baseline_command(port: int, database_url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.baseline",
        "--database-url",
        database_url,
        "--port",
        str(port),
    ]


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def reset_peak(self) -> None:
        with suppress(OSError):  # not Linux, or not allowed: the peak then spans the run
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def peak_rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float(psutil.Process(self.process.pid).memory_info().rss) / 2**20


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    """Start the server, wait for /healthz, yield it, then stop it (SIGTERM, then SIGKILL)."""
    port = int(command[command.index("--port") + 1])
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(process, url, log)
            yield Server(process, url, log)
        finally:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not healthy after {START_TIMEOUT:.0f} s; see {log}")
