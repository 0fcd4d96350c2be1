"""One execution engine from a laptop to a cluster: a ``dask.distributed`` client.

:func:`dask_client` connects to an existing scheduler (``--scheduler
tcp://HOST:PORT`` on the command line, or ``$DASK_SCHEDULER_ADDRESS``) or starts
a local cluster of single-threaded worker processes, one per core.  The sweep
runner (:mod:`fairlib.sweep`) and the atlas runner (``data/make_atlas.py``)
submit their runs through it; a run that was on a worker that died is retried
on another worker by the scheduler.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

__all__ = ["dask_client", "scheduler_address"]


def scheduler_address(scheduler: str | None = None) -> str | None:
    """The scheduler to use: ``scheduler``, else ``$DASK_SCHEDULER_ADDRESS``, else None.

    Parameters
    ----------
    scheduler : str, optional
        An address such as ``tcp://10.0.0.5:8786``.
    """
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address is not None and (not isinstance(address, str) or "://" not in address):
        raise ValueError(
            f"scheduler must be an address such as tcp://HOST:PORT, got {address!r}"
        )
    return address


@contextmanager
def dask_client(scheduler: str | None = None, jobs: int | None = None):
    """A ``distributed.Client``: to ``scheduler`` if given, else a local cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler; default ``$DASK_SCHEDULER_ADDRESS``;
        with neither, a ``LocalCluster`` is started and stopped on exit.
    jobs : int, optional
        Worker processes of the local cluster (default: all cores); ignored
        when connecting to a scheduler.
    """
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if jobs is not None and (
        not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1
    ):
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    if address is not None:
        with Client(address, timeout="30s") as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=jobs or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never clashes with another
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
