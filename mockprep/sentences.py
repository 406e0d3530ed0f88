"""An answer as sentences: Whisper's punctuation, the speaker's pauses, and run-ons cut where they paused."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockprep.config import SETTINGS, Settings
from mockprep.words import Evidence, Word, quote


@dataclass(frozen=True)
class Sentence:
    text: str
    start: float
    end: float
    label: str  # the rubric's part ("situation", "present", ...) or "other"
    words: tuple[Word, ...] = ()

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def evidence(self) -> Evidence:
        return Evidence(quote(self.words) if self.words else self.text, self.start, self.end)


SENTENCE_END = (".", "?", "!")
# A pause before these words is a comma inside one sentence, not the start of the next.
CONTINUES = {"and", "but", "so", "or", "then", "because", "which", "that", "who", "when", "while", "until", "since",
             "as", "if", "to", "of", "for", "with", "where", "whether", "than", "and,", "um", "uh"}


def split_sentences(words: list[Word], settings: Settings = SETTINGS,
                    gaps: tuple[float, ...] | None = None) -> list[list[Word]]:
    """Sentences from Whisper's punctuation and long pauses; run-ons are cut where the speaker paused.

    gaps[i] is the silence (s) heard between words[i] and words[i + 1], when the audio is known.
    """
    out: list[list[Word]] = []
    cur: list[Word] = []
    start = 0
    for i, w in enumerate(words):
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        ends = w.text.endswith(SENTENCE_END) and not re.fullmatch(r"\$?\d+\.", w.text)
        paused = (nxt is not None and nxt.start - w.end >= settings.sentence_split_pause_s and len(cur) >= 4
                  and w.norm not in CONTINUES and nxt.norm not in CONTINUES)
        if ends or paused or nxt is None:
            local = gaps[start: start + len(cur) - 1] if gaps else None
            out.extend(_cut_run_on(cur, settings, local))
            cur, start = [], i + 1
    return [s for s in out if s]


def _cut_run_on(ws: list[Word], settings: Settings, gaps: tuple[float, ...] | None) -> list[list[Word]]:
    n = len(ws)
    if n < settings.run_on_words:
        return [ws]
    # Where Whisper left out the full stop, the speaker still paused: cut at the longest clear pause.
    if gaps:
        cand = [i for i in range(5, n - 4) if gaps[i - 1] >= settings.run_on_pause_s
                and ws[i].norm not in CONTINUES and ws[i - 1].norm not in CONTINUES
                and not ws[i - 1].text.endswith(",")]
        if cand:
            i = max(cand, key=lambda k: gaps[k - 1])
            return (_cut_run_on(ws[:i], settings, gaps[: i - 1]) + _cut_run_on(ws[i:], settings, gaps[i:]))
    if n <= settings.max_sentence_words:
        return [ws]
    # No audio to go by: cut before "and"/"so"/"but"/"then" after a comma, as near the middle as possible.
    mid = n / 2
    cuts = [i for i in range(3, n - 3)
            if ws[i - 1].text.endswith(",") and ws[i].norm in {"and", "so", "but", "then", "which"}]
    if not cuts:
        cuts = [i for i in range(3, n - 3) if ws[i - 1].text.endswith((",", ";"))]
    if not cuts:
        return [ws]
    i = min(cuts, key=lambda c: abs(c - mid))
    return _cut_run_on(ws[:i], settings, None) + _cut_run_on(ws[i:], settings, None)


def sentence_text(ws: list[Word] | tuple[Word, ...]) -> str:
    return " ".join(w.text for w in ws).strip()
