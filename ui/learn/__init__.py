"""The Learn page: the ideas behind a network, followed with one image from its pixels to
the change of every weight, each with its formula, its figures, its words and keys."""
