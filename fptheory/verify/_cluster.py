"""Claims on a Dask cluster: a local one started here (``scheduler="local"``, no set-up) or an existing one at an
address (dask-jobqueue, Kubernetes and other deployments alike).

Each claim runs on a worker in a temporary folder of that worker's own; the worker sends back the outcome and the
files the claim wrote (figure, result.json, arrays), which the caller writes under its output folder, each file
atomically. So a cluster without a shared file system works, and no result is written half. A worker that dies
mid-claim is replaced by Dask and its claim is run again on another worker (the scheduler's ``allowed-failures``,
3 by default); an exception inside a claim is its "error" verdict, as in-process.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from fptheory._checks import InputError
from fptheory.verify._jobs import JobProgress

__all__ = ["client_for", "run_on_cluster", "map_jobs"]


def _require_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError("--scheduler needs Dask's distributed scheduler: pip install 'fptheory[cluster]'") from None
    return distributed


@contextmanager
def client_for(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client: to a local cluster of ``workers`` processes (one thread each, one BLAS/OpenMP thread) when
    ``scheduler`` is "local", else to the scheduler at that address (``tcp://host:8786``). Closed on exit."""
    distributed = _require_distributed()
    if scheduler == "local":
        env = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                           env=env)
        client = _new_client(distributed, cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    client = _connect(distributed, scheduler)
    try:
        yield client
    finally:
        client.close()


#: How long the connection to a scheduler at an address may take, all of it (TCP connect, Dask's handshake, the
#: scheduler's identity) before ``InputError``.
CONNECT_TIMEOUT_S = 20.0


def _connect(distributed: Any, scheduler: str) -> Any:
    """A client to the scheduler at ``scheduler``, or ``InputError`` in one line within ``CONNECT_TIMEOUT_S`` seconds.

    ``distributed.Client(..., timeout=...)`` bounds the TCP connect but not every read after it: a server that accepts
    the connection and then answers something else (an HTTP server) left it waiting for minutes, and an answer
    read as a Dask frame length asked for exabytes (``MemoryError``). So the client is made in a daemon thread and
    waited for with a deadline of our own; whatever it raises is the address's fault, said in one line.

    A failed attempt leaves a half-made ``Client`` behind, still 'connecting', which Dask closes only in its
    ``__del__``. That close takes Dask's class-wide loop lock (``distributed.utils.LoopRunner._lock``): run by the
    garbage collector inside another thread's Client or LocalCluster start, which holds that lock, it waits on itself
    and every later start in the process hangs (it hung a test run's local cluster for good). So the client is made
    by :func:`_new_client`, which closes one whose start failed, and the attempt keeps only the error's text; a
    client made after the deadline is closed too."""
    timeout_s = CONNECT_TIMEOUT_S
    lock = threading.Lock()
    box: dict[str, Any] = {}

    def attempt() -> None:
        try:
            made: tuple[str, Any] = ("client", _new_client(distributed, scheduler, timeout=f"{timeout_s:g}s"))
        except BaseException as err:  # reported to the caller below, in one line
            made = ("error", (type(err).__name__, " ".join(str(err).split())[:200], isinstance(err, MemoryError)))
        with lock:
            late = "late" in box
            box[made[0]] = made[1]
        if made[0] == "client" and late:
            made[1].close()

    thread = threading.Thread(target=attempt, name="fptheory-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout_s)
    with lock:
        late = "client" not in box and "error" not in box
        if late:
            box["late"] = True  # the attempt closes a client it makes from now on
    if late:
        raise InputError(f"--scheduler {scheduler!r}: no Dask scheduler answered there within {timeout_s:g} s")
    if "error" in box:
        name, detail, memory = box["error"]
        if memory:  # a reply read as a Dask frame's length
            raise InputError(f"--scheduler {scheduler!r}: something answered there, but not in Dask's protocol")
        raise InputError(f"--scheduler {scheduler!r}: no Dask scheduler answers there ({name}: {detail})")
    return box["client"]


def _new_client(distributed: Any, *args: Any, **kwargs: Any) -> Any:
    """``distributed.Client(*args, **kwargs)``; where its start fails, the half-made client is closed here before the
    error goes on, so that Dask's ``__del__`` never closes it later inside another start (:func:`_connect`)."""
    making: list[Any] = []
    try:
        return _client_class(distributed)(making, *args, **kwargs)
    except BaseException:
        for client in making:
            with suppress(Exception):
                client.close()
        raise


@cache
def _client_class(distributed: Any) -> Any:
    """``distributed.Client`` that appends itself to the list given as its first argument before it starts, so that
    :func:`_new_client` holds a client whose constructor raised."""

    class TrackedClient(distributed.Client):
        def __init__(self, making: list[Any], *args: Any, **kwargs: Any) -> None:
            making.append(self)
            super().__init__(*args, **kwargs)

    return TrackedClient


def _run_remote(claim: Any, settings: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """On a worker: run ``claim`` in a temporary folder; return the outcome (as a dict) and the files it wrote,
    relative path -> bytes."""
    from fptheory.verify._outcome import run_claim

    root = Path(tempfile.mkdtemp(prefix="fptheory-claim-"))
    try:
        outcome = run_claim(claim, settings, root)
        files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
        return asdict(outcome), files
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_on_cluster(todo: list[tuple[Any, dict[str, Any], Path]], out: Path, finish: Callable[[dict[str, Any], Path], None],
                   *, scheduler: str, workers: int) -> None:
    """Run every (claim, settings, cache entry) of ``todo`` on Dask (:func:`map_jobs`); as each comes back, write its
    files under ``out`` (atomically, the claim's folder emptied first) and call ``finish(outcome, entry)``. Ctrl-C
    cancels what has not finished."""
    from fptheory._io import atomic_path

    for i, (outcome, files) in map_jobs(_run_remote, [(claim, settings) for claim, settings, _ in todo], workers=workers,
                                         scheduler=scheduler):
        claim, _, entry = todo[i]
        shutil.rmtree(out / "claims" / claim.id, ignore_errors=True)
        for name, data in files.items():
            with atomic_path(out / name) as tmp:
                tmp.write_bytes(data)
        finish(outcome, entry)


def _labelled(fn: Callable[..., Any], label: str, *args: Any) -> Any:
    """A worker's entry: ``fn(*args)`` with its step progress reported under ``label`` (fptheory.verify._jobs)."""
    from fptheory.verify._jobs import running

    with running(label):
        return fn(*args)


def map_jobs(fn: Callable[..., Any], args: list[tuple], *, workers: int, scheduler: str | None,
             labels: list[str] | None = None, job_progress: JobProgress | None = None,
             started: Callable[[], None] | None = None) -> Iterator[tuple[int, Any]]:
    """``(i, fn(*args[i]))`` for every i, as each finishes: on Dask when ``scheduler`` is given (see
    :func:`client_for`; a dead worker's job runs again), else in ``workers`` local processes (one BLAS/OpenMP thread
    each; 1: in this process). Closing the iterator early (Ctrl-C) cancels what has not finished. Local jobs report
    their steps (:func:`fptheory.verify._jobs.step_progress`) to ``job_progress`` under ``labels[i]``. ``started()``
    is called once the scheduler has answered (at once without one), before any job: a caller's banner then never
    precedes a refused ``--scheduler``."""
    from fptheory.verify._jobs import reporting, worker_pool

    names = labels if labels is not None else [str(i) for i in range(len(args))]
    if scheduler is not None:
        distributed = _require_distributed()
        with client_for(scheduler, workers) as client:
            if started:
                started()
            futures = {client.submit(fn, *a, pure=False): i for i, a in enumerate(args)}
            try:
                for future in distributed.as_completed(list(futures)):
                    yield futures[future], future.result()
            except BaseException:
                client.cancel(list(futures), force=True)
                raise
        return
    if started:
        started()
    if workers == 1 or len(args) <= 1:
        with reporting(job_progress):
            for i, a in enumerate(args):
                yield i, _labelled(fn, names[i], *a)
        return
    from concurrent.futures import as_completed

    with worker_pool(workers, job_progress) as pool:
        pending = {pool.submit(_labelled, fn, names[i], *a): i for i, a in enumerate(args)}
        for future in as_completed(pending):
            yield pending[future], future.result()
