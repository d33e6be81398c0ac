"""`fairdeid batch` against a real Ray cluster started here: a whole run through a `ray://`
address, then a run SIGKILLed mid-way (through `ray://`) and resumed through `--address auto`.

The cluster is ``ray start --head --block`` in its own session and temporary directory, so that
``--address auto`` finds this cluster (through ``$RAY_TMPDIR``) and no other, and so that it can
be stopped by process id: ``ray stop`` would stop every Ray process of the machine, including
other jobs' clusters.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_scale_batch import (
    CONFIG,
    HERE,
    _cli,
    _resume_after_sigkill,
    check_complete,
    write_jsonl_input,
)

pytestmark = pytest.mark.slow

#: Seconds per note in the cluster's workers: slow enough that a driver killed after 2 chunks
#: leaves work undone, fast enough for the whole module to stay well under 2 minutes.
SLOW = "0.05"


@dataclass(frozen=True)
class Cluster:
    client_address: str  # ray://127.0.0.1:PORT
    env: dict[str, str]  # what a driver needs for --address auto to find this cluster
    loads: Path  # the plugin appends a worker's pid here at every model load


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session_pids(session: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if os.getsid(int(entry.name)) == session:
                    pids.append(int(entry.name))
    return pids


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM `ray start --block` (it stops what it started); then SIGKILL, by pid, whatever
    is left in its session."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    for pid in _session_pids(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _wait_until_up(proc: subprocess.Popen[bytes], address_file: Path, port: int,
                   log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ray start exited {proc.returncode}: {log.read_text()[-3000:]}")
        if address_file.exists():
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return
        time.sleep(0.5)
    pytest.fail(f"the Ray cluster did not come up in 90 s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    pytest.importorskip("ray", reason="pip install 'fairdeid[scale]'")
    pytest.importorskip("grpc", reason="ray:// needs Ray Client: pip install 'fairdeid[scale]'")
    if shutil.which("ray") is None and not (Path(sys.executable).parent / "ray").exists():
        pytest.skip("the ray command is not installed")
    # Short: Ray's Unix socket paths live under it and must stay under 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="fdray-", dir="/tmp"))
    port = _free_port()
    # Token authentication, as a cluster reachable over the network should have. Ray enables it
    # for a found cluster (auto) by itself, but never for an explicit address: there the driver
    # must ask for it (RAY_AUTH_MODE=token) and bring the token.
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    env = {**os.environ, **auth, "RAY_TMPDIR": str(root), "RAY_USAGE_STATS_ENABLED": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE),
                                                       os.environ.get("PYTHONPATH", "")]))}
    # Workers take these from the cluster's environment, not from the driver's.
    loads = root / "loads.txt"
    worker_env = {**env, "FAIRDEID_TEST_SLOW": SLOW, "FAIRDEID_TEST_LOADS": str(loads)}
    ray = str(Path(sys.executable).parent / "ray") if (
        Path(sys.executable).parent / "ray").exists() else "ray"
    log = root / "start.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [ray, "start", "--head", "--block", "--port=0", f"--ray-client-server-port={port}",
             f"--dashboard-agent-listen-port={_free_port()}", "--include-dashboard=false",
             "--num-cpus=4", f"--temp-dir={root / 'ray'}", "--disable-usage-stats",
             "--object-store-memory=100000000"],
            env=worker_env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_until_up(proc, root / "ray" / "ray_current_cluster", port, log)
        # RAY_ADDRESS would take precedence over "auto": an empty one is ignored.
        driver_env = {**auth, "RAY_TMPDIR": str(root), "RAY_USAGE_STATS_ENABLED": "0",
                      "RAY_ADDRESS": ""}
        yield Cluster(f"ray://127.0.0.1:{port}", driver_env, loads)
    finally:
        _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


def _run(tmp_path: Path, cluster: Cluster, address: str, n: int = 24) -> Path:
    src = write_jsonl_input(tmp_path / "in.jsonl", n)
    (tmp_path / "pipe.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    result = _cli([str(src), str(out), "--config", str(tmp_path / "pipe.toml"), "--chunk-size",
                   "4", "--plugin", "fairdeid_scale_plugin", "--address", address,
                   "--concurrency", "2", "--threads-per-actor", "1"], cluster.env)
    assert result.returncode == 1, result.stderr[-3000:]  # 1: the bad rows are in errors.jsonl
    assert "18 rows de-identified, 3 in errors.jsonl" in result.stdout + result.stderr
    check_complete(out, n)
    return out


def test_batch_through_a_ray_client_address(tmp_path: Path, cluster: Cluster) -> None:
    out = _run(tmp_path, cluster, cluster.client_address, n=21)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["chunks"] == 6 and len(manifest["parts"]) == 6


def test_kill_through_ray_client_then_resume_through_auto(
    tmp_path: Path, cluster: Cluster
) -> None:
    """SIGKILLed after 2 chunks while connected through ray://, then resumed (and finished)
    through --address auto: every row ends in the output or errors.jsonl exactly once."""
    loaded_before = len(cluster.loads.read_text().split()) if cluster.loads.exists() else 0
    _resume_after_sigkill(
        tmp_path, ["--address", cluster.client_address, "--concurrency", "2",
                   "--threads-per-actor", "1"], 40, slow=SLOW,
        env_extra=cluster.env,
        resume_extra=["--address", "auto", "--concurrency", "2", "--threads-per-actor", "1"])
    # Both runs' actors ran on this cluster (its workers see FAIRDEID_TEST_LOADS; a private
    # local Ray started by mistake would not): one model load per actor, at most two actors a
    # run, never one load per chunk (10 chunks).
    assert 2 <= len(cluster.loads.read_text().split()) - loaded_before <= 4
