"""The tab's workspace: a visitor's models, runs and messages, shared by every page.

Train starts the runs, but "your model" is read by every page (Learn describes it, Draw
and Inside and Evaluate use it, the sidebar names it), so the workspace belongs to the
shared layer, not to the Train feature. Nothing here draws: ``workspace.py`` holds the
``TrainWorkspace`` (the one owner of a tab's runs), ``runs.py`` a run's record and
history, ``records.py`` the plain records around it, ``news.py`` how a worker's news
becomes a run's state.
"""
