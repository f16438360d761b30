"""One image as numbers (Learn's first section): plain NumPy, checked by hand."""

from __future__ import annotations

import numpy as np

from ui.learn import pixels


def test_image_as_numbers_recovers_bytes_and_one_hot():
    raw = np.arange(784) % 256
    numbers = pixels.image_as_numbers(raw.astype(np.float32) / 255, 3)
    assert numbers.raw.dtype == np.uint8 and numbers.raw.shape == (28, 28)
    assert np.array_equal(numbers.raw.reshape(-1), raw)
    np.testing.assert_allclose(numbers.scaled.reshape(-1), raw / 255, rtol=1e-6)
    assert numbers.flat.shape == (784,)
    assert numbers.one_hot.tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]


def test_busy_patch_holds_blank_ink_and_the_greys_between():
    raw = np.zeros((28, 28), np.uint8)
    raw[10:18, 12:14] = 255  # a stroke ...
    raw[10:18, 14] = 120  # ... with a grey edge
    top, left = pixels.busy_patch(raw, 8)
    window = raw[top : top + 8, left : left + 8]
    assert (window == 120).sum() == 8  # the whole grey edge is in view
    assert (window == 0).any() and (window == 255).any()
