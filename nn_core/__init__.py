"""nn_core: a neural network written from scratch in NumPy, for teaching.

The public surface, kept stable for the app, the tests and outside users:

    load_dataset(name="mnist", data_dir=None)   -> Dataset (X_train (n, 784) float32 in [0, 1], ...)
    MLP(sizes=(784, 128, 10), ...)               .predict_proba(X), .save(path), MLP.load(path)
    Trainer(model, X, y, TrainConfig(...))       .steps() yields StepMetrics
    evaluate(model, X, y)                        -> EvalResult (loss, accuracy, confusion, ...)
    canvas_to_mnist(rgba)                        -> (28, 28) float32 or None
    load_default_model()                         -> the bundled pretrained MLP
    gradient_check(model, X, y)                  -> relative errors per parameter
    PRESETS                                      named recipes: original, default, fast, best

Names are imported on first use (PEP 562), so ``python -m nn_core.train`` does not
import its own module twice and ``import nn_core`` stays cheap.
"""

from importlib import import_module

_WHERE = {
    "load_dataset": "data",
    "Dataset": "data",
    "DATASETS": "data",
    "DataError": "errors",
    "DataUnavailableError": "errors",
    "MLP": "model",
    "ModelConfig": "model",
    "ModelFileError": "errors",
    "model_to_bytes": "modelfile",
    "Trainer": "train",
    "TrainConfig": "train",
    "StepMetrics": "train",
    "EvalResult": "metrics",
    "evaluate": "metrics",
    "confusion_matrix": "metrics",
    "gradient_check": "gradcheck",
    "canvas_to_mnist": "preprocess",
    "canvas_to_mnist_steps": "preprocess",
    "load_default_model": "pretrained",
    "DEFAULT_MODEL_PATH": "pretrained",
    "PRESETS": "presets",
    "Preset": "presets",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'nn_core' has no attribute {name!r}")
    value = getattr(import_module(f"nn_core.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
