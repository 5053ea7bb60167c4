"""A throwaway PostgreSQL cluster of a test's own (initdb in a temporary folder, its own port),
which the test may stop and start again: the database going away under a running server.

initdb and postgres refuse to run as root, and CI runs as root: there every PostgreSQL
command runs as the `postgres` OS user (runuser), in a folder that user owns. The cluster is
stopped and its folder removed however the test ends.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

DATABASE = "portcullis"
OS_USER = "postgres"


def _bin_dir() -> Path:
    """The newest installed server's binaries (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if not found:
        on_path = shutil.which("initdb")
        if on_path is None:
            raise RuntimeError("initdb not found (install the PostgreSQL server package)")
        return Path(on_path).parent
    return Path(found[-1]).parent


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin_dir: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, tool: str, *args: str) -> None:
        """One PostgreSQL command, as the postgres OS user when we are root."""
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OS_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c max_connections=50"
        )
        log = str(self.folder / "server.log")
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends sessions cleanly; `immediate` kills them as a crash would."""
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A running cluster with an empty database `portcullis`; gone afterwards, always."""
    # CI names a parent folder of its own, to remove whatever a killed test run left behind.
    parent = os.environ.get("PORTCULLIS_TEST_PG_ROOT") or None
    folder = Path(tempfile.mkdtemp(prefix="portcullis-pg-", dir=parent))
    cluster = Cluster(folder, _free_port(), _bin_dir())
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, user=OS_USER, group=OS_USER)
        cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-N")
        cluster.start()
        cluster.run(
            "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", DATABASE
        )
        yield cluster
    finally:
        _stop_quietly(cluster)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_quietly(cluster: Cluster) -> None:
    """Stop it whatever state the test left it in (already stopped is fine)."""
    if (cluster.data / "postmaster.pid").exists():
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            cluster.stop("immediate")
