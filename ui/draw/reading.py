"""Reading one drawing, as plain functions (no Streamlit, unit-testable).

A drawing goes through MNIST's own preprocessing (cut to the ink, scaled to a 20-pixel
box, centred by mass in 28 x 28); the chosen network then gives its ten probabilities
and a saliency map, which pixels swayed it. A test can run all of it without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nn_core.data import DATASETS
from nn_core.preprocess import PreprocessSteps, canvas_to_mnist_steps
from ui.active import dataset_info
from ui.models import BUNDLED_DATASET
from ui.state import CONFIDENCE_DEFAULT

DIGITS = DATASETS[BUNDLED_DATASET].class_names


@dataclass(frozen=True)
class Reading:
    """What the network makes of one drawing.

    steps:    the preprocessing, step by step (``steps.centred`` is the network's input)
    probs:    (10,) float, the probability of each class
    saliency: (28, 28) float32, d log P[predicted] / d pixel: positive where more ink
              would make the network surer of its answer
    """

    steps: PreprocessSteps
    probs: np.ndarray
    saliency: np.ndarray
    class_names: tuple[str, ...]
    threshold: float = CONFIDENCE_DEFAULT  # below this top probability: "not sure"

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probs))

    @property
    def confidence(self) -> float:
        return float(self.probs[self.predicted])

    @property
    def label(self) -> str:
        return self.class_names[self.predicted]

    @property
    def not_sure(self) -> bool:
        return self.confidence < self.threshold

    @property
    def runner_up(self) -> int:
        """The second most probable class: what the network hesitates with."""
        return int(np.argsort(self.probs)[-2])


def read_drawing(
    model,
    image: np.ndarray | None,
    class_names: Sequence[str],
    threshold: float = CONFIDENCE_DEFAULT,
) -> Reading | None:
    """Preprocess a canvas image like MNIST, then predict and explain; None if it is empty.

    image: (h, w, 4) RGBA uint8 from the canvas (white ink on black), or None.
    threshold: the "not sure" threshold in force (the Evaluate page's).
    """
    if image is None:
        return None
    steps = canvas_to_mnist_steps(image)
    if steps is None:
        return None
    x = steps.centred.reshape(1, 784)  # (1, 784)
    # The bundled model is one object that every browser tab reads at the same instant:
    # no lock, because a read writes nothing into it (nn_core.layers says how).
    probs = model.predict_proba(x)[0]  # (10,)
    predicted = int(np.argmax(probs))
    saliency = model.input_gradient(x, classes=predicted)[0].reshape(28, 28)  # (28, 28)
    saliency = saliency.astype(np.float32, copy=False)
    return Reading(steps, probs, saliency, tuple(class_names), float(threshold))


def not_sure_message(reading: Reading) -> str:
    """What to say when the network hesitates: its two candidates, and what helps.

    Not "draw it bigger": the drawing is cut to its ink and enlarged to MNIST's 20-pixel
    box anyway, so size and position change nothing. What does change the answer is
    what the network saw in training: one clear character per image.
    """
    first, second = reading.predicted, reading.runner_up
    names, p = reading.class_names, reading.probs
    head = (
        f"Not sure: maybe **{names[first]}** ({p[first]:.0%}), maybe **{names[second]}** "
        f"({p[second]:.0%}). "
    )
    if tuple(names) == DIGITS:
        return head + (
            "Size and place do not matter (the drawing is enlarged and centred first); what "
            "helps is a single digit drawn with clear, connected strokes. Scribbles and two "
            "digits side by side are a known weak spot of any MNIST model: it has only "
            "ever seen one digit per image."
        )
    if tuple(names) != DATASETS["fashion-mnist"].class_names:  # a collection drawn here
        return head + (
            "It learned from the drawings of its collection only: a drawing like those, "
            "one clear shape in the middle, is its best chance. More examples of both "
            "classes (Draw, *Collect*) teach it the difference."
        )
    return head + (
        "This model learned from photos of clothes, not drawings: a single item, drawn as "
        "a filled outline, is its best chance. A line drawing is a known weak spot."
    )


def noun(dataset: str) -> str:
    """What one drawing should show for a network trained on ``dataset``: "digit" or
    "piece of clothing". The Learn page's word, so the two pages never disagree."""
    return dataset_info(dataset).noun


def threshold_sentence(threshold: float) -> str:
    """Which "not sure" threshold is in force, and where it is set."""
    return (
        f"The network says “not sure” when its top probability is below **{threshold:.0%}**: "
        "the threshold set on the Evaluate page."
    )
