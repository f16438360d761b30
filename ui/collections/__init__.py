"""The collections a visitor can use as a data set: drawn on the Draw page, kept in the
session, listed in the sidebar next to MNIST.

Which collections exist is one function's answer (``mine.usable``): every page, the
sidebar and ``ui.active`` ask it, so when the class board's collections join the list
they join it in one place. Nothing here draws: ``mine.py`` holds the session's
``MyCollections`` and its limits.
"""
