"""Score the STAR labeller and checks against labelled answers.

    python scripts/eval_star.py                      # text corpus (tests/data/star_corpus.yaml), no audio
    python scripts/eval_star.py --audio              # spoken fixtures (tests/fixtures/audio/*.json + .flac)

Text answers get synthetic word times (a steady 2.6 words a second, 0.4 s between sentences), so this
measures the labeller and the checks, not the recogniser. Prints macro-F1 over the four parts, part
presence accuracy, the mean error of the Action + Result share, and per-check accuracy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockprep import star  # noqa: E402
from mockprep.sentences import Sentence, split_sentences  # noqa: E402
from mockprep.words import Word  # noqa: E402

CHECKS = ("all_parts_present", "situation_brief", "task_ownership", "action_uses_i", "result_quantified",
          "result_specific", "is_story")


def words_for(sentences: list[str], rate: float = 2.6, gap: float = 0.4) -> list[Word]:
    words, t = [], 0.3
    for s in sentences:
        for tok in s.split():
            d = max(0.12, len(tok) / 14 * (1 / rate) * 5.0 / 2.0)
            words.append(Word(tok, round(t, 3), round(t + d, 3), 0.9))
            t += d + 0.02
        t += gap
    return words


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def per_truth_labels(pred: list[Sentence], truth: list[tuple[str, float, float]]) -> list[str]:
    """For each true sentence, the predicted label covering most of its time."""
    out = []
    for _label, t0, t1 in truth:
        cover: Counter[str] = Counter()
        for p in pred:
            cover[p.label] += overlap(p.start, p.end, t0, t1)
        out.append(cover.most_common(1)[0][0] if cover and cover.most_common(1)[0][1] > 0 else "other")
    return out


def f1_scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    out = {}
    for lab in star.LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def share(labels: list[str], spans: list[tuple[float, float]]) -> float:
    secs = Counter()
    for lab, (a, b) in zip(labels, spans, strict=True):
        secs[lab] += b - a
    story = sum(secs[p] for p in star.PARTS)
    return (secs["action"] + secs["result"]) / story if story else 0.0


def evaluate(items: list[dict], verbose: bool = False) -> dict:
    gold_all, pred_all = [], []
    presence_ok = presence_n = 0
    share_err = []
    check_ok: Counter[str] = Counter()
    check_n: Counter[str] = Counter()
    for it in items:
        truth = it["truth"]  # [(label, start, end)]
        result = star.assess(split_sentences(it["words"], gaps=it.get("gaps")), it["duration"], 120.0)
        pred = per_truth_labels(list(result.sentences), truth)
        gold = [t[0] for t in truth]
        gold_all += gold
        pred_all += pred
        for p in star.PARTS:
            presence_n += 1
            presence_ok += (p in gold) == (result.parts[p].sentences > 0)
        share_err.append(abs(share(gold, [(a, b) for _, a, b in truth]) -
                             (result.parts["action"].share + result.parts["result"].share)))
        for cid, want in (it.get("checks") or {}).items():
            if cid in result.checks:
                check_n[cid] += 1
                got = result.checks[cid].passed
                check_ok[cid] += got == want
                if verbose and got != want:
                    print(f"  {it['id']} {cid}: want {want}, got {got} ({result.checks[cid].detail})")
        if verbose and gold != pred:
            print(f"{it['id']}:")
            for (lab, _, _), p, s in zip(truth, pred, it["texts"], strict=True):
                mark = "  " if lab == p else "XX"
                print(f"  {mark} {lab[:4]:>4} -> {p[:4]:<4} {s[:110]}")
    f1 = f1_scores(gold_all, pred_all)
    return {
        "answers": len(items),
        "sentences": len(gold_all),
        "macro_f1_star": round(sum(f1[p] for p in star.PARTS) / 4, 3),
        "f1": {k: round(v, 3) for k, v in f1.items()},
        "presence_accuracy": round(presence_ok / presence_n, 3) if presence_n else None,
        "ar_share_mae": round(sum(share_err) / len(share_err), 3) if share_err else None,
        "checks": {c: round(check_ok[c] / check_n[c], 3) for c in check_n},
        "checks_overall": round(sum(check_ok.values()) / max(1, sum(check_n.values())), 3),
    }


def corpus_items(path: Path, style: str | None = None) -> list[dict]:
    items = []
    for a in yaml.safe_load(path.read_text()):
        if style and a.get("style") != style:
            continue
        texts = [s for _, s in a["sentences"]]
        words = words_for(texts)
        truth, i = [], 0
        for lab, s in a["sentences"]:
            n = len(s.split())
            truth.append((lab, words[i].start, words[i + n - 1].end))
            i += n
        items.append({"id": a["id"], "words": words, "truth": truth, "texts": texts,
                      "duration": words[-1].end + 0.3, "checks": a.get("checks")})
    return items


def audio_items(folder: Path) -> list[dict]:
    from mockprep.analysis import analyze

    items = []
    for j in sorted(folder.glob("*.json")):
        t = json.loads(j.read_text())
        a = analyze(j.with_suffix(".flac"))
        truth = [(s["label"], s["start"], s["end"]) for s in t["sentences"]]
        items.append({"id": t["id"], "words": list(a.words), "truth": truth, "duration": a.duration_s,
                      "texts": [s["text"] for s in t["sentences"]], "checks": t.get("checks"),
                      "gaps": a.delivery.boundary_gaps if a.delivery else None})
    return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", action="store_true", help="use the spoken fixtures instead of the text corpus")
    ap.add_argument("--corpus", default=str(ROOT / "tests/data/star_corpus.yaml"))
    ap.add_argument("--style", help="only answers of this style (career_site, spoken, weak)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every wrong label and check")
    args = ap.parse_args()
    items = audio_items(ROOT / "tests/fixtures/audio") if args.audio else corpus_items(Path(args.corpus), args.style)
    print(json.dumps(evaluate(items, args.verbose), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
