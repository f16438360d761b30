"""The Streamlit side of the app: state, cached data, figures and widgets. Pages stay thin.

Every session is a thread of one process, and Plotly finds pandas by peeking into
``sys.modules``: while one session's thread is still importing pandas (Streamlit does so
lazily, for a table), another's figure saw the half-made module and crashed the page
("partially initialized module 'pandas'"). Importing pandas here, before any page runs,
waits under Python's import lock for the whole module, so no figure can see half of it.
"""

import pandas  # noqa: F401  (imported whole before any figure is made: see above)
