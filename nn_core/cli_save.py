"""Where the command line's trained model goes: ``--out``, or somewhere safe instead.

A run can take many minutes, so losing its model to a problem with the file is the worst
way for it to end. Two rules follow. Before training, ``check_out`` refuses an ``--out``
that could never be written, while giving up costs nothing. After training, whatever
goes wrong (a folder that vanished, a full disk, weights too large for float16),
``save_somewhere`` still keeps the model and says where it went and why that is not
where it was asked to go. Nothing here prints: the command line says it in its own words.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def check_out(out: str | None) -> None:
    """Refuse an --out we could not write, before minutes of training are spent.

    Trying to create a file next to the target is the only honest test: permissions,
    read-only disks and full quotas all show up there (``os.access`` misses most).
    """
    if out is None:
        return
    path = Path(out)
    if path.is_dir():
        raise ValueError(f"--out {out}: is a folder; name a file, e.g. {path / 'model.npz'}")
    if path.parent.exists() and not path.parent.is_dir():
        raise ValueError(f"--out {out}: {path.parent} is a file, not a folder")
    if not path.parent.is_dir():
        raise ValueError(f"--out {out}: the folder {path.parent} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz.part"):
            pass
    except OSError as e:
        raise ValueError(
            f"--out {out}: cannot write in {path.parent} ({e.strerror or e})"
        ) from None


def save_somewhere(model, out: str, **save_args) -> tuple[str | None, str | None]:
    """Save to ``out``; whatever goes wrong, keep the model and say what happened.

    Two things can fail after minutes of training, and neither may cost the model. The
    values: a weight beyond ±65,504 does not fit in float16, so the file is written in
    full precision instead (twice the size, nothing lost). The disk: ``out`` vanished or
    filled up, so the model goes to the current folder, or else a new temporary folder.

    Returns (where it went, or None if nowhere; what went wrong, or None).
    """
    try:
        model.save(out, **save_args)
        return out, None
    except ValueError as e:  # raised before the disk is touched: the values, not the folder
        if save_args.get("dtype") is not None:
            return _save_in_full_precision(model, out, save_args)
        return None, f"could not save the model ({e})"
    except OSError as e:
        problem = f"could not save the model to {out} ({e.strerror or e})"
    for target in _fallback_paths(Path(out)):
        try:
            model.save(target, **save_args)
            return str(target), problem
        except OSError:
            continue
    return None, problem


def _save_in_full_precision(model, out: str, save_args: dict) -> tuple[str | None, str]:
    """The weights do not fit in float16: the same save in float32, wherever it can go."""
    problem = (
        f"--float16: some weights are too large for {save_args['dtype']}; "
        "saving in full precision (float32) instead"
    )
    where, disk_problem = save_somewhere(model, out, **{**save_args, "dtype": None})
    return where, problem if disk_problem is None else f"{problem}; {disk_problem}"


def _fallback_paths(out: Path):
    """Where else to save: the current folder (never over an existing file, never the
    folder that just failed), then a fresh temporary folder."""
    here = Path.cwd() / out.name
    if here.parent.resolve() != out.parent.resolve() and not here.exists():
        yield here
    try:
        yield Path(tempfile.mkdtemp(prefix="nn-classroom-")) / out.name
    except OSError:
        return
