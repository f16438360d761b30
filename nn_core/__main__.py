"""``python -m nn_core``: the command-line trainer (its flags and output: ``nn_core/cli.py``).

``python -m nn_core.train``, the documented spelling, runs the same ``main``. This file
only starts it, so that nothing imports the command line except its two entry points.
"""

from nn_core.cli import main

if __name__ == "__main__":
    raise SystemExit(main(prog="python -m nn_core"))
