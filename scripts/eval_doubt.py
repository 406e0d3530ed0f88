"""What a doubtful transcript changes in the feedback: spoken fixtures spoiled with numpy (white noise, far too
quiet, clipped), each through the real recogniser and the whole analysis.

    python scripts/eval_doubt.py            # slow: one analysis per fixture and spoiling
    python scripts/eval_doubt.py --words    # how often the words of each kind are wrong, against the script

For each, the transcript's doubt and how many words fall in its doubtful stretches, and the same transcript's
feedback judged two ways: on every word (as before issue 14's item 4) and on the words heard with confidence
(rubrics.assess_in_doubt, what the analysis does now): the score, the checks left unsure, and how many tips (of
all the gaps) quote a word from a doubtful stretch. With --words: in the doubtful transcripts, the share of
wrong words among the doubtful words, their neighbours inside the stretches, and the rest (a word is right when
it lies in a run matching the fixture's script; difflib over lower-case words without punctuation).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockprep import audio, feedback, rubrics  # noqa: E402
from mockprep.analysis import Analysis, analyze_audio  # noqa: E402
from mockprep.assessment import RUBRIC_OF, QuestionType  # noqa: E402
from mockprep.sentences import split_sentences  # noqa: E402
from mockprep.words import Word  # noqa: E402

SR = 16000
FIXTURES = (("audio/strong_47s", QuestionType.STORY), ("rubric_audio/motivation_good_role", QuestionType.MOTIVATION),
            ("rubric_audio/weakness_good_feedback", QuestionType.STRENGTH_WEAKNESS))


def spoilt(x: np.ndarray) -> dict[str, np.ndarray]:
    """The spoilings of tests/test_confidence.py, and a milder noise."""
    power = float(np.mean(x[np.abs(x) > 0.01] ** 2))
    rng = np.random.default_rng(0)
    hiss = np.random.default_rng(2).normal(0, 10 ** (-75 / 20), x.size)
    return {
        "clean": x,
        "white 10 dB": x + rng.normal(0, np.sqrt(power / 10), x.size),
        "white 5 dB": x + rng.normal(0, np.sqrt(power / 10 ** 0.5), x.size),
        "quiet -44 dB": np.round((x * 10 ** (-44 / 20) + hiss) * 32767) / 32767,
        "clipped x1000": np.clip(x * 1000, -1, 1),
    }


def in_doubt(w: Word, spans: list[tuple[float, float]]) -> bool:
    return any(a <= (w.start + w.end) / 2 <= b for a, b in spans)


def quoting_doubt(tips: list[feedback.Tip], words: tuple[Word, ...], spans: list[tuple[float, float]]) -> int:
    """Tips whose quote holds a word that lies in a doubtful stretch (matched by time and text)."""
    n = 0
    for t in tips:
        near = [w for w in words if t.evidence.start - 1e-6 <= w.start <= t.evidence.end + 1e-6]
        heard = {w.text for w in near if not in_doubt(w, spans)}
        doubtful = {w.text for w in near if in_doubt(w, spans)} - heard
        n += bool(set(t.evidence.quote.rstrip("…").split()) & doubtful)
    return n


def judged_on_every_word(a: Analysis) -> tuple[int | None, list[feedback.Tip]]:
    assert a.delivery is not None
    chunks = split_sentences(list(a.words), gaps=a.delivery.boundary_gaps)
    x = rubrics.assess(RUBRIC_OF[a.question_type], chunks, a.duration_s, a.limit_s, question=a.question)
    return x.score, feedback.gaps(x, a.delivery, list(a.words), a.duration_s, a.limit_s)


def bare(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "'")


def word_kinds(a: Analysis, script: str, tally: dict[str, list[int]]) -> None:
    """Add each word of a doubtful transcript to its kind's [wrong, all] count."""
    assert a.confidence is not None
    spans = a.confidence.stretches(a.words)
    hyp = [bare(w.text) for w in a.words]
    ref = [bare(t) for t in script.split()]
    right = [False] * len(hyp)
    for blk in difflib.SequenceMatcher(None, hyp, ref, autojunk=False).get_matching_blocks():
        for i in range(blk.a, blk.a + blk.size):
            right[i] = True
    doubtful = set(a.confidence.doubtful_words)
    for i, w in enumerate(a.words):
        kind = "doubtful" if i in doubtful else "neighbour" if in_doubt(w, spans) else "rest"
        tally[kind][0] += not right[i]
        tally[kind][1] += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", action="store_true", help="error rate of doubtful words, neighbours and the rest")
    args = ap.parse_args()
    if args.words:
        import json

        tally: dict[str, list[int]] = {"doubtful": [0, 0], "neighbour": [0, 0], "rest": [0, 0]}
        for name, qtype in FIXTURES:
            truth = json.loads((ROOT / "tests" / "fixtures" / f"{name}.json").read_text())
            script = " ".join(s["text"] for s in truth["sentences"])
            x = audio.load(ROOT / "tests" / "fixtures" / f"{name}.flac").samples
            for how, y in spoilt(x).items():
                a = analyze_audio(audio.from_array(y.astype(np.float32), SR, SR), "Q?", question_type=qtype)
                if a.ok and a.confidence is not None and a.confidence.doubtful:
                    word_kinds(a, script, tally)
                    print(f"{name.split('/')[1]:<24} {how:<14} " + "  ".join(
                        f"{k} {w}/{n}" for k, (w, n) in tally.items()))
        for k, (w, n) in tally.items():
            print(f"{k:<10} wrong {w}/{n} = {w / max(1, n):.0%}")
        return 0
    print(f"{'fixture':<24} {'spoilt':<14} {'doubt':>5} {'hidden':>8}  score before/after  unsure  "
          "tips quoting doubt before/after  tips before/after")
    for name, qtype in FIXTURES:
        x = audio.load(ROOT / "tests" / "fixtures" / f"{name}.flac").samples
        for how, y in spoilt(x).items():
            a = analyze_audio(audio.from_array(y.astype(np.float32), SR, SR), "Q?", question_type=qtype)
            if not a.ok or a.confidence is None or a.assessment is None:
                print(f"{name.split('/')[1]:<24} {how:<14} {a.status}")
                continue
            spans = a.confidence.doubtful_spans(a.words)
            hidden = sum(in_doubt(w, spans) for w in a.words)
            before, old_tips = judged_on_every_word(a)
            unsure = [c.value for c, chk in a.assessment.checks.items() if chk.unsure]
            print(f"{name.split('/')[1]:<24} {how:<14} {a.confidence.doubt_share:>5.2f} {hidden:>3}/{len(a.words):<4}"
                  f"  {before!s:>6} / {a.score!s:<10} {len(unsure):>3}     "
                  f"{quoting_doubt(old_tips, a.words, spans):>3} / {quoting_doubt(list(a.gaps), a.words, spans):<24}"
                  f"{len(old_tips):>3} / {len(a.gaps)}   {' '.join(unsure)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
