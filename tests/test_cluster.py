"""A sweep on a separately started Dask cluster survives a killed worker.

A real scheduler and two workers run as separate processes on 127.0.0.1
(``dask scheduler``, ``dask worker --no-nanny``); the sweep is pointed at them
with ``--scheduler``.  One worker is killed (SIGKILL) while it executes a run:
the scheduler retries that run on the other worker and the results equal those
of a run on a local cluster.  Every process started here is stopped at the end.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fairlib import sweep

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "notebooks" / "paper_a_model.ipynb"
DASK = Path(sys.executable).parent / "dask"


def _rows(path):
    with open(path) as fh:
        return {r["run_id"]: r for r in csv.DictReader(fh)}


def _start(args, log):
    return subprocess.Popen(
        [str(DASK), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole
    )


def _wait_for(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


@pytest.fixture
def cluster(tmp_path):
    """Scheduler + two single-threaded workers; yields (address, worker procs)."""
    sched_file = tmp_path / "scheduler.json"
    log = open(tmp_path / "dask.log", "wb")
    procs = [
        _start(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(sched_file),
            ],
            log,
        )
    ]
    try:
        _wait_for(sched_file.is_file, 60, "the scheduler file")
        address = json.loads(sched_file.read_text())["address"]
        worker_args = [
            "worker",
            "--scheduler-file",
            str(sched_file),
            "--host",
            "127.0.0.1",
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
        ]
        workers = [_start(worker_args, log) for _ in range(2)]
        procs += workers
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.close()
    assert all(p.poll() is not None for p in procs)


def test_sweep_on_a_cluster_survives_a_killed_worker(cluster, tmp_path):
    import threading

    from distributed import Client

    address, workers = cluster
    runs = sweep.grid({"n": [2, 3, 4], "seed": [0, 1]})
    result = {}

    def go():
        result["csv"] = sweep.run_sweep(
            MODEL, runs, out_dir=tmp_path / "remote", scheduler=address, progress=False
        )

    thread = threading.Thread(target=go)
    thread.start()
    with Client(address, timeout="30s") as client:
        # wait until a worker is executing a run, then kill it mid-run
        busy = _wait_for(
            lambda: [w for w, tasks in client.processing().items() if tasks],
            120,
            "a worker with a run in progress",
        )
        pids = client.run(os.getpid)  # worker address -> its process id
        victim = pids[busy[0]]
        assert victim in {w.pid for w in workers}
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: len(client.scheduler_info()["workers"]) == 1, 60, "the death")
    thread.join(timeout=600)
    assert not thread.is_alive(), "the sweep did not finish after a worker died"
    remote = _rows(result["csv"])
    local = _rows(
        sweep.run_sweep(MODEL, runs, jobs=2, out_dir=tmp_path / "local", progress=False)
    )
    assert len(remote) == len(runs) and all(
        r["status"] == "ok" for r in remote.values()
    )
    assert remote == local


def test_a_bad_scheduler_address_is_refused(tmp_path):
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        sweep.run_sweep(MODEL, [{"n": 2}], out_dir=tmp_path, scheduler="localhost")


def test_atlas_slice_on_a_cluster_survives_a_killed_worker(cluster):
    """data/make_atlas.py on the separately started cluster: a worker dies mid-run."""
    import importlib.util
    import threading

    from distributed import Client

    spec = importlib.util.spec_from_file_location(
        "make_atlas", ROOT / "data" / "make_atlas.py"
    )
    make_atlas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_atlas)
    address, workers = cluster
    cells = [(m, k, -(-m // k)) for m in (19, 20) for k in range(1, 7)]
    result = {}

    def go():
        result["remote"] = make_atlas.compute(cells, scheduler=address)

    thread = threading.Thread(target=go)
    thread.start()
    with Client(address, timeout="30s") as client:
        busy = _wait_for(
            lambda: [w for w, tasks in client.processing().items() if tasks],
            120,
            "a worker with an atlas cell in progress",
        )
        victim = client.run(os.getpid)[busy[0]]
        assert victim in {w.pid for w in workers}
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: len(client.scheduler_info()["workers"]) == 1, 60, "the death")
    thread.join(timeout=600)
    assert not thread.is_alive(), "the atlas slice did not finish after a worker died"
    remote, errors = result["remote"]
    assert errors == [] and [(r["m"], r["k"], r["n"]) for r in remote] == cells
    local, errors = make_atlas.compute(cells, jobs=2)
    assert errors == [] and remote == local
    assert all(r["lower"] == r["upper"] and r["exact"] == "True" for r in remote)
