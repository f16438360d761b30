"""Pages before training (issue 22): the training workers run at a lower priority than
the server, so thirty students opening a page at once are not queued behind the runs."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from server.processes import WorkerProcesses
from server.worker import NICENESS

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")


def test_a_training_worker_is_nicer_than_the_server():
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    workers = WorkerProcesses(ctx, results, n=1, cores=1)
    try:
        workers.send(0, ("pause", "no such run", 7))  # answered once the worker is running
        assert results.get(timeout=120) == ("reply", 7, None)
        server = os.getpriority(os.PRIO_PROCESS, 0)
        worker = os.getpriority(os.PRIO_PROCESS, workers.procs[0].pid)
        assert worker > server
        assert worker == min(19, server + NICENESS)
    finally:
        workers.close()
