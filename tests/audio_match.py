"""How much of what was played into a microphone a recording holds, measured on the audio itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
RATE = 16000
MIC_RATE = 48000  # the WAV Chromium's fake device plays, and the PulseAudio sink's rate


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    import soxr

    return soxr.resample(x.astype(np.float32), sr_in, sr_out, quality="VHQ")


def speech(seconds: float | None = None, fid: str = "strong_47s") -> tuple[np.ndarray, int]:
    x, sr = sf.read(FIXTURES / f"{fid}.flac", dtype="float32")
    if seconds is not None:
        x = x[: int(seconds * sr)]
    return x, sr


def write_mic(path: Path, x: np.ndarray, sr: int, lead_s: float = 1.0, tail_s: float = 0.0) -> Path:
    """The microphone's sound as a 16-bit mono WAV at MIC_RATE, with silence before and after."""
    y = resample(x, sr, MIC_RATE) if sr != MIC_RATE else x
    y = np.concatenate([np.zeros(int(lead_s * MIC_RATE), np.float32), y, np.zeros(int(tail_s * MIC_RATE), np.float32)])
    sf.write(path, y, MIC_RATE, subtype="PCM_16")
    return path


@dataclass
class Kept:
    played_s: float  # the speech played into the microphone
    kept_s: float    # of it, what the server holds as real audio
    lost_s: float    # missing without a trace: the recording between two landmarks came out shorter
    gap_s: float     # reported missing: silence the page asked the server to fill in
    extra_s: float   # the recording between two landmarks came out longer (inserted samples)
    corr: float      # median correlation of 1 s windows of the recording with what was played
    lags: list[int]  # where each landmark was found, relative to where it should be (16 kHz samples)
    start: int       # where the speech starts in the recording

    @property
    def ratio(self) -> float:
        return self.kept_s / self.played_s


def kept(rec: np.ndarray, reported_gaps: list[tuple[int, int]], src: np.ndarray, sr: int,
         ended: bool = False) -> Kept:
    """How much of the speech `src` the server holds, measured on the audio itself. Each second of speech
    is a landmark, tracked through the recording from the one before: a lost sample pulls the later
    landmarks earlier, an inserted one pushes them later. A gap the page reported is silence the server
    filled in; when the landmarks do not move across it, it stands for audio that really was missing.

    ended: the recording was stopped before the speech was over (a time limit): what was played after its
    end is not counted as played."""
    from scipy.signal import correlate, fftconvolve

    ref = resample(src, sr, RATE)

    def find(w: int, centre: int, search: int) -> tuple[int | None, float]:
        r = ref[w: w + RATE]
        lo = max(0, centre - search)
        seg = rec[lo: centre + RATE + search]
        if len(seg) < RATE:
            return None, 0.0
        cc = correlate(seg, r, mode="valid", method="fft")
        # Normalised by each window's energy: a loud stretch elsewhere must not outscore the right one. The
        # floor keeps near-silent windows (where the FFT's rounding is all there is) out of the running.
        energy = np.sqrt(np.maximum(fftconvolve(seg.astype(np.float64) ** 2, np.ones(len(r)), mode="valid"), 0))
        i = int(np.argmax(cc / np.maximum(energy, 1e-2 * energy.max() + 1e-12)))
        return lo + i - w, float(np.corrcoef(seg[i: i + RATE], r)[0, 1])

    loud = [w for w in range(0, len(ref) - RATE + 1, RATE) if np.sqrt(np.mean(ref[w: w + RATE] ** 2)) > 0.01]
    first, _ = find(loud[0], len(rec) // 2, len(rec))  # anywhere in the recording
    lags, rs, truncated, prev = [], [], 0, first
    played = len(ref)
    for w in loud:
        if prev + w + RATE > len(rec):
            if ended:
                played = min(played, w)
                break
            truncated += RATE  # the recording ends before this landmark
            continue
        lag, r = find(w, prev + w, RATE // 4)
        if r < 0.6:
            lag, r = find(w, prev + w, 8 * RATE)
        if lag is not None and r >= 0.6:
            lags.append(lag)
            rs.append(r)
            prev = lag
    start = lags[0] if lags else first
    steps = np.diff(lags) if len(lags) > 1 else np.zeros(0)
    lost = float(-steps[steps < 0].sum()) + truncated
    extra = float(steps[steps > 0].sum())
    end = start + played
    gaps = sum(max(0, min(o + n, end) - max(o, start)) for o, n in reported_gaps)
    missing = lost + max(0.0, gaps - extra)
    return Kept(played / RATE, (played - missing) / RATE, lost / RATE, gaps / RATE, extra / RATE,
                float(np.median(rs)) if rs else 0.0, [x - start for x in lags], start)
