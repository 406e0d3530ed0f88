"""Run the full analysis on every spoken fixture and compare it with the truth made with the audio.

    python scripts/eval_fixtures.py [--json] [--only ID ...]

Reports per answer and in total: words per minute against the truth, long pauses found / missed / false,
fillers found / missed / false (a detected filler matches a true one within 0.4 s), and the STAR labels
and checks where the truth has them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "audio"

from mockprep.analysis import Analysis, analyze  # noqa: E402

TOL = 0.4


def fixture_ids() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def truth(fid: str) -> dict:
    return json.loads((FIXTURES / f"{fid}.json").read_text())


def near(a0: float, a1: float, b0: float, b1: float, tol: float = TOL) -> bool:
    return a0 - tol <= b1 and b0 <= a1 + tol


def match(true: list[dict], found: list[dict], tol: float = TOL) -> tuple[int, int, int]:
    """(matched, missed, false) with one-to-one matching in time order."""
    used: set[int] = set()
    hit = 0
    for t in true:
        for j, f in enumerate(found):
            if j not in used and near(t["start"], t["end"], f["start"], f["end"], tol):
                used.add(j)
                hit += 1
                break
    return hit, len(true) - hit, len(found) - len(used)


def compare(fid: str, a: Analysis) -> dict:
    t = truth(fid)
    d = a.to_dict()
    row: dict = {"id": fid, "kind": t.get("kind"), "duration_s": round(a.duration_s, 1), "status": d["status"]}
    if d["status"] != "ok":
        return row
    dl = d["delivery"]
    row["wpm"] = dl["wpm"]
    row["wpm_true"] = t["wpm"]
    row["wpm_err"] = round(abs(dl["wpm"] - t["wpm"]) / t["wpm"], 3)
    row["pauses"] = match(t["pauses"], dl["pauses"], 0.3)
    row["fillers"] = match(t["fillers"], dl["fillers"])
    row["false_fillers"] = [f["word"] + f"@{f['start']:.1f}" for f in dl["fillers"]
                            if not any(near(x["start"], x["end"], f["start"], f["end"]) for x in t["fillers"])]
    row["score"] = d["star"]["score"]
    row["checks"] = {k: v["passed"] for k, v in d["star"]["checks"].items()}
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    rows = []
    for fid in args.only or fixture_ids():
        t = truth(fid)
        rows.append(compare(fid, analyze(FIXTURES / f"{fid}.flac", t.get("question"))))
        if not args.json:
            r = rows[-1]
            print(f"{fid:<24} {r.get('status')} wpm {r.get('wpm')} vs {r.get('wpm_true')} "
                  f"pauses(hit,miss,false)={r.get('pauses')} fillers={r.get('fillers')} {r.get('false_fillers')} "
                  f"score={r.get('score')}", flush=True)
    ok = [r for r in rows if r["status"] == "ok"]
    total = {
        "answers": len(rows),
        "wpm_mean_err": round(sum(r["wpm_err"] for r in ok) / len(ok), 3) if ok else None,
        "wpm_max_err": max((r["wpm_err"] for r in ok), default=None),
        "pauses": [sum(r["pauses"][i] for r in ok) for i in range(3)],
        "fillers": [sum(r["fillers"][i] for r in ok) for i in range(3)],
    }
    f = total["fillers"]
    total["filler_recall"] = round(f[0] / (f[0] + f[1]), 3) if f[0] + f[1] else None
    print(json.dumps({"total": total, "rows": rows} if args.json else total, indent=None if not args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
