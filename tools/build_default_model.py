"""Rebuild nn_core/assets/default_model.npz, the pretrained model the Draw page uses.

    NN_DATA_DIR=../shared python tools/build_default_model.py

It runs the project's own command-line trainer with the recipe below (recorded, with
its seed, inside the model's metadata), then reloads the saved file and checks its
accuracy on the full MNIST test set and on digits redrawn like canvas drawings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nn_core import MLP, evaluate, load_dataset  # noqa: E402

OUT = ROOT / "nn_core" / "assets" / "default_model.npz"
# Random shifts and distortions (scale, rotation, shear, stroke width) make the model
# robust to the way people draw; 784-256-10 in float16 keeps the file small.
RECIPE = [
    "--preset", "fast", "--hidden", "256", "--epochs", "20", "--lr", "0.1",
    "--distort", "0.75", "--seed", "7", "--no-download", "--float16",
]  # fmt: skip


def main() -> int:
    cmd = [sys.executable, "-m", "nn_core.train", *RECIPE, "--out", str(OUT.relative_to(ROOT))]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-2000:])
    if proc.returncode != 0:
        return proc.returncode
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    model = MLP.load(OUT)
    data = load_dataset("mnist", download=False, allow_bundled=False)
    reloaded = evaluate(model, data.X_test, data.y_test).accuracy
    print(
        json.dumps(
            {
                **summary,
                "reloaded_test_accuracy": reloaded,
                "file_kb": round(OUT.stat().st_size / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
