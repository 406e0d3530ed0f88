"""Loudness in 10 ms frames and the silences in it: the one place audio levels are measured.

Frame k is centred on sample k * hop (25 ms window), so the frames of a stretch that starts on a hop
boundary are the same frames as the whole recording's at those times. Streaming relies on that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockprep.config import SETTINGS, Settings


def hop(settings: Settings = SETTINGS) -> int:
    """Samples per 10 ms frame step."""
    return int(settings.hop_s * settings.sample_rate)


def frame_db(samples: np.ndarray, settings: Settings = SETTINGS, start: int = 0, stop: int | None = None) -> np.ndarray:
    """RMS level in dBFS of frames [start, stop) (all frames by default: 1 + len // hop of them).

    Outside the samples the window reads zeros, as if the recording were padded with silence.
    """
    h = hop(settings)
    half = int(settings.frame_s * settings.sample_rate) // 2
    stop = 1 + len(samples) // h if stop is None else stop
    if stop <= start:
        return np.zeros(0)
    lo, hi = start * h - half, (stop - 1) * h + half
    piece = samples[max(0, lo): max(0, min(hi, len(samples)))].astype(np.float32, copy=False)
    padded = np.pad(piece, (max(0, -lo), max(0, hi - max(lo, 0) - len(piece))))
    frames = np.lib.stride_tricks.sliding_window_view(padded, 2 * half)[::h][: stop - start]
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-6))


@dataclass(frozen=True)
class Envelope:
    """The recording's loudness at a coarse step: what the shape of the answer is drawn from."""

    step_s: float
    db: tuple[int, ...]  # level of each step in whole dBFS, from time 0

    @property
    def duration_s(self) -> float:
        return len(self.db) * self.step_s


def envelope(samples: np.ndarray, settings: Settings = SETTINGS) -> Envelope:
    """RMS level of each settings.envelope_step_s block of the samples, from time 0 (the last block may be short).

    Blocks side by side rather than frame_db's overlapping windows: a tenth of the cost, and as fine as a
    drawing needs. Whole dB with a floor of -90 keep it small to store; the same samples give the same
    numbers, so a streamed answer and the whole file agree."""
    step = max(1, round(settings.envelope_step_s * settings.sample_rate))
    x = np.asarray(samples, np.float32)
    full = len(x) // step
    power = np.mean(np.square(x[: full * step].reshape(full, step), dtype=np.float64), axis=1)
    if len(x) > full * step:
        power = np.append(power, np.mean(np.square(x[full * step:], dtype=np.float64)))
    db = 10 * np.log10(np.maximum(power, 1e-9))
    return Envelope(round(step / settings.sample_rate, 4), tuple(int(v) for v in np.round(db)))


def silence_mask(db: np.ndarray, settings: Settings = SETTINGS) -> np.ndarray:
    """True where a frame is silence, judged against these frames' own noise floor and speech level."""
    if db.size == 0:
        return np.zeros(0, bool)
    if np.ptp(db) <= 6:  # no dynamic range at all: steady noise or digital silence, nothing to split
        return np.ones_like(db, bool)
    floor = float(np.percentile(db, 10))
    loud = float(np.percentile(db, 95))
    threshold = max(floor + settings.silence_above_floor_db, loud - settings.silence_below_peak_db)
    threshold = min(threshold, loud - 6.0)  # a recording with little dynamic range still has speech
    silent = db < threshold
    # Clicks, breaths and lip noise inside a pause are not speech: fill short sound bursts.
    min_burst = round(settings.min_burst_s / settings.hop_s)
    for a, b in runs(~silent):
        if b - a < min_burst and a > 0 and b < len(silent):
            silent[a:b] = True
    return silent


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs."""
    if mask.size == 0:
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def trailing(mask: np.ndarray) -> int:
    """How many True values end the mask."""
    false = np.flatnonzero(~mask)
    return len(mask) - (int(false[-1]) + 1 if false.size else 0)
