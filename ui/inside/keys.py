"""The Inside page's session keys: its views' widgets, its memory, and the drawing Draw
sends it.

Each value is the string Streamlit stores (tests find widgets by it); the names drop the
page's prefix, as ``keys.VIEW`` reads in the page's code.
"""

from __future__ import annotations

DRAWING = "inside.drawing"  # (28, 28) float32 drawing sent by Draw's "Look inside"
VIEW = "inside.view"  # tabs: which view computes (Weights, Activations, ...)
CACHE = "inside.cache"  # OrderedDict: heavy results per model version (ui.inside.context.memo)
EXPERIMENT = "inside.experiment"  # ui.inside.experiments.Experiment or None
SORT = "inside.sort"  # weight grid order: unit number, weight norm, importance
GRID = "inside.grid"  # the weight grid chart (click a unit)
UNIT = "inside.unit"  # the first-layer unit shown large
LAYER = "inside.layer"  # which deeper weight matrix to show as a heatmap
SOURCE = "inside.source"  # image to look at: "a test image" | "my drawing"
SEEN_DRAWING = "inside.seen_drawing"  # fingerprint of the last drawing shown
INDEX = "inside.index"  # test image number
RANDOM = "inside.random"  # button: a random test image
PCA = "inside.pca"  # the activation map (click a point)
RUN_A = "inside.run_a"  # health: the two runs side by side (run ids)
RUN_B = "inside.run_b"  # health: the second run
EXP_LAYER = "inside.exp_layer"  # experiments: which hidden layer
OFF_UNITS = "inside.off_units"  # units to switch off (multiselect)
OFF_APPLY = "inside.off_apply"  # button: switch the chosen units off
RANK_K = "inside.rank_k"  # slider: how many units by importance
OFF_MOST = "inside.off_most"  # button: switch off the k most important units
OFF_LEAST = "inside.off_least"  # button: switch off the k least important units
SCALE_UNIT = "inside.scale_unit"  # number input: the unit to scale
SCALE_FACTOR = "inside.scale_factor"  # slider: by how much
SCALE_APPLY = "inside.scale_apply"  # button
NOISE_LAYER = "inside.noise_layer"  # which weight matrix gets the noise
NOISE_AMOUNT = "inside.noise_amount"  # slider: how much noise
NOISE_APPLY = "inside.noise_apply"  # button
PRUNE_SHARE = "inside.prune_share"  # slider: share of the smallest weights to remove
PRUNE_APPLY = "inside.prune_apply"  # button
UNDO = "inside.undo"  # drop the last edit
UNDO_ALL = "inside.undo_all"  # back to the untouched network
SAVE = "inside.save"  # keep the edited network as a new model
TEACH_LABEL = "inside.teach_label"  # pills: the drawing's true label
TEACH_LR = "inside.teach_lr"  # slider: the step size of one taught step
TEACH_APPLY = "inside.teach_apply"  # button: teach one step
BP_BATCH = "inside.bp_batch"  # backprop: batch size
BP_SEED = "inside.bp_seed"  # which batch (int, changed by the button)
BP_NEW = "inside.bp_new"  # button: another batch
BP_LR = "inside.bp_lr"  # the learning rate of the step shown
BP_STAGE = "inside.bp_stage"  # forward | loss | backward | update | check
