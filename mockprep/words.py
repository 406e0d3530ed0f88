"""The small types the core passes around: words with times, spans of time, fillers."""

from __future__ import annotations

from dataclasses import dataclass

PUNCTUATION = ".,!?;:\"()[]…-—"
HIDDEN = "…"  # stands in for a word that may be misheard: never quoted, never matched by a rule


@dataclass(frozen=True)
class Word:
    text: str  # as Whisper wrote it, with punctuation ("team.")
    start: float
    end: float
    probability: float

    @property
    def norm(self) -> str:
        """Lower-case, without surrounding punctuation: what rules match against."""
        return self.text.strip().strip(PUNCTUATION).lower()


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Filler:
    word: str
    start: float
    end: float
    kind: str  # "hesitation" (um, uh) or "discourse" (like, you know)
    heard: bool = False  # found in the audio, where the transcript left it out


@dataclass(frozen=True)
class Evidence:
    """What was said and when: every tip and failed check points at one."""

    quote: str
    start: float
    end: float

    @property
    def said(self) -> bool:
        """The quote holds enough words heard with confidence for the speaker to recognise it: all of a short
        quote, else at least three (hidden words show as HIDDEN)."""
        toks = self.quote.split()
        heard = sum(1 for t in toks if t.strip(PUNCTUATION))
        return heard > 0 and heard >= min(3, len(toks))


def hide(words: list[Word] | tuple[Word, ...], spans: list[tuple[float, float]]) -> list[Word]:
    """The words with those whose middle falls in a span replaced by HIDDEN (same times), so no rule can match
    them and no quote can show them."""
    return [Word(HIDDEN, w.start, w.end, w.probability) if any(a <= (w.start + w.end) / 2 <= b for a, b in spans)
            else w for w in words]


def quote(words: tuple[Word, ...] | list[Word], max_words: int = 14) -> str:
    """The words as said, cut after max_words with an ellipsis; a run of hidden words shows as one."""
    toks = " ".join(w.text for w in words).split()
    parts = [p for i, p in enumerate(toks) if not (p == HIDDEN and i and toks[i - 1] == HIDDEN)]
    return " ".join(parts) if len(parts) <= max_words else " ".join(parts[:max_words]) + "…"


def clock(t: float) -> str:
    """0:42 - how every time is shown to the user."""
    t = max(0.0, t)
    return f"{int(t // 60)}:{int(t % 60):02d}"
