"""How long each view of the Inside page takes to render, on full MNIST.

    NN_DATA_DIR=../shared python bench/bench_inside.py
    NN_DATA_DIR=../shared python bench/bench_inside.py --repeats 3

For 784-256-10 and 784-512-512-10 networks (added as "your model"), each view is run in
Streamlit's AppTest twice: "first" right after the model appears (nothing remembered
yet: importance, PCA, test accuracy are computed) and "again" (a widget moved, results
remembered). The time is the whole script run on the server, sidebar included; the
browser's drawing is not counted. Also times one refresh of the live weight grid (the
work the page does each second while a run trains). Figures go to bench/_out/inside.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

VIEWS = ("Weights", "Activations", "Health", "Experiments", "Backprop")
SIZES = {"784-256-10": (784, 256, 10), "784-512-512-10": (784, 512, 512, 10)}


def time_views(sizes: tuple[int, ...], seed: int) -> dict:
    from nn_core.model import MLP
    from tests.support.apptest import open_page
    from ui.inside import keys as inside_keys
    from ui.state import K

    at = open_page("inside", timeout=300)  # the page once, so data loading is not counted
    at.session_state[K.WORKSPACE].add_model(MLP(sizes, seed=seed), "bench", "mnist", None)
    out = {}
    for view in VIEWS:
        at.session_state[inside_keys.VIEW] = view
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.run()
        again = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        out[view] = {"first_s": round(first, 3), "again_s": round(again, 3)}
    return out


def time_live_grid(sizes: tuple[int, ...], repeats: int = 20) -> float:
    """One refresh of the live grid: tile and quantise the first layer into the figure,
    and serialise it."""
    import plotly.io as pio

    from nn_core.model import MLP
    from ui.inside.charts_weights import refresh_grid_figure, weight_grid_figure

    W = MLP(sizes).dense[0].W
    fig = weight_grid_figure(W, range(W.shape[1]), "live")  # built once per run
    times = []
    for step in range(repeats):
        t0 = time.perf_counter()
        refresh_grid_figure(fig, W * (1 + step / 100), f"step {step}")
        pio.to_json(fig)  # what Streamlit serialises for the browser
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    results = {}
    for name, sizes in SIZES.items():
        rounds = [time_views(sizes, seed) for seed in range(args.repeats)]
        views = {
            v: {k: max(r[v][k] for r in rounds) for k in ("first_s", "again_s")} for v in VIEWS
        }
        grid = time_live_grid(sizes)
        results[name] = {"views": views, "live_grid_refresh_s": round(grid, 4)}
        print(f"{name}: live grid refresh {grid * 1000:.1f} ms (server side, once a second)")
        for view, t in views.items():
            print(f"  {view:12s} first {t['first_s']:.2f} s   again {t['again_s']:.2f} s")
    out = ROOT / "bench" / "_out"
    out.mkdir(exist_ok=True)
    (out / "inside.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
