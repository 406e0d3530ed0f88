"""Score the non-story rubrics (mockprep/rubrics.py) on labelled written answers.

    python scripts/eval_rubrics.py                 # tuning corpora and the held-out set
    python scripts/eval_rubrics.py --verbose       # and every answer whose checks differ from the labels
    python scripts/eval_rubrics.py --audio         # the spoken fixtures (tests/fixtures/rubric_audio), through
                                                   # the recogniser: slow

Answers are timed at 150 words a minute (rubrics.text_words), the pace the labels' length_fits assumes, so
this measures the rubrics, not the recogniser. For each corpus and rubric it prints the scores of good and
weak answers, the good-weak gap of each twin pair, and per-check accuracy against the labels; then whether
the held-out bar holds (every good >= 70, every weak >= 20 below its twin, none judged with STAR checks).
Tune on rubric_corpus.yaml and rubric_own.yaml; rubric_heldout.yaml is for measuring only.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockprep import rubrics  # noqa: E402
from mockprep.assessment import Rubric  # noqa: E402
from mockprep.star import WEIGHTS as STAR_WEIGHTS  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPORA = (("tuning", ("rubric_corpus.yaml", "rubric_own.yaml")), ("held-out", ("rubric_heldout.yaml",)))
STAR_IDS = {c.value for c in STAR_WEIGHTS} | {"is_story"}


def load(names: tuple[str, ...]) -> list[dict]:
    return [it for n in names for it in yaml.safe_load((DATA / n).read_text())]


def twin_of(it: dict) -> str | None:
    note = str(it.get("notes") or "")
    return note.split("twin of ")[1].split(";")[0].split()[0].strip(".,") if "twin of " in note else None


def evaluate(items: list[dict], verbose: bool) -> dict:
    scores: dict[str, int | None] = {}
    per = defaultdict(lambda: {"good": [], "weak": [], "checks": defaultdict(lambda: [0, 0]), "gaps": []})
    star_judged = []
    for it in items:
        a = rubrics.assess_text(Rubric(it["type"]), it["text"], question=it["question"])
        scores[it["id"]] = a.score
        r = per[it["type"]]
        r[it["quality"]].append(a.score)
        if a.rubric == Rubric.STAR or {c.value for c in a.checks} & (STAR_IDS - {"within_limit"}):
            star_judged.append(it["id"])
        wrong = []
        for k, want in (it.get("expected") or {}).items():
            got = a.checks[rubrics.CheckId(k)].passed
            r["checks"][k][0] += got == want
            r["checks"][k][1] += 1
            if got != want:
                wrong.append(f"{k}={'pass' if got else 'fail'} (label {'pass' if want else 'fail'})")
        if verbose and wrong:
            print(f"    {it['id']:<16} {it['quality']:<4} {a.score:>3}  " + "; ".join(wrong))
    by_id = {it["id"]: it for it in items}
    for it in items:
        good_id = twin_of(it)
        if it["quality"] == "weak" and good_id in by_id:
            per[it["type"]]["gaps"].append((good_id, it["id"], scores[good_id], scores[it["id"]]))
    return {"per": per, "star_judged": star_judged}


def report(name: str, res: dict) -> bool:
    per = res["per"]
    print(f"\n== {name}")
    print(f"{'rubric':<18} {'n':>3} {'good min/mean':>14} {'weak max/mean':>14} {'min gap':>8} {'checks right':>14}")
    bar = not res["star_judged"]
    right_all = total_all = 0
    for rub in sorted(per):
        r = per[rub]
        good, weak = r["good"], r["weak"]
        right = sum(v[0] for v in r["checks"].values())
        total = sum(v[1] for v in r["checks"].values())
        right_all, total_all = right_all + right, total_all + total
        gaps = [g - w for _, _, g, w in r["gaps"]]
        print(f"{rub:<18} {len(good) + len(weak):>3} {min(good):>6}/{sum(good) / len(good):>5.1f}   "
              f"{max(weak):>6}/{sum(weak) / len(weak):>5.1f}   {min(gaps) if gaps else '-':>6}   "
              f"{right:>4}/{total:<4} {right / total if total else 0:>4.0%}")
        for k, (ok, n) in sorted(r["checks"].items()):
            print(f"    {k:<24} {ok:>3}/{n:<3} {ok / n:>4.0%}")
        for good_id, weak_id, g, w in r["gaps"]:
            if g < 70 or w > g - 20:
                bar = False
                print(f"    below the bar: {good_id} {g} vs {weak_id} {w}")
    print(f"all checks: {right_all}/{total_all} = {right_all / total_all:.1%}")
    if res["star_judged"]:
        print("judged with STAR checks:", ", ".join(res["star_judged"]))
    print("bar (good >= 70, weak >= 20 below its twin, no STAR checks):", "holds" if bar else "DOES NOT HOLD")
    return bar


def audio(verbose: bool) -> None:
    """The synthesized answers, transcribed and analysed as a user's would be."""
    import json

    from mockprep.analysis import analyze
    from mockprep.assessment import QuestionType

    folder = ROOT / "tests" / "fixtures" / "rubric_audio"
    print(f"\n== spoken fixtures ({folder.relative_to(ROOT)})")
    right = total = 0
    for path in sorted(folder.glob("*.json")):
        truth = json.loads(path.read_text())
        a = analyze(path.with_suffix(".flac"), truth["question"], question_type=QuestionType(truth["type"]))
        checks = a.assessment.checks if a.assessment else {}
        wrong = [k for k, v in (truth.get("expected") or {}).items() if checks[rubrics.CheckId(k)].passed != v]
        right += len(truth.get("expected") or {}) - len(wrong)
        total += len(truth.get("expected") or {})
        star = a.rubric == Rubric.STAR or bool({c.value for c in checks} & (STAR_IDS - {"within_limit"}))
        print(f"{path.stem:<28} {truth['type']:<18} {truth['quality']:<4} score {a.score!s:>4}  "
              f"{'STAR checks! ' if star else ''}" + (f"differs: {', '.join(wrong)}" if wrong and verbose else
                                                      f"{len(wrong)} check(s) differ"))
    print(f"checks right: {right}/{total}" + (f" = {right / total:.1%}" if total else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", action="store_true", help="list every answer whose checks differ from the labels")
    ap.add_argument("--audio", action="store_true", help="also analyse the synthesized spoken fixtures (slow)")
    args = ap.parse_args()
    for name, files in CORPORA:
        if args.verbose:
            print(f"\n-- {name}: answers that differ from the labels")
        report(f"{name} ({', '.join(files)})", evaluate(load(files), args.verbose))
    if args.audio:
        audio(args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
