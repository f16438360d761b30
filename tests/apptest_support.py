from tests.support.apptest import *  # noqa: F401,F403  (moved; the lead removes this shim)
