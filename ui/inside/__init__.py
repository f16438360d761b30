"""The Inside page: weights, activations, training health, experiments and one step of
backpropagation, each a view (``weights.py``, ``activations.py``, ``health.py``,
``experiments.py``, ``backprop.py``) with its figures beside it (``charts_*.py``).

Every number comes from ``nn_core``; these modules choose, arrange and draw.
"""
