"""The small types the core passes around: words with times, spans of time, fillers."""

from __future__ import annotations

from dataclasses import dataclass

PUNCTUATION = ".,!?;:\"()[]…-—"


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


def quote(words: tuple[Word, ...] | list[Word], max_words: int = 14) -> str:
    """The words as said, cut after max_words with an ellipsis."""
    parts = " ".join(w.text for w in words).split()
    return " ".join(parts) if len(parts) <= max_words else " ".join(parts[:max_words]) + "…"


def clock(t: float) -> str:
    """0:42 - how every time is shown to the user."""
    t = max(0.0, t)
    return f"{int(t // 60)}:{int(t % 60):02d}"
