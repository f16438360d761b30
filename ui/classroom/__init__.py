"""The class board: a whole class's runs and drawings on one projected board.

``store`` keeps classes in a real SQL database (SQLite by default, PostgreSQL for several
replicas); ``membership`` and ``sharing`` are the small Streamlit pieces other pages call
(``joining`` draws the sidebar's Class panel and a lesson link's join prompt, for
``app.py``; ``remember`` and ``places`` bring a student back to their place);
``board`` draws what the teacher projects; ``keys`` names the feature's widget keys.
Nothing here trains a network.
"""
