"""The Learn page's session keys: its widgets and the expanders of its later sections.

The string values are what tests and browsers find the widgets by: keep them as they are.
"""

from __future__ import annotations

from typing import Any

ACTIVATION = "learn.activation"  # radio: the activation drawn in section 3
TEMPERATURE = "learn.temperature"  # slider: softmax's temperature in section 4
P_TRUE = "learn.p_true"  # slider: the probability of the true class in section 5
ACTIVATION_OPEN = "learn.activation_open"  # expanders: sections drawn only when open
SOFTMAX_OPEN = "learn.softmax_open"
LOSS_OPEN = "learn.loss_open"
BACKPROP_OPEN = "learn.backprop_open"

DEFAULTS: dict[str, Any] = {}  # every Learn widget carries its own default
