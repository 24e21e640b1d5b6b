"""Small working copies of a page are made once per picture and size, shared read-only, and go with the picture."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from PIL import Image

from attest.ocr import workcopy
from attest.ocr.workcopy import work_copy


def _page(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (1400, 1000, 3), dtype=np.uint8))


def test_one_copy_per_picture_and_side_equal_to_a_fresh_resize() -> None:
    page = _page(1)
    small = work_copy(page, 700)
    assert work_copy(page, 700) is small  # the second stage gets the first one's copy
    assert small.shape == (700, 500, 3)
    assert np.array_equal(small, np.asarray(page.resize((500, 700))))  # what each stage computed on its own
    with pytest.raises(ValueError):
        small[0, 0, 0] = 1  # read-only: no stage changes what another sees
    assert work_copy(page, 2000).shape == (1400, 1000, 3)  # never scaled up
    assert not np.array_equal(work_copy(_page(2), 700), small)  # another picture, its own copy


def test_a_pictures_copies_go_with_it() -> None:
    page = _page(3)
    work_copy(page, 500)
    key = id(page)
    assert key in workcopy._COPIES
    del page
    gc.collect()
    assert key not in workcopy._COPIES
