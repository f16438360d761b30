"""The Draw page: a drawing read by a network, as it happens.

``reading.py`` turns a canvas image into the network's answer and a saliency map,
``choice.py`` says which networks may read it, ``my_drawings.py`` keeps the visitor's
own drawings as a test set; these three are plain functions a test runs without a
browser. ``figures.py`` draws the SVG figures, ``canvas.py`` the canvas, ``sections.py``
the page's parts and ``board.py`` the fragment that follows the pen. ``keys.py`` names
the page's session keys.
"""
