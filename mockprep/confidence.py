"""How far the transcript can be trusted: from Whisper's word probabilities and the recording itself.

Measured on noisy (white, pink, music, whale song, birdsong at 20-0 dB SNR), quiet (-30 dB) and clipped versions
of synthetic and real recordings (issue 14; docs/benchmarks.md): the share of the words' time spent on words
under probability 0.7 separates transcripts with a word error rate above 20 % from the rest (bar chosen on the
tuning recordings, no false alarm on the held-out ones). Word probabilities cannot show words the model dropped,
so the share of the recording's sound far from any word is reported too (not used for the verdict: its bar could
not be set from the tuning recordings).

Doubtful words are those under probability 0.5: on the same recordings 65 % of them were wrong, and they held
53 % of the wrong words. When the transcript as a whole is doubtful, fillers are not counted in the stretches
around its doubtful words (a mumbled word comes back as "uh" or "like" as easily as anything else), and the
rubrics and tips see those words hidden (`words.hide`): nothing is quoted from them, and a check whose verdict
turns on them is left unsure (rubrics.assess_in_doubt). The stretches, not only the doubtful words, because in
the doubtful transcripts of spoilt fixtures (scripts/eval_doubt.py --words) 68 % of the doubtful words were
wrong, 38 % of their neighbours inside the stretches and 14 % of the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mockprep.config import SETTINGS, Settings
from mockprep.levels import frame_db, silence_mask
from mockprep.words import Filler, Word

DOUBT_PROBABILITY = 0.7  # a word under this counts towards the doubt share
DOUBT_SHARE_MAX = 0.35  # above this share of the words' time, the transcript may be wrong in places
DOUBTFUL_WORD_PROBABILITY = 0.5  # words marked as doubtful in the transcript view
WORD_FLOOR_S = 0.1  # Whisper gives some words no duration: each counts at least this long
UNCOVERED_MARGIN_S = 0.3
STRETCH_MARGIN_S = 0.3  # a doubtful stretch reaches this far beyond its doubtful words
QUIET_SPEECH_DB = -45.0  # loud speech (95th percentile of 10 ms levels) below this: a very quiet recording
NOISY_SNR_DB = 5.0  # speech frames over quiet frames (median levels) below this: a noisy recording
CLIPPED_SHARE = 0.01  # share of samples at the recording's peak

DOUBT_NOTE = ("Parts of this transcript may be wrong{cause}: the doubtful words are marked, and the feedback "
              "neither counts fillers in them nor quotes or judges them, so the score counts only what was "
              "heard clearly.")
CAUSES = {"noisy": "the recording is noisy", "quiet": "the recording is very quiet",
          "clipped": "the recording is distorted (too loud)"}


@dataclass(frozen=True)
class Confidence:
    doubt_share: float  # share of the words' time under DOUBT_PROBABILITY (hesitations left out)
    doubtful: bool  # the transcript may be wrong in places (doubt_share over DOUBT_SHARE_MAX)
    doubtful_words: tuple[int, ...]  # indices into the analysis's words, under DOUBTFUL_WORD_PROBABILITY
    uncovered_share: float = 0.0  # share of the recording's sound farther than 0.3 s from every word
    speech_db: float | None = None  # loud speech level (95th percentile of 10 ms levels, dBFS)
    snr_db: float | None = None  # speech frames over quiet frames (medians)
    clipped_share: float = 0.0  # share of samples at the recording's peak

    @property
    def recording_issues(self) -> tuple[str, ...]:
        """"quiet", "noisy", "clipped": about the recording, not a verdict on the transcript by themselves."""
        out = []
        if self.speech_db is not None and self.speech_db < QUIET_SPEECH_DB:
            out.append("quiet")
        if self.snr_db is not None and self.snr_db < NOISY_SNR_DB:
            out.append("noisy")
        if self.clipped_share > CLIPPED_SHARE:
            out.append("clipped")
        return tuple(out)

    def note(self) -> str | None:
        """The plain sentence the feedback shows when the transcript is doubtful."""
        if not self.doubtful:
            return None
        causes = [CAUSES[i] for i in self.recording_issues]
        return DOUBT_NOTE.format(cause=f" ({' and '.join(causes)})" if causes else "")

    def stretches(self, words: tuple[Word, ...] | list[Word]) -> list[tuple[float, float]]:
        """Time spans around the doubtful words (merged where they touch)."""
        out: list[list[float]] = []
        for i in self.doubtful_words:
            if not 0 <= i < len(words):
                continue
            a, b = words[i].start - STRETCH_MARGIN_S, words[i].end + STRETCH_MARGIN_S
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return [(a, b) for a, b in out]

    def doubtful_spans(self, words: tuple[Word, ...] | list[Word]) -> list[tuple[float, float]]:
        """The stretches nothing may be quoted from or judged on: none in a trusted transcript."""
        return self.stretches(words) if self.doubtful else []

    def trusted_fillers(self, fillers: tuple[Filler, ...] | list[Filler],
                        words: tuple[Word, ...] | list[Word]) -> tuple[Filler, ...]:
        """The fillers worth counting: all of them in a trusted transcript; in a doubtful one, those outside
        the doubtful stretches."""
        spans = self.doubtful_spans(words)
        if not spans:
            return tuple(fillers)
        return tuple(f for f in fillers if not any(a <= (f.start + f.end) / 2 <= b for a, b in spans))

    # ------------------------------------------------------------ the JSON contract ("confidence")

    def to_dict(self) -> dict[str, Any]:
        return {"doubt_share": self.doubt_share, "doubtful": self.doubtful, "doubtful_words": list(self.doubtful_words),
                "uncovered_share": self.uncovered_share, "speech_db": self.speech_db, "snr_db": self.snr_db,
                "clipped_share": self.clipped_share}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Confidence:
        share = float(d.get("doubt_share", 0.0))
        return cls(share, bool(d.get("doubtful", share > DOUBT_SHARE_MAX)),
                   tuple(int(i) for i in d.get("doubtful_words") or ()),
                   float(d.get("uncovered_share", 0.0)),
                   None if d.get("speech_db") is None else float(d["speech_db"]),
                   None if d.get("snr_db") is None else float(d["snr_db"]),
                   float(d.get("clipped_share", 0.0)))


def assess(samples: np.ndarray, words: list[Word] | tuple[Word, ...], settings: Settings = SETTINGS,
           db: np.ndarray | None = None) -> Confidence:
    """The confidence of these words as a transcript of these samples (db: their frame levels, if known)."""
    from mockprep.delivery import HESITATION

    db = frame_db(samples, settings) if db is None else db
    silent = silence_mask(db, settings)
    content = [(i, w) for i, w in enumerate(words) if not HESITATION.match(w.norm)]
    if content:
        spans = np.array([max(WORD_FLOOR_S, w.end - w.start) for _, w in content])
        probs = np.array([w.probability for _, w in content])
        doubt = float(spans[probs < DOUBT_PROBABILITY].sum() / spans.sum())
    else:
        doubt = 1.0
    hop = settings.hop_s
    near = np.zeros(len(silent), bool)
    for w in words:
        near[max(0, int((w.start - UNCOVERED_MARGIN_S) / hop)): int((w.end + UNCOVERED_MARGIN_S) / hop) + 1] = True
    sound = ~silent
    uncovered = float((sound & ~near).sum() / max(1, sound.sum()))
    voiced = db[sound] if sound.any() else db
    quiet = db[silent] if silent.any() else db
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    clipped = float(np.mean(np.abs(samples) >= 0.98 * peak)) if peak > 0 else 0.0
    return Confidence(
        doubt_share=round(doubt, 3),
        doubtful=doubt > DOUBT_SHARE_MAX,
        doubtful_words=tuple(i for i, w in content if w.probability < DOUBTFUL_WORD_PROBABILITY),
        uncovered_share=round(uncovered, 3),
        speech_db=round(float(np.percentile(db, 95)), 1) if db.size else None,
        snr_db=round(float(np.median(voiced) - np.median(quiet)), 1) if db.size else None,
        clipped_share=round(clipped, 4),
    )
