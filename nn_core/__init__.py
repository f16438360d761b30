"""nn_core: a neural network written from scratch in NumPy, for teaching.

The public surface, kept stable for the app, the tests and outside users:

    load_dataset(name="mnist", data_dir=None)   -> Dataset (X_train (n, 784) float32 in [0, 1], ...)
    MLP(sizes=(784, 128, 10), ...)               .predict_proba(X), .save(path), MLP.load(path)
    Trainer(model, X, y, TrainConfig(...))       .steps() yields StepMetrics
    evaluate(model, X, y)                        -> EvalResult (loss, accuracy, confusion, ...)
    canvas_to_mnist(rgba)                        -> (28, 28) float32 or None
    load_default_model()                         -> the bundled model (an MLP, trained on MNIST)
    gradient_check(model, X, y)                  -> relative errors per parameter
    PRESETS                                      named recipes: original, default, fast, best

The command-line trainer is ``python -m nn_core.train`` or ``python -m nn_core``.

Names are imported on first use (PEP 562), so ``import nn_core`` stays cheap: about 2 ms,
where importing the trainer and NumPy takes about 85 ms, and a module that needs one small
piece (``nn_core.status``, say) pays only for that piece. It also keeps
``python -m nn_core.train`` quiet: Python runs that file as ``__main__`` after importing
this package, and had this package already imported ``nn_core.train``, it would warn that
the module was found in ``sys.modules`` before its execution.
"""

from importlib import import_module

_WHERE = {
    "load_dataset": "data",
    "Dataset": "dataset",
    "DATASETS": "catalog",
    "DataError": "errors",
    "DataUnavailableError": "errors",
    "MLP": "model",
    "ModelConfig": "modelconfig",
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
