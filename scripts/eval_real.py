"""Run the analysis on real recorded speech with verbatim references and score hesitations, pace and words.

    python scripts/eval_real.py [MANIFEST] [--json] [--only ID ...] [--gain-db DB] [--no-quiet-gain]

MANIFEST defaults to ../shared/data/real/manifest.json (relative to the repository). Per clip and in total:
- hesitations: a reference hesitation is um/uh/er/erm/hm/hmm (and their spellings: umm, uhh, &-um, ...) in
  the verbatim transcript; "'er" (the pronoun) is not one. Where the clip has word timings, a hesitation
  mockprep reports (transcribed or acoustic, kind "hesitation") matches a reference one within 0.4 s, one to
  one in time order; a reference hesitation the timings leave out gets the gap between its neighbours. Clips
  without timings are scored by count (found = min(ref, hyp), false = the excess).
- pace (clips with word timings, the monologues): reference wpm = reference words (no hesitations, no tags)
  over the span from the first to the last timed word, against mockprep's wpm.
- word error rate: both sides lower-cased, fillers and tags (<cutoff-x>, <hes-x>, [laughter], &-um, [/])
  dropped, then whisper_normalizer's English normaliser (punctuation, numbers, spellings); "yknow" is
  "you know" and spelled letters ("m f a") are one token on both sides.
- the split (docs/benchmarks.md, issue 14): held out = mfa/cold_corpus3, talkbank/batchalign_test and every
  other short clip by sorted id (even positions: mfa_uhuh, mfa_um, ...); the rest is for tuning. Totals are
  printed for both; never tune on the held-out clips.
- CPU seconds of the whole analysis (audio decode excluded) per second of audio.
- transcript confidence: per clip the doubt share (mockprep.confidence) and whether the analysis calls the
  transcript doubtful; in total how many are doubtful and how many of those are wrong in more than 20 % of
  their words.

--gain-db -30 scales every clip 30 dB down first (a too-quiet recording); --no-quiet-gain turns the
quiet-recording gain off, so that the two can be compared.

The scoring functions are importable (scripts/research_*.py reuse them with other pipelines).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
DEFAULT_MANIFEST = ROOT.parent / "shared" / "data" / "real" / "manifest.json"
TOL = 0.4

from bench_analyze import wer  # noqa: E402 - one word error rate for every script

# um, umm, uh, uhh, er, err, erm, hm, hmm, mm, mhm; "ah"/"eh" are rare as references and left out
REF_HESITATION = re.compile(r"^(u+m+|u+h+|e+r+m*|h+m+|m+h*m+)$")
TAG = re.compile(r"^(<[^\s>]*>|\[[^\]]*\]|&[-=+].*|\(\.+\)|[.?!,;:]+|\+.*)$")


HELD_OUT_MONOLOGUES = ("mfa/cold_corpus3", "talkbank/batchalign_test")


def held_out(clips: list[dict]) -> set[str]:
    """Ids of the held-out clips: two of the four timed ones and the short clips at even sorted positions."""
    short = sorted(c["id"] for c in clips if not c.get("word_timings"))
    return {*HELD_OUT_MONOLOGUES, *short[0::2]}


def load_manifest(path: Path) -> list[dict]:
    clips = json.loads(Path(path).read_text())
    for c in clips:
        c["path"] = str(Path(path).parent / c["audio"])
    return clips


# ---------------------------------------------------------------- the reference


def ref_tokens(transcript: str) -> list[str]:
    """Transcript tokens, lower case, CHAT group brackets removed, tags kept as tags."""
    text = transcript.replace("[/]", " ").replace("[//]", " ")
    text = re.sub(r"<([^<>]*\s[^<>]*)>", r"\1", text)  # CHAT groups "<i like i like> [/]": the words were said
    return [t.lower() for t in text.split()]


def is_hesitation_token(tok: str) -> bool:
    t = tok.lower()
    if t.startswith("&-") or t.startswith("&+"):
        t = t[2:]
    if t.startswith("'"):  # "'er" is "her"
        return False
    return bool(REF_HESITATION.match(t.strip(".,?!;:\"~")))


def is_tag(tok: str) -> bool:
    return bool(TAG.match(tok)) and not is_hesitation_token(tok)


def plain(tok: str) -> str:
    t = tok.lower()
    return (t[2:] if t.startswith(("&-", "&+")) else t).strip(".,?!;:\"~")


def ref_hesitations(clip: dict) -> list[dict]:
    """{"word", "start", "end"} per reference hesitation; times None where the clip has no word timings."""
    toks = ref_tokens(clip["transcript"])
    hes = [i for i, t in enumerate(toks) if is_hesitation_token(t)]
    timings = clip.get("word_timings")
    if not timings:
        return [{"word": plain(toks[i]), "start": None, "end": None} for i in hes]
    # Timed words; a hesitation of almost no length is an artefact of the forced alignment.
    timed = [(plain(w), float(a), float(b)) for w, a, b in timings
             if not (is_hesitation_token(w) and float(b) - float(a) < 0.05)]
    a_seq = [plain(t) for t in toks]
    b_seq = [w for w, _, _ in timed]
    pos: dict[int, int] = {}
    for blk in difflib.SequenceMatcher(a=a_seq, b=b_seq, autojunk=False).get_matching_blocks():
        for k in range(blk.size):
            pos[blk.a + k] = blk.b + k
    out = []
    for i in hes:
        if i in pos:
            _, s, e = timed[pos[i]]
        else:  # left out of the timings: the gap between the timed neighbours
            before = [pos[j] for j in range(i - 1, -1, -1) if j in pos][:1]
            after = [pos[j] for j in range(i + 1, len(toks)) if j in pos][:1]
            s = timed[before[0]][2] if before else 0.0
            e = timed[after[0]][1] if after else clip["duration_s"]
        out.append({"word": plain(toks[i]), "start": s, "end": e})
    return out


def ref_words(clip: dict) -> list[str]:
    """The words said, for WER and pace: no hesitations, no tags."""
    return [t for t in ref_tokens(clip["transcript"]) if not is_hesitation_token(t) and not is_tag(t)]


def ref_wpm(clip: dict) -> float | None:
    timings = clip.get("word_timings")
    if not timings:
        return None
    words = [w for w, _, _ in timings if not is_hesitation_token(w) and not is_tag(w)]
    n = sum(2 if plain(w) == "yknow" else 1 for w in words)
    span = float(timings[-1][2]) - float(timings[0][1])
    return round(n / span * 60, 1)


# ---------------------------------------------------------------- word error rate

_normaliser = None


def normalise(words: list[str]) -> list[str]:
    """Lower case, no punctuation, numbers and spellings normalised, no fillers; letters spelled out joined."""
    global _normaliser
    if _normaliser is None:
        from whisper_normalizer.english import EnglishTextNormalizer

        _normaliser = EnglishTextNormalizer()
    kept = [w for w in words if not is_hesitation_token(w) and not is_tag(w)]
    spoken = {"yknow": "you know", "y'know": "you know", "'er": "her"}  # how the speaker said them
    text = " ".join(spoken.get(plain(w), w) for w in kept)
    toks = _normaliser(text).split()
    out: list[str] = []
    run: list[str] = []
    for t in [*toks, ""]:
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        if len(run) >= 2 and any(c not in "ai" for c in run):
            out.append("".join(run))
        else:
            out += run
        run = []
        if t:
            out.append(t)
    return out


# ---------------------------------------------------------------- matching


def match_hesitations(ref: list[dict], hyp: list[dict], tol: float = TOL) -> dict:
    """found / missed / false; by time where the reference has times, else by count."""
    if any(t["start"] is None for t in ref):
        hit = min(len(ref), len(hyp))
        return {"found": hit, "missed": len(ref) - hit, "false": len(hyp) - hit, "by": "count"}
    used: set[int] = set()
    hit = 0
    for t in ref:
        for j, f in enumerate(hyp):
            if j not in used and t["start"] - tol <= f["end"] and f["start"] <= t["end"] + tol:
                used.add(j)
                hit += 1
                break
    return {"found": hit, "missed": len(ref) - hit, "false": len(hyp) - len(used), "by": "time",
            "false_at": [round(f["start"], 2) for j, f in enumerate(hyp) if j not in used],
            "missed_at": [round(t["start"], 2) for t in ref
                          if not any(t["start"] - tol <= f["end"] and f["start"] <= t["end"] + tol for f in hyp)]}


def score_clip(clip: dict, words: list[str], hesitations: list[dict], wpm: float | None) -> dict:
    """Score one clip: `words` as transcribed, `hesitations` as reported ({"start", "end"}), mockprep's wpm."""
    ref_h = ref_hesitations(clip)
    if not clip.get("word_timings"):
        ref_h = [dict(h, start=None, end=None) for h in ref_h]
    h = match_hesitations(ref_h, hesitations) if ref_h else {
        "found": 0, "missed": 0, "false": len(hesitations), "by": "count"}
    r, p = normalise(ref_words(clip)), normalise(words)
    row = {"id": clip["id"], "duration_s": clip["duration_s"], "timed": bool(clip.get("word_timings")),
           "ref_hesitations": len(ref_h), "hyp_hesitations": len(hesitations), **{f"h_{k}": v for k, v in h.items()},
           "ref_words": len(r), "edits": wer(r, p)[1], "hyp": " ".join(p)}
    row["wer"] = round(row["edits"] / len(r), 3) if r else None
    rw = ref_wpm(clip)
    if rw is not None and wpm is not None:
        row.update(wpm=wpm, wpm_ref=rw, wpm_err=round(abs(wpm - rw) / rw, 3))
    return row


def total(rows: list[dict]) -> dict:
    f, m, x = (sum(r[f"h_{k}"] for r in rows) for k in ("found", "missed", "false"))
    timed = [r for r in rows if "wpm_err" in r]
    edits, refw = sum(r["edits"] for r in rows), sum(r["ref_words"] for r in rows)
    out = {"clips": len(rows), "audio_s": round(sum(r["duration_s"] for r in rows), 1),
           "hesitations_ref": f + m, "found": f, "missed": m, "false": x,
           "recall": round(f / (f + m), 3) if f + m else None,
           "wer": round(edits / refw, 3) if refw else None}
    if timed:
        out["wpm_mean_err"] = round(sum(r["wpm_err"] for r in timed) / len(timed), 3)
        out["wpm_max_err"] = max(r["wpm_err"] for r in timed)
        te, tw = sum(r["edits"] for r in timed), sum(r["ref_words"] for r in timed)
        out["wer_monologues"] = round(te / tw, 3) if tw else None
    if any("doubtful" in r for r in rows):
        # transcripts the analysis calls doubtful, and how many of them are wrong in more than 20 % of words
        out["doubtful"] = sum(1 for r in rows if r.get("doubtful"))
        out["wer_over_0.2"] = sum(1 for r in rows if (r["wer"] or 0) > 0.2)
        out["doubtful_and_wer_over_0.2"] = sum(1 for r in rows if r.get("doubtful") and (r["wer"] or 0) > 0.2)
    if all("cpu_s" in r for r in rows) and rows:
        out["cpu_s_per_audio_s"] = round(sum(r["cpu_s"] for r in rows) / sum(r["duration_s"] for r in rows), 3)
    return out


def analysed(clip: dict, gain_db: float = 0.0) -> tuple[list[str], list[dict], float | None, float, str, dict | None]:
    """(words, hesitations, wpm, cpu seconds, status, confidence) from mockprep's own analysis of the clip,
    its audio first scaled by gain_db (-30: a recording 30 dB too quiet)."""
    import numpy as np

    from mockprep import audio
    from mockprep.analysis import analyze_audio

    a = audio.load(clip["path"])
    if gain_db:
        a = audio.from_array(np.clip(a.samples * np.float32(10 ** (gain_db / 20)), -1, 1), a.sample_rate,
                             a.sample_rate)
    t = time.process_time()
    res = analyze_audio(a)
    cpu = time.process_time() - t
    d = res.delivery
    hes = [{"start": f.start, "end": f.end, "word": f.word} for f in (d.fillers if d else ()) if f.kind == "hesitation"]
    conf = res.confidence.to_dict() if res.confidence else None
    return [w.text for w in res.words], hes, (d.wpm if d else None), cpu, res.status, conf


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest", nargs="?", default=str(DEFAULT_MANIFEST))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", nargs="*", help="clip ids (or substrings of them)")
    ap.add_argument("--gain-db", type=float, default=0.0, help="scale every clip first (-30: 30 dB too quiet)")
    ap.add_argument("--no-quiet-gain", action="store_true",
                    help="turn off the quiet-recording gain (transcribe.quiet_gain_db), to measure it")
    args = ap.parse_args()
    clips = [c for c in load_manifest(Path(args.manifest))
             if not args.only or any(o in c["id"] for o in args.only)]
    from mockprep import transcribe
    from mockprep.transcribe import warm_up

    if args.no_quiet_gain:
        transcribe.QUIET_BELOW_DB = -1000.0
    warm_up()  # the model load and librosa's import are not part of any clip's figure
    rows = []
    for c in clips:
        words, hes, wpm, cpu, status, conf = analysed(c, args.gain_db)
        r = score_clip(c, words, hes, wpm)
        r.update(status=status, cpu_s=round(cpu, 2), doubt_share=conf and conf["doubt_share"],
                 doubtful=bool(conf and conf["doubtful"]))
        rows.append(r)
        if not args.json:
            pace = f" wpm {r['wpm']} vs {r['wpm_ref']} ({r['wpm_err']:.1%})" if "wpm_err" in r else ""
            extra = f" false@{r['h_false_at']} missed@{r['h_missed_at']}" if r.get("h_by") == "time" else ""
            print(f"{r['id']:<28} {r['duration_s']:>5.1f}s {status:<9} hes ref {r['ref_hesitations']} "
                  f"found {r['h_found']} false {r['h_false']} ({r['h_by']}){extra} "
                  f"WER {r['wer']}{pace} doubt {r['doubt_share']}{' DOUBTFUL' if r['doubtful'] else ''} "
                  f"cpu {r['cpu_s']}s", flush=True)
    tot = {"all": total(rows), "timed (monologues)": total([r for r in rows if r["timed"]]),
           "short clips": total([r for r in rows if not r["timed"]])}
    held = held_out(load_manifest(Path(args.manifest)))
    for name, part in (("tuning", False), ("held out", True)):
        if any((r["id"] in held) == part for r in rows):
            tot[name] = total([r for r in rows if (r["id"] in held) == part])
    if args.json:
        print(json.dumps({"total": tot, "rows": rows}, indent=1))
    else:
        for k, v in tot.items():
            print(f"{k}: {json.dumps(v)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
