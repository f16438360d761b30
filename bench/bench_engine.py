"""Engine benchmarks: load time, prediction latency, epoch speed against PyTorch, presets.

    NN_DATA_DIR=../shared python bench/bench_engine.py            # everything but 'best'
    NN_DATA_DIR=../shared python bench/bench_engine.py --best     # plus the 2-minute preset
    NN_DATA_DIR=../shared python bench/bench_engine.py --only speed [--rounds 5] [--threads 1]
    NN_DATA_DIR=../shared python bench/bench_engine.py --only speed --quick   # 3 rounds

Speed: every epoch is timed in a process of its own (``--child``), so that NumPy never
runs in a process where PyTorch is loaded (importing PyTorch brings its own OpenMP and
BLAS thread pools, which made NumPy's epoch 0.47 s -> 0.79 s). Each process loads MNIST,
trains one warm-up epoch and then the timed epoch (the second one), so start-up, first
allocations and lazy initialisation are not counted. The two frameworks alternate
(NumPy first in even rounds, PyTorch first in odd ones) over ``--rounds`` rounds; medians
and spread (min-max) are reported. The matrix products alone (the floor) also run in a
process of their own. PyTorch is optional (``pip install torch``); without it the script
says "PyTorch not installed" and times NumPy only.

Figures are printed and written to bench/_out/engine.json.
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


def _have_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def child(job: str) -> None:
    """One measurement in this fresh process: ``numpy:momentum:0``, ``torch:adam:1``, ``matmul``.

    Prints one JSON line: the warm-up epoch's and the timed epoch's seconds.
    """
    kind, *rest = job.split(":")
    data = load_dataset("mnist", download=False, allow_bundled=False)
    if kind == "matmul":
        times = [matmul_epoch(data) for _ in range(2)]
    else:
        optimizer, seed = rest[0], int(rest[1])
        if kind == "torch":
            import torch

            torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
            epoch = torch_epoch
        else:
            epoch = numpy_epoch
        times = [epoch(data, optimizer, seed) for _ in range(2)]
    print(json.dumps({"job": job, "warmup_s": times[0], "epoch_s": times[1]}))


def _spawn(job: str, threads: int | None) -> float:
    env = dict(os.environ)
    if threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", job],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["epoch_s"]


def _spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "all": [round(v, 4) for v in values],
    }


def bench_speed(rounds: int, threads: int | None = None) -> dict:
    """Medians and spread of epoch times, one process per measurement, frameworks alternating."""
    have_torch = _have_torch()
    frameworks = ["numpy", "torch"] if have_torch else ["numpy"]
    if not have_torch:
        print("PyTorch not installed: timing NumPy only", flush=True)
    times: dict[str, list[float]] = {}
    matmul = []
    for r in range(rounds):
        matmul.append(_spawn("matmul", threads))
        order = frameworks if r % 2 == 0 else frameworks[::-1]
        for opt in ("momentum", "adam"):
            for fw in order:
                t = _spawn(f"{fw}:{opt}:{r}", threads)
                times.setdefault(f"{fw}_{opt}", []).append(t)
                print(f"  round {r + 1}: {fw:5s} {opt:8s} {t:.3f} s", flush=True)
    out = {
        "threads": threads or os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "torch": "installed" if have_torch else "PyTorch not installed",
        "matmul_only_s": _spread(matmul),
    }
    for key, values in times.items():
        out[f"{key}_s"] = _spread(values)
    floor = out["matmul_only_s"]["median"]
    for opt in ("momentum", "adam"):
        ours = out[f"numpy_{opt}_s"]["median"]
        out[f"numpy_{opt}_over_matmul"] = round(ours / floor, 3)
        if have_torch:
            theirs = out[f"torch_{opt}_s"]["median"]
            out[f"ratio_{opt}_numpy_over_torch"] = round(ours / theirs, 3)
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
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds for 'speed' (5)")
    p.add_argument("--quick", action="store_true", help="3 rounds for 'speed'")
    p.add_argument("--threads", type=int, help="BLAS/OpenMP threads of the speed processes")
    p.add_argument("--best", action="store_true", help="also run the 2-minute 'best' preset")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child)
        return
    if args.quick:
        args.rounds = min(args.rounds, 3)
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        }
    }
    data = None
    if args.only in (None, "predict"):
        data = load_dataset("mnist", download=False, allow_bundled=False)
    steps = {
        "load": lambda: bench_load(),
        "predict": lambda: bench_predict_one(data),
        "speed": lambda: bench_speed(args.rounds, args.threads),
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
