"""The Evaluate page's side: where the network is wrong, how sure it is, how it breaks.

``cache.py`` runs each model version once over the test set and keeps the answers;
``sections.py`` picks the model and the section the page shows; ``threshold.py`` owns
the slider of the "not sure" threshold the Draw page shares; ``charts_*.py`` are pure
figure builders; ``keys.py`` names the page's session keys; the view modules
(``scores``, ``mistakes``, ``robustness``, ``confidence``, ``compare``) draw one section
of the page each. The numbers themselves come from ``nn_core.predictions``,
``nn_core.calibration`` and ``nn_core.robustness``.
"""
