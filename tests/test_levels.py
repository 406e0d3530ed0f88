"""Levels: the loudness envelope the shape of the answer is drawn from, on samples of known level."""

from __future__ import annotations

import numpy as np

from mockprep import levels
from mockprep.config import SETTINGS

RATE = SETTINGS.sample_rate


def test_the_envelope_is_the_rms_of_each_tenth_of_a_second() -> None:
    t = np.arange(int(1.25 * RATE)) / RATE
    x = np.where(t < 0.5, 0.5 * np.sin(2 * np.pi * 200 * t), 0.0).astype(np.float32)  # -9 dB, then silence
    x[-800:] = 0.05  # the short last block: 50 ms at -26 dB
    e = levels.envelope(x)
    assert e.step_s == 0.1 and len(e.db) == 13 and round(e.duration_s, 6) == 1.3
    assert e.db[:5] == (-9,) * 5
    assert e.db[5:12] == (-90,) * 7  # digital silence sits at the floor
    assert e.db[12] == -26  # measured over the samples it has, not padded with silence


def test_the_envelope_of_nothing_is_empty() -> None:
    assert levels.envelope(np.zeros(0, np.float32)).db == ()
