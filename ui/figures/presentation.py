"""Presentation mode: the same pages, made for a projector instead of a laptop.

When a teacher projects the app, the long paragraphs are what the teacher says out
loud, and what the class needs is big figures. The switch in the sidebar
(``K.PRESENTATION``) does exactly that: :func:`explain` paragraphs disappear, and every
figure drawn through :func:`chart` grows by :data:`SCALE` (its height and its fonts),
so the pages keep one code path for both uses.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui.figures.svg import Svg
from ui.state import K

SCALE = 1.3  # figures (height and text) are this much larger when presenting
PLOT_CONFIG = {"displayModeBar": False}  # no toolbar over the titles: the class cannot use it


def is_on() -> bool:
    return bool(st.session_state.get(K.PRESENTATION, False))


def toggle() -> bool:
    """The sidebar switch; returns whether presentation mode is on."""
    return st.toggle(
        "Presentation mode",
        key=K.PRESENTATION,
        help="For projecting: hides the long explanations and enlarges the figures.",
    )


def explain(text: str) -> None:
    """A paragraph a student reads alone and a teacher says out loud: hidden when presenting."""
    if not is_on():
        st.markdown(text)


def note(text: str) -> None:
    """A caption under a figure, hidden when presenting."""
    if not is_on():
        st.caption(text)


def _bigger(font, factor: float, default: float) -> dict:
    size = font.size if font is not None and font.size else default
    return {"size": round(size * factor)}


def enlarge(fig: go.Figure, factor: float = SCALE) -> go.Figure:
    """``fig`` taller and with larger text, in place: the layout font, the title, the
    legend, every axis's tick labels and title, colour bars, and the annotations. Trace
    text sizes set explicitly grow too. (:func:`chart` enlarges a copy: a figure a cache
    hands to every viewer must not grow at each redraw.)"""
    layout = fig.layout
    fig.update_layout(
        height=round((layout.height or 400) * factor),
        font=_bigger(layout.font, factor, 16),
        legend_font=_bigger(layout.legend.font, factor, 15),
        hoverlabel_font=_bigger(layout.hoverlabel.font, factor, 15),
    )
    if layout.legend.title and layout.legend.title.font and layout.legend.title.font.size:
        fig.update_layout(legend_title_font=_bigger(layout.legend.title.font, factor, 15))
    if layout.title and layout.title.text:
        fig.update_layout(title_font=_bigger(layout.title.font, factor, 19))
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        axis.update(tickfont=_bigger(axis.tickfont, factor, 15))
        axis.update(title_font=_bigger(axis.title.font, factor, 16))
    for label in layout.annotations:
        if label.font is not None and label.font.size:
            label.font.size = round(label.font.size * factor)
    for trace in fig.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and isinstance(textfont.size, int | float):
            trace.textfont.size = round(textfont.size * factor)
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.tickfont is not None:
            trace.colorbar.tickfont = _bigger(colorbar.tickfont, factor, 15)
    for coloraxis in fig.select_coloraxes():
        coloraxis.colorbar.tickfont = _bigger(coloraxis.colorbar.tickfont, factor, 15)
    return fig


def chart(fig: go.Figure | Svg, **kwargs):
    """``st.plotly_chart`` without the toolbar, enlarged when presenting. An
    :class:`~ui.figures.svg.Svg` figure goes into the page as an image, allowed to grow by
    :data:`SCALE` when presenting."""
    if isinstance(fig, Svg):
        return st.html(fig.img(SCALE if is_on() else 1.0))
    if is_on():
        fig = enlarge(go.Figure(fig))
    return st.plotly_chart(fig, config=PLOT_CONFIG, **kwargs)
