"""The training pool's processes: started, sent commands, given BLAS threads, replaced.

The scheduler (``server.scheduler``) decides which run trains where; this is the part of
it that deals with operating-system processes and nothing else. It knows no runs: it
sends what it is told to worker ``i`` and says which workers have died.

By default there is a worker per training place, not per core: three runs on two
workers put two runs in one process, where they took turns, so one run trained twice as
fast as the other two (a lesson start on 2 cores: 45 % of a lone run's speed against 21 %
and 27 %). In processes of their own the operating system shares the cores out evenly
(three at the same priority on two cores beside a busy server: 4.1, 4.1 and 4.2 CPU
seconds each in 10 s; then 38 %, 36 % and 45 %).

A lone run on an otherwise idle server gets every core's BLAS threads, several runs one
thread each: the machine is measured once a second (``probe``), and only a few quiet
seconds in a row count as idle.
"""

from __future__ import annotations

import contextlib

from server.cpu import MachineLoad
from server.worker import spawn

QUIET_CORES = 0.2  # the rest of the machine busier than this: one BLAS thread per run
QUIET_PROBES = 3  # seconds in a row it must be that quiet before a lone run takes every core
"""A browser drawing the Train page on the same machine keeps about half a core busy in
bursts. With two BLAS threads a run then waits for the busy core at every matrix product
(400 steps/s instead of 480 in bench/bench_app_training.py, the thread count flapping
each second at the old 0.5-core line); so the line is low, and it takes a few quiet
seconds in a row, not one, to cross it."""


class WorkerProcesses:
    """``n`` worker processes, each with a pipe in; all answer on the ``results`` queue.

    The first ``eager`` start at once (a class's first Start should not wait a second for
    a process to start); the rest when something is first sent to them, so a laptop with
    one run never holds the processes a class would need."""

    def __init__(self, ctx, results, n: int, cores: int, eager: int | None = None):
        self.ctx, self.results, self.n, self.cores = ctx, results, n, cores
        self.closed = False
        self.procs: list = [None] * n
        self.pipes: list = [None] * n
        self.threads_sent: dict[int, int] = {}
        self.machine = MachineLoad()
        self.machine_free = False  # the rest of the machine idle: a lone run may take it all
        self.quiet_probes = 0  # consecutive one-second probes that found the machine quiet
        for i in range(min(n, cores if eager is None else eager)):
            self.start(i)

    def start(self, i: int) -> None:
        self.procs[i], self.pipes[i] = spawn(self.ctx, self.results, self.cores, i)
        self.threads_sent[i] = 1

    @property
    def started(self) -> int:
        """How many worker processes exist now."""
        return sum(proc is not None for proc in self.procs)

    def send(self, i: int, message: tuple) -> None:
        if self.closed:
            return
        if self.procs[i] is None:
            if message[0] in ("threads", "quit"):
                return  # nothing to tell a process that does not exist yet
            self.start(i)
        # A dead worker's pipe is broken: the scheduler's housekeeping replaces it.
        with contextlib.suppress(BrokenPipeError, OSError):
            self.pipes[i].send(message)

    def dead(self) -> list[int]:
        """The workers whose process has died (killed, out of memory)."""
        return [
            i
            for i, proc in enumerate(self.procs)
            if not self.closed and proc is not None and not proc.is_alive()
        ]

    def probe(self) -> None:
        """Once a second: is the rest of the machine quiet enough for a lone run to take it?"""
        others = self.machine.others_busy([p.pid for p in self.procs if p is not None and p.pid])
        quiet = others is not None and others < QUIET_CORES
        self.quiet_probes = self.quiet_probes + 1 if quiet else 0
        self.machine_free = self.quiet_probes >= QUIET_PROBES

    def balance_threads(self, lone: int | None) -> None:
        """Every core for worker ``lone`` (its run trains alone on a quiet machine), else
        one BLAS thread per worker."""
        if not self.machine_free:
            lone = None
        for i in range(self.n):
            if self.procs[i] is None:
                continue
            want = self.cores if i == lone else 1
            if self.threads_sent.get(i) != want:
                self.send(i, ("threads", want))
                self.threads_sent[i] = want

    def close(self) -> None:
        """Stop every worker (tests and server shutdown)."""
        for i in range(self.n):
            self.send(i, ("quit",))
        self.closed = True
        for proc in filter(None, self.procs):
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
