"""The class board: a whole class's runs and drawings on one projected board.

``store`` keeps classes in a real SQL database (SQLite by default, PostgreSQL for several
replicas); ``membership`` and ``sharing`` are the small Streamlit pieces other pages call
(``joining.class_sidebar`` is the sidebar's Class panel, drawn by ``app.py``);
``board`` draws what the teacher projects; ``keys`` names the feature's widget keys.
Nothing here trains a network.
"""
