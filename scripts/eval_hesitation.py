"""Measure the acoustic finder of hesitations Whisper dropped, on every fixture and the shared real speech.

    python scripts/eval_hesitation.py [--only ID ...] [--no-cache] [--verbose] [--stress]

For each recording the real transcription runs once (cached in /tmp, keyed by the audio and transcribe.py), then
`delivery.detect_fillers` (lexical, "before") and `hesitation.dropped_hesitations` (added, "after").
Fillers are matched to the truth as in scripts/eval_fixtures.py: within 0.4 s, one-to-one, in time order.
The shared clips (real speech) have no hesitations in their transcripts, so anything found there is false.

Answers without transcribed hesitations give the finder nothing to match against, so they pass easily.
--stress also runs every recording with no true filler appended to each hesitant fixture (same voice for
the fixtures): the finder then has plenty of examples, and anything it adds in the fluent part is false.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
SHARED = ROOT.parent / "shared" / "data"
SHARED_SPEECH = ("jfk.flac", "libri_198-209-0000.ogg", "libri_3436-172162-0000.ogg", "libri_5703-47212-0000.ogg")
CACHE = Path("/tmp/mockprep_hesitation_cache")  # keyed by a hash of the audio and of transcribe.py
STRESS_PREFIXES = ("fillers_mistake", "fillers_deadline")
JOIN_S = 0.6  # silence between the hesitant answer and the fluent one in --stress

from eval_fixtures import match, near  # noqa: E402

from mockprep import audio, delivery, levels, transcribe  # noqa: E402
from mockprep.config import SETTINGS  # noqa: E402
from mockprep.hesitation import dropped_hesitations  # noqa: E402
from mockprep.words import Filler, Word  # noqa: E402


def recordings(only: list[str] | None) -> list[tuple[str, Path, list[dict]]]:
    """(id, path, true fillers) for every fixture and shared speech clip, or just those named."""
    out = [(p.stem, p.with_suffix(".flac"), json.loads(p.read_text())["fillers"])
           for p in sorted(FIXTURES.glob("*.json"))]
    out += [(Path(n).stem, SHARED / n, []) for n in SHARED_SPEECH if (SHARED / n).exists()]
    return [r for r in out if not only or r[0] in only]


def cached_words(path: Path, samples: np.ndarray, use_cache: bool) -> list[Word]:
    """Whisper words for this audio, from /tmp when neither the audio nor the transcription code has changed."""
    code = (ROOT / "mockprep" / "transcribe.py").read_bytes() + repr(
        (SETTINGS.model, SETTINGS.compute_type, SETTINGS.beam_size, SETTINGS.filler_prompt)).encode()
    digest = hashlib.sha1(samples.tobytes() + code).hexdigest()[:16]
    key = CACHE / f"{path.stem}-{digest}.json"
    if use_cache and key.exists():
        return [Word(**w) for w in json.loads(key.read_text())]
    words = transcribe.transcribe(samples)
    CACHE.mkdir(exist_ok=True)
    key.write_text(json.dumps([asdict(w) for w in words]))
    return words


def as_dicts(fillers: list[Filler]) -> list[dict]:
    return [{"word": f.word, "start": f.start, "end": f.end} for f in fillers]


def evaluate(fid: str, path: Path, true: list[dict], use_cache: bool) -> dict:
    samples = audio.load(path).samples
    return evaluate_words(fid, samples, cached_words(path, samples, use_cache), true)


def stressed(fid: str, path: Path, prefix: tuple[str, Path, list[dict]], use_cache: bool) -> dict:
    """The fluent recording appended to a hesitant one; only what is added after the join counts."""
    head = audio.load(prefix[1]).samples
    tail = audio.load(path).samples
    offset = (len(head) + int(JOIN_S * SETTINGS.sample_rate)) / SETTINGS.sample_rate
    samples = np.concatenate([head, np.zeros(int(JOIN_S * SETTINGS.sample_rate), np.float32), tail])
    words = cached_words(prefix[1], head, use_cache) + [
        Word(w.text, w.start + offset, w.end + offset, w.probability) for w in cached_words(path, tail, use_cache)]
    row = evaluate_words(f"{prefix[0]}+{fid}", samples, words, prefix[2])
    row["added_false"] = [a for a in row["added_false"] if a[0] >= offset]
    return row


def evaluate_words(fid: str, samples: np.ndarray, words: list[Word], true: list[dict]) -> dict:
    silent = levels.silence_mask(levels.frame_db(samples))
    lexical = delivery.detect_fillers(words)
    t0 = time.perf_counter()
    added = dropped_hesitations(samples, words, silent, lexical)
    took = time.perf_counter() - t0
    combined = sorted(lexical + added, key=lambda f: f.start)
    return {
        "id": fid,
        "duration_s": round(len(samples) / SETTINGS.sample_rate, 1),
        "before": match(true, as_dicts(lexical)),
        "after": match(true, as_dicts(combined)),
        "added": [(round(f.start, 2), round(f.end, 2)) for f in added],
        "added_false": [(round(f.start, 2), round(f.end, 2)) for f in added
                        if not any(near(t["start"], t["end"], f.start, f.end) for t in true)],
        "missed_after": [(t["word"], round(t["start"], 2)) for t in true
                         if not any(near(t["start"], t["end"], f.start, f.end) for f in combined)],
        "seconds": round(took, 3),
    }


def totals(rows: list[dict], key: str) -> dict:
    hit, miss, false = (sum(r[key][i] for r in rows) for i in range(3))
    recall = round(hit / (hit + miss), 3) if hit + miss else None
    return {"found": hit, "missed": miss, "false": false, "recall": recall}


def warm_up() -> None:
    """Import librosa and compile its kernels once, so the timings are per answer, not per process."""
    noise = np.random.default_rng(0).normal(0, 0.1, SETTINGS.sample_rate * 2).astype(np.float32)
    audio.librosa().feature.mfcc(y=noise, sr=SETTINGS.sample_rate, n_mfcc=13, n_fft=512, hop_length=160, n_mels=40)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="also list the added and still-missed fillers")
    ap.add_argument("--stress", action="store_true", help="also append each fluent recording to a hesitant one")
    args = ap.parse_args()
    cache = not args.no_cache
    t0 = time.perf_counter()
    warm_up()
    print(f"first call in a process (librosa import and compile): {time.perf_counter() - t0:.2f}s")
    runs = [lambda p=path, f=fid, t=true: evaluate(f, p, t, cache) for fid, path, true in recordings(args.only)]
    if args.stress:
        fluent = [(fid, path) for fid, path, true in recordings(None) if not true]
        for prefix in recordings(list(STRESS_PREFIXES)):
            runs += [lambda p=path, f=fid, h=prefix: stressed(f, p, h, cache) for fid, path in fluent]
    rows = []
    for run in runs:
        r = run()
        rows.append(r)
        print(f"{r['id']:<34} {r['duration_s']:>6}s before(hit,miss,false)={r['before']} after={r['after']} "
              f"added={len(r['added'])} false_added={r['added_false']} {r['seconds']:.2f}s", flush=True)
        if args.verbose:
            print(f"    added {r['added']}\n    missed {r['missed_after']}")
    single = [r for r in rows if "+" not in r["id"]]
    fill = [r for r in single if r["id"].startswith("fillers_")]
    audio_s = sum(r["duration_s"] for r in rows)
    summary = {
        "fillers_before": totals(fill, "before") if fill else None,
        "fillers_after": totals(fill, "after") if fill else None,
        "false_added": sum(len(r["added_false"]) for r in single),
        "false_added_stress": sum(len(r["added_false"]) for r in rows if "+" in r["id"]) if args.stress else None,
        "false_added_by_id": {r["id"]: r["added_false"] for r in rows if r["added_false"]},
        "seconds_per_120s": round(sum(r["seconds"] for r in rows) / audio_s * 120, 3) if audio_s else None,
    }
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
