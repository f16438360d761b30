"""The Train page: the settings a student picks, the live panel that watches a run learn,
the history of runs and the lesson links that share settings, with charts and keys."""
