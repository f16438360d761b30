from tests.support.classroom import *  # noqa: F401,F403  (moved; the lead removes this shim)
from tests.support.runs import make_run  # noqa: F401
