"""The class board: a whole class's runs and drawings on one projected board.

``store`` keeps classes in a real SQL database (SQLite by default, PostgreSQL for several
replicas); ``membership`` and ``sharing`` are the small Streamlit pieces other pages call;
``board`` draws what the teacher projects. Nothing here trains a network.
"""
