"""The Data page's session keys: its widgets, its expanders and the draw it shows.

The string values are what tests and browsers find the widgets by: keep them as they are.
"""

from __future__ import annotations

from typing import Any

CLASS = "data.class"  # pills: class filter for the example grid
SEED = "data.seed"  # seed of the current random draw (int, one more per "New random draw")
NEW_DRAW = "data.new_draw"  # button
INDEX = "data.index"  # number input: the training image compared with its class
PCA = "data.pca"  # the PCA scatter (its point selection)
PCA_POINTS = "data.pca_points"  # how many dots the PCA map shows
PCA_OPEN = "data.pca_open"  # expander: the PCA section is drawn only when open
CLOSER_OPEN = "data.closer_open"  # expander: "one image up close"

DEFAULTS: dict[str, Any] = {SEED: 0}  # the first draw a class sees
