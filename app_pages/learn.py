"""Learn (home page): the ideas behind the network, each with its formula and a figure.

Read top to bottom, it follows one image through the network: pixels become numbers,
layers multiply and bend them, softmax turns scores into probabilities, the loss grades
them, and backpropagation tells every weight how to change. The sections live in
:mod:`ui.learn.sections`; the first screen is pictures, and the interactive charts load
only when one of the four later sections is opened.
"""

import streamlit as st

from ui import models
from ui.active import active_dataset, title
from ui.figures import presentation
from ui.learn import sections
from ui.learn.words import lesson_words, network_shown

active = active_dataset()
ds = active.dataset
network = network_shown(models.model_in_use(ds.name))
words = lesson_words(ds.name)

st.title("How a neural network learns to read")
presentation.explain(
    "A neural network is a stack of simple steps: multiply by weights, add a bias, bend. "
    f"Below, each step gets a formula and a figure, in the order an image of "
    f"**{title(ds.name)}** travels through the network. {words.next_steps}"
)
sections.lesson_links(words)
sections.pixels_to_numbers(ds, words.noun)
sections.forward_propagation(network, ds.class_names)
sections.later_sections(network, ds.class_names)

st.divider()
st.subheader("Where next?")
sections.lesson_links(words)
