"""Mock interviews: a run of questions across competencies, each followed by the probe its weakest part calls for."""

from __future__ import annotations

import random
from typing import Any

from mockprep.banks import Question

# What an interviewer asks next, by what the answer lacked (behavioural-event-interview style).
PROBES = {
    "not_story": "Can you tell me about one specific time that happened? What did you do?",
    "no_result": "What was the outcome, in numbers?",
    "no_number": "How did you measure the result?",
    "we": "What exactly did you do yourself?",
    "long_situation": "What was your part in it?",
    "no_task": "What were you responsible for?",
    "over_limit": "In one sentence: what was the result?",
}


def pick_questions(questions: list[Question], n: int = 5, rng: random.Random | None = None,
                   only_ids: list[str] | None = None) -> list[Question]:
    """n behavioural questions, each from a different competency where possible."""
    rng = rng or random.Random()
    if only_ids:
        by_id = {q.id: q for q in questions}
        return [by_id[i] for i in only_ids if i in by_id][:n] if n else [by_id[i] for i in only_ids if i in by_id]
    pool = [q for q in questions if q.kind == "behavioral"] or list(questions)
    rng.shuffle(pool)
    chosen: list[Question] = []
    seen: set[str] = set()
    for q in pool:  # first pass: one per competency
        if q.competency not in seen:
            chosen.append(q)
            seen.add(q.competency)
        if len(chosen) == n:
            return chosen
    chosen += [q for q in pool if q not in chosen][: n - len(chosen)]
    return chosen


def weakest_part(analysis: dict[str, Any]) -> str | None:
    """The one gap a follow-up should probe, most important first; None for a strong answer."""
    if analysis.get("status") != "ok":
        return "not_story"
    checks = analysis["star"]["checks"]
    parts = analysis["star"]["parts"]
    if not checks["is_story"]["passed"]:
        return "not_story"
    if parts["result"]["sentences"] == 0:
        return "no_result"
    if not checks["action_uses_i"]["passed"]:
        return "we"
    if not checks["situation_brief"]["passed"]:
        return "long_situation"
    if not checks["result_quantified"]["passed"]:
        return "no_number"
    if not checks["task_ownership"]["passed"]:
        return "no_task"
    if analysis.get("over_limit_s", 0) > 0:
        return "over_limit"
    return None


def follow_up(analysis: dict[str, Any], question: dict[str, Any] | None = None) -> str:
    """The probe for this answer: its weakest part, else the question's own first probe."""
    gap = weakest_part(analysis)
    if gap:
        return PROBES[gap]
    probes = (question or {}).get("probes") or []
    return probes[0] if probes else "And then what happened?"


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """rows: the main answers' analyses. Average score, time over, and the most common gap."""
    ok = [r for r in rows if r and r.get("status") == "ok"]
    gaps = [g for g in (weakest_part(r) for r in rows if r) if g]
    common = max(set(gaps), key=gaps.count) if gaps else None
    return {
        "answers": len(rows),
        "average_score": round(sum(r["star"]["score"] for r in ok) / len(ok)) if ok else 0,
        "over_limit": sum(1 for r in ok if r.get("over_limit_s", 0) > 0),
        "most_common_gap": common,
        "advice": PROBES.get(common, "Keep answers in strict STAR, under two minutes.") if common else
        "Every answer held up; drill the ones due next.",
    }
