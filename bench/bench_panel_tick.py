"""What one redraw of the Train page's live panel costs the server, for two model sizes.

The live panel's timer fires a few times a second while a run trains. Each tick copies
the worker's news into the run (``TrainWorkspace.sync``) and builds the three figures;
it never trains, so its cost must not grow with the model. This bench starts a real run
on the scheduler, lets it train, and times sync + figures at the panel's rhythm.

    NN_DATA_DIR=../shared python -m bench.bench_panel_tick [--seconds 8]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np
import plotly.io as pio
import plotly.tools

from nn_core.data import load_dataset
from nn_core.model import ModelConfig
from nn_core.presets import PRESETS
from server.limits import LIMITS
from server.scheduler import Scheduler
from server.shared_data import publish
from ui.train.charts import accuracy_figure, loss_figure, lr_figure
from ui.workspace.workspace import RunPlan, TrainWorkspace


def as_sent(fig) -> str:
    """What ``st.plotly_chart`` does with a figure: a dict of it, then its JSON."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True), validate=False)


def tick_times(scheduler, data, shared, hidden: tuple[int, ...], seconds: float) -> list[float]:
    fast = PRESETS["fast"]
    model = ModelConfig((784, *hidden, 10))
    train = dataclasses.replace(fast.train, epochs=30)
    ws = TrainWorkspace(lambda: scheduler)
    val = np.arange(LIMITS.val_size)
    ws.start(RunPlan("fast", model, train, True, data, shared, val))
    times = []
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        ws.sync()
        run = ws.shown_run()
        for make in (loss_figure, accuracy_figure, lr_figure):
            as_sent(make([run]))
        times.append(time.perf_counter() - t0)
        time.sleep(LIMITS.refresh_seconds)
    ws.stop()
    return times


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=8.0, help="training time per model size")
    args = p.parse_args(argv)
    data = load_dataset("mnist", download=False)
    shared = publish(data)
    scheduler = Scheduler()
    try:
        for hidden in ((256,), (512, 512)):
            t = tick_times(scheduler, data, shared, hidden, args.seconds)
            t_ms = sorted(1000 * x for x in t)
            p95 = t_ms[int(0.95 * (len(t_ms) - 1))]
            print(
                f"784-{'-'.join(map(str, hidden))}-10: {len(t)} ticks, "
                f"median {statistics.median(t_ms):.1f} ms, p95 {p95:.1f} ms, max {t_ms[-1]:.1f} ms"
            )
    finally:
        scheduler.close()


if __name__ == "__main__":
    main()
