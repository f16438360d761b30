"""Engine benchmarks: load time, prediction latency, epoch speed against PyTorch, presets.

    NN_DATA_DIR=../shared python bench/bench_engine.py            # everything but 'best'
    NN_DATA_DIR=../shared python bench/bench_engine.py --best     # plus the 2-minute preset
    NN_DATA_DIR=../shared python bench/bench_engine.py --only speed

PyTorch is optional (``pip install torch``); without it the comparison is skipped. The
NumPy and PyTorch epochs are timed alternately in one process so that both see the same
machine state. Figures are printed and written to bench/_out/engine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nn_core import MLP, TrainConfig, Trainer, load_dataset  # noqa: E402

HIDDEN, BATCH = 256, 128


def bench_load(repeats: int = 5) -> dict:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        data = load_dataset("mnist", download=False, allow_bundled=False)
        times.append(time.perf_counter() - t0)
    return {"load_full_mnist_s": min(times), "source": data.source}


def bench_predict_one(data, repeats: int = 3000) -> dict:
    model = MLP((784, 128, 10))
    x = data.X_test[:1]
    model.predict_proba(x)
    times = []
    for i in range(repeats):
        x = data.X_test[i % 1000 : i % 1000 + 1]
        t0 = time.perf_counter()
        model.predict_proba(x)
        times.append(time.perf_counter() - t0)
    return {"predict_one_us_median": 1e6 * statistics.median(times)}


def numpy_epoch(data, optimizer: str, seed: int) -> float:
    model = MLP((784, HIDDEN, 10), seed=seed)
    lr = 0.05 if optimizer == "momentum" else 1e-3
    config = TrainConfig(epochs=1, batch_size=BATCH, optimizer=optimizer, lr=lr, seed=seed)
    trainer = Trainer(model, data.X_train, data.y_train, config)
    t0 = time.perf_counter()
    trainer.run()
    return time.perf_counter() - t0


def matmul_epoch(data) -> float:
    """The same epoch's five matrix products alone: the floor any framework must pay."""
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((784, HIDDEN), dtype=np.float32)
    W2 = rng.standard_normal((HIDDEN, 10), dtype=np.float32)
    Z1, dZ1 = np.empty((BATCH, HIDDEN), np.float32), np.empty((BATCH, HIDDEN), np.float32)
    Z2, dZ2 = np.empty((BATCH, 10), np.float32), rng.standard_normal((BATCH, 10), dtype=np.float32)
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    n_steps = -(-len(data.X_train) // BATCH)
    X = np.ascontiguousarray(data.X_train[:BATCH])
    t0 = time.perf_counter()
    for _ in range(n_steps):
        np.matmul(X, W1, out=Z1)
        np.matmul(Z1, W2, out=Z2)
        np.matmul(Z1.T, dZ2, out=dW2)
        np.matmul(dZ2, W2.T, out=dZ1)
        np.matmul(X.T, dZ1, out=dW1)
    return time.perf_counter() - t0


def torch_epoch(data, optimizer: str, seed: int) -> float:
    import torch

    torch.manual_seed(seed)
    X, y = torch.from_numpy(np.asarray(data.X_train)), torch.from_numpy(np.asarray(data.y_train))
    net = torch.nn.Sequential(
        torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)
    )
    if optimizer == "momentum":
        opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    perm = torch.randperm(len(X))
    for i in range(0, len(X), BATCH):
        idx = perm[i : i + BATCH]
        opt.zero_grad()
        loss_fn(net(X[idx]), y[idx]).backward()
        opt.step()
    return time.perf_counter() - t0


def bench_speed(data, rounds: int) -> dict:
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
        have_torch = True
    except ImportError:
        have_torch = False
    out = {"matmul_only_s": min(matmul_epoch(data) for _ in range(rounds))}
    for opt in ("momentum", "adam"):
        ours, theirs = [], []
        for r in range(rounds):
            ours.append(numpy_epoch(data, opt, r))
            if have_torch:
                theirs.append(torch_epoch(data, opt, r))
        out[f"numpy_{opt}_s"] = statistics.median(ours)
        out[f"numpy_{opt}_over_matmul"] = out[f"numpy_{opt}_s"] / out["matmul_only_s"]
        if have_torch:
            out[f"torch_{opt}_s"] = statistics.median(theirs)
            out[f"ratio_{opt}_numpy_over_torch"] = out[f"numpy_{opt}_s"] / out[f"torch_{opt}_s"]
    return out


def run_cli(*args: str) -> dict:
    """Run the command-line trainer as a user would; wall time includes start-up and loading."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "nn_core.train", "--quiet", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t0
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall_seconds": round(wall, 3)}


def bench_presets(best: bool) -> dict:
    out = {name: run_cli("--preset", name, "--no-download") for name in ("fast", "default")}
    if best:
        out["best"] = run_cli("--preset", "best", "--no-download")
    return out


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--only", choices=["load", "predict", "speed", "presets"])
    p.add_argument("--rounds", type=int, default=5, help="alternating epochs per framework")
    p.add_argument("--best", action="store_true", help="also run the 2-minute 'best' preset")
    args = p.parse_args()
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        }
    }
    data = load_dataset("mnist", download=False, allow_bundled=False)
    steps = {
        "load": lambda: bench_load(),
        "predict": lambda: bench_predict_one(data),
        "speed": lambda: bench_speed(data, args.rounds),
        "presets": lambda: bench_presets(args.best),
    }
    for name, fn in steps.items():
        if args.only in (None, name):
            results[name] = fn()
            print(json.dumps({name: results[name]}, indent=2), flush=True)
    out = ROOT / "bench" / "_out"
    out.mkdir(exist_ok=True)
    (out / "engine.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
