"""The app imports pandas whole before any page can make a figure.

Plotly looks pandas up in ``sys.modules`` without importing it; a session thread that
made a figure while another was still importing pandas crashed (CI saw it on the board's
answers chart). A fresh interpreter shows whether ``import ui`` alone settles pandas.
"""

import subprocess
import sys

PROBE = (
    "import sys; import ui; "
    "m = sys.modules.get('pandas'); "
    "print(m is not None and hasattr(m, 'Series') and hasattr(m, 'Index'))"
)


def test_importing_ui_imports_pandas_whole():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "True"
