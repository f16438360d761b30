"""How fast is the Evaluate page? The engine's parts, then the page itself in AppTest.

Targets (from the issue): the first view within 2 s for a 784-256-10 model on the
10,000 MNIST test images, on the 2-core machine; a slider move within 1 s.

- ``engine``: one forward pass over the test set (``predict_all``), the coverage curve,
  the reliability diagram, and each robustness curve on the fixed 2,000 images.
- ``page``: the Evaluate page's script run under ``streamlit.testing`` with the bundled
  784-256-10 model: the first view with every cache empty (what the first visitor of a
  freshly started server waits for, minus the browser's drawing), the same view again,
  then a move of the threshold slider, of a robustness slider (curve already measured)
  and the choice of a confusion-matrix cell. Figures are medians of ``--runs``.

One BLAS thread, as the app's server process runs. Full MNIST from ``NN_DATA_DIR``.

    NN_DATA_DIR=../shared python -m bench.bench_evaluate
    NN_DATA_DIR=../shared python -m bench.bench_evaluate --only engine --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from nn_core.subset import fixed_subset

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as the app's server process runs


def timed(fn, runs: int) -> float:
    """Median wall time of ``fn()`` over ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_engine(runs: int) -> None:
    from nn_core import calibration, load_dataset, load_default_model, robustness
    from nn_core.predictions import predict_all

    data = load_dataset("mnist", download=False)
    model = load_default_model()
    print(f"data: {data.source}, {data.n_test:,} test images; model {model}")
    p = predict_all(model, data.X_test, data.y_test)
    t = timed(lambda: predict_all(model, data.X_test, data.y_test), runs)
    print(f"predict_all, {data.n_test:,} images: {t * 1000:.0f} ms")
    t = timed(lambda: calibration.coverage_curve(p.confidence, p.correct), runs)
    print(f"coverage curve (101 thresholds): {t * 1000:.1f} ms")
    t = timed(lambda: calibration.reliability(p.confidence, p.correct), runs)
    print(f"reliability diagram: {t * 1000:.1f} ms")
    idx = fixed_subset(data.n_test)
    X, y = data.X_test[idx], data.y_test[idx]
    for kind, spec in robustness.PERTURBATIONS.items():
        t = timed(lambda k=kind: robustness.accuracy_curve(model, X, y, k), max(1, runs // 2))
        print(
            f"robustness curve {kind:9s} ({len(spec.strengths)} strengths x {len(idx):,}): {t:.2f} s"
        )


def bench_page(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import open_app
    from ui import shared as ui_shared
    from ui.evaluate import cache
    from ui.evaluate import keys as evaluate_keys

    def first_view(at: AppTest) -> float:
        cache._shared.clear()
        t = time.perf_counter()
        at.switch_page("app_pages/evaluate.py").run()
        elapsed = time.perf_counter() - t
        assert not at.exception, at.exception
        return elapsed

    ui_shared.get_dataset("mnist")  # loading the data set is the sidebar's cost, not this page's
    ui_shared.get_bundled_model()
    cold, warm, threshold, strength, cell = [], [], [], [], []
    for i in range(runs):
        at = open_app(timeout=120)  # its home page: the switch below is what is timed
        cold.append(first_view(at))
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
        t = time.perf_counter()
        at.selectbox(key=f"{evaluate_keys.CELL_TRUE}.0").set_value(
            at.selectbox(key=f"{evaluate_keys.CELL_TRUE}.0").options[i % 10]
        ).run()
        cell.append(time.perf_counter() - t)
        at.segmented_control(key=evaluate_keys.VIEW).set_value("confidence").run()
        t = time.perf_counter()
        at.slider(key=evaluate_keys.THRESHOLD).set_value(0.8 + 0.01 * i).run()
        threshold.append(time.perf_counter() - t)
        at.segmented_control(key=evaluate_keys.VIEW).set_value("robustness").run()
        t = time.perf_counter()
        at.slider(key=f"{evaluate_keys.STRENGTH}.noise").set_value(0.2 + 0.1 * (i % 5)).run()
        strength.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    n = len(ui_shared.get_dataset("mnist").y_test)
    print(f"page, bundled 784-256-10 model, {n:,} test images, script time (medians of {runs}):")
    for name, values in (
        ("first view, caches empty", cold),
        ("first view again (cached answers)", warm),
        ("choose a confusion-matrix cell", cell),
        ("move the threshold slider", threshold),
        ("move a robustness slider (curve cached)", strength),
    ):
        print(f"  {name:42s} {statistics.median(values):.2f} s (worst {max(values):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["engine", "page"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.only in (None, "engine"):
        bench_engine(args.runs)
    if args.only in (None, "page"):
        bench_page(args.runs)


if __name__ == "__main__":
    main()
