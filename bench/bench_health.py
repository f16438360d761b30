"""What recording training health costs: the fast preset on full MNIST, with and without.

    NN_DATA_DIR=../shared python bench/bench_health.py              # 3 rounds, every=50
    NN_DATA_DIR=../shared python bench/bench_health.py --rounds 5 --every 10

Runs with and without the recorder alternate in one process so both see the same
machine; the overhead is the difference of the medians of the trainers' own training
time (``trainer.elapsed``), as a share of the time without. On a shared machine that
difference is noisy, so the time spent inside the recorder's hooks is also clocked
directly and reported as a share of the training time. A second line measures the
deeper 784-512-512-10 network for one epoch. Figures go to bench/_out/health.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nn_core import MLP, PRESETS, TrainConfig, Trainer, load_dataset  # noqa: E402
from nn_core.health import HealthRecorder  # noqa: E402


class TimedRecorder(HealthRecorder):
    """The recorder with a stopwatch on its hooks: their own cost, free of machine noise."""

    def __init__(self, every: int):
        super().__init__(every)
        self.seconds = 0.0

    def due(self, step: int) -> bool:
        t0 = time.perf_counter()
        answer = super().due(step)
        self.seconds += time.perf_counter() - t0
        return answer

    def before_update(self, model, step=None) -> None:
        t0 = time.perf_counter()
        super().before_update(model, step)
        self.seconds += time.perf_counter() - t0

    def after_update(self, model) -> None:
        t0 = time.perf_counter()
        super().after_update(model)
        self.seconds += time.perf_counter() - t0


def train_seconds(data, model, config, every: int | None) -> tuple[float, TimedRecorder | None]:
    health = None if every is None else TimedRecorder(every)
    trainer = Trainer(model, data.X_train, data.y_train, config, health=health)
    trainer.run()
    return trainer.elapsed, health


def compare(data, build, config, rounds: int, every: int) -> dict:
    plain, watched, hook_shares = [], [], []
    for _ in range(rounds):
        plain.append(train_seconds(data, build(), config, None)[0])
        seconds, health = train_seconds(data, build(), config, every)
        watched.append(seconds)
        hook_shares.append(health.seconds / seconds)
    base, with_health = statistics.median(plain), statistics.median(watched)
    return {
        "train_s_without": round(base, 3),
        "train_s_with": round(with_health, 3),
        "ab_overhead_percent": round(100 * (with_health - base) / base, 2),
        "hook_percent_of_training": round(100 * statistics.median(hook_shares), 3),
        "records": len(health),
        "every": every,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--every", type=int, default=50)
    args = parser.parse_args()
    data = load_dataset("mnist", download=False, allow_bundled=False)
    fast = PRESETS["fast"]
    results = {
        "fast_784_256_10": compare(
            data, lambda: fast.build(data.X_train), fast.train, args.rounds, args.every
        ),
        "deep_784_512_512_10_one_epoch": compare(
            data,
            lambda: MLP((784, 512, 512, 10)),
            TrainConfig(epochs=1, batch_size=128, optimizer="momentum", lr=0.05),
            args.rounds,
            args.every,
        ),
    }
    for name, r in results.items():
        print(
            f"{name:32s} without {r['train_s_without']:.3f} s  with {r['train_s_with']:.3f} s  "
            f"A/B {r['ab_overhead_percent']:+.2f} %  hooks {r['hook_percent_of_training']:.3f} % "
            f"of training ({r['records']} records, every {r['every']})"
        )
    out = ROOT / "bench" / "_out"
    out.mkdir(exist_ok=True)
    (out / "health.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
