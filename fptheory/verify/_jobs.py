"""Progress of each claim while it runs: a claim's computation reports its steps (``step_progress``), and the process
that runs ``verify`` receives them, from its worker processes through a queue, and shows every running claim's share
done and ETA (``JobsLine``), not only the claims that have finished."""

from __future__ import annotations

import contextlib
import os
import queue as queue_module
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TextIO

__all__ = ["JobProgress", "step_progress", "reporting", "running", "queue_sink", "drain", "worker_pool", "JobsLine"]

#: ``sink(claim_id, done, total, eta_seconds_or_None)``: where this process's running claim reports.
JobProgress = Callable[[str, int, int, "float | None"], None]

_sink: JobProgress | None = None
_current: str | None = None


def step_progress() -> Callable[..., None] | None:
    """A progress callback ``(done, total[, eta])`` for the running claim's computation, reporting under its id; None
    when nothing listens (outside ``verify``, or no one asked for per-claim progress)."""
    sink, claim_id = _sink, _current
    if sink is None or claim_id is None:
        return None

    def report(done: int, total: int, eta: float | None = None) -> None:
        sink(claim_id, int(done), int(total), None if eta is None else float(eta))

    return report


@contextlib.contextmanager
def reporting(sink: JobProgress | None) -> Iterator[None]:
    """Within the block, running claims report to ``sink`` (the previous sink is restored after)."""
    global _sink
    previous, _sink = _sink, sink
    try:
        yield
    finally:
        _sink = previous


@contextlib.contextmanager
def running(claim_id: str) -> Iterator[None]:
    """Within the block, ``claim_id`` is the running claim that :func:`step_progress` reports for."""
    global _current
    previous, _current = _current, claim_id
    try:
        yield
    finally:
        _current = previous


def queue_sink(channel: Any) -> JobProgress:
    """A sink that puts each report on a multiprocessing queue (a worker's side); a full or closed queue drops it."""

    def put(claim_id: str, done: int, total: int, eta: float | None) -> None:
        with contextlib.suppress(Exception):
            channel.put_nowait((claim_id, done, total, eta))

    return put


def drain(channel: Any, sink: JobProgress) -> Callable[[], None]:
    """Start a thread that hands each report on ``channel`` to ``sink``; returns the function that stops it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                message = channel.get(timeout=0.2)
            except (queue_module.Empty, EOFError, OSError):
                continue
            with contextlib.suppress(Exception):
                sink(*message)

    thread = threading.Thread(target=loop, name="fptheory-job-progress", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=2)

    return halt


#: how often a worker checks that the process that started it is alive (seconds)
PARENT_CHECK_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """A worker's watch: when the process that started it is gone (killed by SIGKILL, which no handler sees), the
    worker is re-parented, and it exits at once instead of computing for minutes with nobody to read the result."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(PARENT_CHECK_SECONDS)


def _worker_init(channel: Any = None, parent: int | None = None) -> None:
    """In each worker: Ctrl-C is the parent's to handle (it stops the workers at once, so they print no
    traceback), one BLAS/OpenMP thread, since the workers already share the cores, the jobs' step progress
    sent to the parent through ``channel`` (a queue) when it listens, and a watch that ends the worker when
    ``parent`` dies."""
    import signal

    from threadpoolctl import threadpool_limits

    global _sink
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threadpool_limits(1)
    if channel is not None:
        _sink = queue_sink(channel)
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="exit-with-parent").start()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now (Ctrl-C): cancel what has not started and kill what runs."""
    processes = list(getattr(pool, "_processes", {}).values())  # the executor has no public kill
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


@contextlib.contextmanager
def worker_pool(workers: int, job_progress: JobProgress | None) -> Iterator[ProcessPoolExecutor]:
    """``workers`` spawned processes (one BLAS/OpenMP thread each) whose jobs' step reports reach ``job_progress``
    through a queue that a thread here drains. An exception in the block (Ctrl-C, or the caller closing a generator
    early) kills the workers at once; a normal exit waits for them; and if this process is killed outright
    (SIGKILL), each worker notices within :data:`PARENT_CHECK_SECONDS` and exits."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    channel = context.Queue() if job_progress is not None else None
    halt = drain(channel, job_progress) if channel is not None and job_progress is not None else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                               initargs=(channel, os.getpid()))
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    finally:
        if halt is not None:
            halt()
    pool.shutdown()


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class JobsLine:
    """Every running claim's progress on one line of ``stream``: ``running: id 45% (ETA 12 s), id2 10% …``.

    On a terminal the line is redrawn in place at most once a second; elsewhere (a log) it is printed as a new line at
    most every ``every`` seconds. ``finished(claim_id)`` drops a claim and clears the line so the caller can print."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None, every: float = 60.0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every if not self.tty else 1.0
        self.jobs: dict[str, tuple[int, int, float | None]] = {}
        self._shown = time.monotonic()  # the first line after a second (terminal) or `every` seconds (log)
        self._width = 0
        self._lock = threading.Lock()

    def text(self) -> str:
        parts = []
        for claim_id, (done, total, eta) in self.jobs.items():
            share = f"{100 * done / total:.0f}%" if total > 0 else "?"
            parts.append(f"{claim_id} {share}" + (f" (ETA {_duration(eta)})" if eta is not None else ""))
        return "running: " + ", ".join(parts) if parts else ""

    def __call__(self, claim_id: str, done: int, total: int, eta: float | None = None) -> None:
        with self._lock:
            self.jobs[claim_id] = (done, total, eta)
            now = time.monotonic()
            if now - self._shown >= self.every:
                self._shown = now
                self._draw()

    def finished(self, claim_id: str) -> None:
        with self._lock:
            self.jobs.pop(claim_id, None)
            self._clear()

    def _draw(self) -> None:
        line = self.text()
        if self.tty:
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        elif line:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
