"""Where an answer is cut into stretches for the recogniser: one rule, whether it arrives as a file or live.

Whisper reads up to 30 s at a time and needs context, so the audio is cut at pauses into stretches of
`stretch_min_s` or more (at the middle of a pause of `stretch_pause_s`, or once `stretch_trailing_quiet_s`
of quiet has followed), or at the quietest moment when nobody pauses for `max_chunk_s`. What is left at the
end is split once more at its latest short pause, so that live a guess made at that pause can be kept and
only the last phrase needs transcribing after Stop.

Decisions are taken at fixed points of the audio (every `segment_step_s`), never "when a piece arrived",
and each looks only at the audio before its point. A whole file and a live stream of the same recording
are therefore cut at exactly the same samples, however the pieces of the stream arrive, so they get the
same words.
"""

from __future__ import annotations

import numpy as np

from mockprep import levels
from mockprep.config import SETTINGS, Settings


class Segmenter:
    """Cut points for one recording, decided as its samples become known."""

    def __init__(self, settings: Settings = SETTINGS) -> None:
        self.settings = settings
        self.hop = levels.hop(settings)
        self.step = int(settings.segment_step_s * settings.sample_rate)
        self.committed = 0  # stretches cover [0, committed)
        self.stretches: list[tuple[int, int]] = []
        # Split points worth a guess in the audio after `committed`: short pauses with speech before them.
        self.candidates: list[int] = []
        self._db = np.zeros(0)  # level of every complete frame so far (absolute frame index)
        self._decided = 0  # decision points up to this sample have been taken

    @property
    def latest_candidate(self) -> int | None:
        return self.candidates[-1] if self.candidates else None

    def push(self, samples: np.ndarray, n: int | None = None) -> list[tuple[int, int]]:
        """Take every decision point up to n samples (default: all of them); returns the new stretches."""
        n = len(samples) if n is None else n
        new: list[tuple[int, int]] = []
        while self._decided + self.step <= n:
            self._decided += self.step
            new += self._decide(samples, self._decided)
        return new

    def finish(self, samples: np.ndarray, n: int | None = None) -> list[tuple[int, int]]:
        """The last stretches: the rest after the last commit, split at its latest candidate."""
        n = len(samples) if n is None else n
        new = self.push(samples, n)
        c = self.latest_candidate
        if c is not None and self.committed < c < n:
            new.append(self._commit(c))
        if n > self.committed:
            new.append(self._commit(n))
        return new

    def quiet_s(self, samples: np.ndarray) -> float:
        """How long it has been quiet at the end of the samples, judged as the stretch being built judges it.

        Not a decision point: live, this says when a guess is worth starting, and cuts nothing."""
        silent = levels.silence_mask(self._levels(samples, len(samples)), self.settings)
        return levels.trailing(silent) * self.settings.hop_s

    def split(self, samples: np.ndarray) -> list[tuple[int, int]]:
        """All stretches of a whole recording at once."""
        return self.finish(samples)

    # ------------------------------------------------------------ one decision

    def _levels(self, samples: np.ndarray, t: int) -> np.ndarray:
        """Frame levels after `committed` up to t; only frames whose window lies wholly before t."""
        half = int(self.settings.frame_s * self.settings.sample_rate) // 2
        complete = max(0, (t - half) // self.hop + 1)
        if complete > len(self._db):
            self._db = np.concatenate([self._db, levels.frame_db(samples, self.settings, len(self._db), complete)])
        return self._db[self.committed // self.hop: complete]

    def _decide(self, samples: np.ndarray, t: int) -> list[tuple[int, int]]:
        s = self.settings
        region = t - self.committed
        if region < min(s.split_min_s, s.stretch_min_s) * s.sample_rate:
            return []
        db = self._levels(samples, t)
        silent = levels.silence_mask(db, s)
        if region >= s.stretch_min_s * s.sample_rate:
            cut = self._pause_cut(silent, s.stretch_min_s, s.stretch_pause_s, s.stretch_trailing_quiet_s)
            if cut is not None:
                return [self._commit(self._snap(cut, silent))]
            if region >= s.max_chunk_s * s.sample_rate:
                return [self._commit(self._quietest(db))]
        if region >= s.split_min_s * s.sample_rate:
            self._add_candidate(silent)
        return []

    def _pause_cut(self, silent: np.ndarray, min_s: float, pause_s: float, trailing_s: float) -> int | None:
        """Sample index of the middle of the last pause of pause_s after min_s of audio, or a point in a
        trailing quiet of trailing_s (perhaps the answer's end) as far from the last sound as the middle of
        a pause_s pause would be, or None.

        Never near a pause's edges: a cut by the soft start of the next word makes Whisper invent words."""
        hop_s = self.settings.hop_s
        best = None
        for a, b in levels.runs(silent):
            if a < int(min_s / hop_s) or (b - a) * hop_s < pause_s:
                continue
            if b < len(silent):
                best = (a + b) // 2  # a pause with speech after it
            elif (b - a) * hop_s >= trailing_s:
                best = a + int(pause_s / 2 / hop_s)
        return self.committed + best * self.hop if best is not None else None

    def _quietest(self, db: np.ndarray) -> int:
        """No pause for too long: the quietest frame in the last five seconds."""
        lo = max(0, len(db) - int(5 / self.settings.hop_s))
        return self.committed + (lo + int(np.argmin(db[lo:]))) * self.hop

    def _snap(self, cut: int, silent: np.ndarray) -> int:
        """The candidate nearest the cut in the same pause, clear of its edges, if any: live, a guess may
        already have read up to it."""
        frame = (cut - self.committed) // self.hop
        margin = int(self.settings.split_pause_s / 2 / self.settings.hop_s)
        for a, b in levels.runs(silent):
            if a <= frame < b:
                inside = [c for c in self.candidates
                          if a + margin <= (c - self.committed) // self.hop <= b - margin]
                return min(inside, key=lambda c: abs(c - cut)) if inside else cut
        return cut

    def _add_candidate(self, silent: np.ndarray) -> None:
        s = self.settings
        c = self._pause_cut(silent, s.split_min_s, s.split_pause_s, s.split_pause_s)
        if c is None or c <= (self.latest_candidate or self.committed):
            return
        since = ((self.latest_candidate or self.committed) - self.committed) // self.hop
        heard_s = float((~silent[since: (c - self.committed) // self.hop]).sum()) * s.hop_s
        if heard_s >= 0.1:  # new words since the previous split point
            self.candidates.append(c)

    def _commit(self, end: int) -> tuple[int, int]:
        stretch = (self.committed, end)
        self.stretches.append(stretch)
        self.committed = end
        self.candidates = []
        return stretch
