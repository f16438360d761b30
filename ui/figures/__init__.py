"""One look for every figure: the theme, SVG and PNG pictures, tiles, presentation mode."""
