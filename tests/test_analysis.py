"""The whole core on real audio: the JSON contract, STAR on the spoken fixtures, and non-speech."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockprep import star
from mockprep.analysis import Analysis, analyze, speech_found
from mockprep.words import Word
from tests.conftest import FIXTURES, analysed, fixture_ids, truth

CONTRACT = {"contract", "status", "message", "question", "question_type", "rubric", "limit_s", "duration_s",
            "speech_s", "over_limit_s", "transcript", "words", "delivery", "score", "assessment", "star", "feedback",
            "gaps", "capture", "notes", "timings", "confidence", "loudness"}


def test_contract_keys_and_json_round_trip() -> None:
    a = analysed("strong_47s")
    d = a.to_dict()
    assert set(d) == CONTRACT
    assert json.loads(json.dumps(d)) == d
    assert Analysis.from_dict(d).to_dict() == d  # what is stored reads back as it was
    assert set(d["delivery"]) >= {"wpm", "articulation_wpm", "first_word_s", "pauses", "fillers", "filler_count",
                                  "fillers_per_min"}
    assert d["rubric"] == "star" and d["question_type"] == "story" and d["star"] == d["assessment"]
    assert d["score"] == d["star"]["score"] and [t["id"] for t in d["feedback"]] == [t["id"] for t in d["gaps"][:5]]
    assert set(d["star"]) == {"rubric", "sentences", "parts", "checks", "score"}
    assert set(d["star"]["parts"]) == {"situation", "task", "action", "result"}
    assert {"seconds", "share", "sentences"} <= set(d["star"]["parts"]["action"])
    assert all(s["label"] in star.LABELS for s in d["star"]["sentences"])
    assert d["over_limit_s"] == 0 and d["limit_s"] == 120
    assert {"decode_s", "transcribe_s", "analyze_s"} <= set(d["timings"])


def test_transcript_is_close_to_the_text() -> None:
    said = analysed("strong_47s").transcript.lower()
    for phrase in ("payroll", "on me to get them paid", "rolled their account back", "employees were paid"):
        assert phrase in said


# What each kind of fixture must show; the strong ones pass every check.
EXPECT = {
    "strong": {"all_parts_present": True, "action_uses_i": True, "result_quantified": True, "is_story": True,
               "task_ownership": True},
    "we_only": {"action_uses_i": False, "is_story": True},
    "no_result": {"all_parts_present": False, "result_quantified": False, "result_specific": False},
    "rambling_situation": {"situation_brief": False, "action_result_share": False},
    "vague_result": {"result_specific": False, "result_quantified": False, "all_parts_present": True},
    "over_limit": {"within_limit": False},
    "not_story": {"is_story": False},
}


@pytest.mark.slow
@pytest.mark.parametrize("fid", [f for f in fixture_ids() if truth(f)["kind"] in EXPECT])
def test_checks_on_spoken_fixtures(fid: str) -> None:
    a = analysed(fid)
    checks = a.star.checks
    for cid, want in EXPECT[truth(fid)["kind"]].items():
        assert checks[cid].passed is want, (cid, checks[cid].detail)
    assert checks["within_limit"].passed is (truth(fid)["duration_s"] <= 120)


@pytest.mark.slow
def test_sentence_labels_and_shares_on_spoken_fixtures() -> None:
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_star

    items = []
    for fid in fixture_ids():
        t = truth(fid)
        a = analysed(fid)
        items.append({"id": fid, "words": list(a.words), "duration": a.duration_s, "texts": [],
                      "gaps": a.delivery.boundary_gaps,
                      "truth": [(s["label"], s["start"], s["end"]) for s in t["sentences"]]})
    report = eval_star.evaluate(items)
    assert report["macro_f1_star"] >= 0.80, report
    assert report["presence_accuracy"] >= 0.90, report
    assert report["ar_share_mae"] <= 0.08, report


@pytest.mark.slow
def test_over_limit_is_flagged_not_rejected() -> None:
    a = analysed("over_limit")
    assert a.status == "ok" and a.over_limit_s > 30
    assert a.feedback()[0].id in {"over_limit", "not_a_story"}
    assert "over the 2:00 limit" in " ".join(t.message for t in a.feedback())


@pytest.mark.slow
def test_feedback_every_tip_has_evidence_from_the_transcript() -> None:
    for fid in ("we_only_launch", "no_result_dashboard", "rambling_migration", "vague_result", "fillers_mistake"):
        a = analysed(fid)
        assert 1 <= len(a.feedback()) <= 5
        transcript = a.transcript
        for tip in a.gaps:
            q = tip.evidence.quote.rstrip("…")
            assert q and q in transcript, (fid, tip)
            assert 0 <= tip.evidence.start <= tip.evidence.end <= a.duration_s + 0.5


def test_we_only_tip_quotes_a_we_sentence() -> None:
    tip = next(t for t in analysed("we_only_outage").feedback() if t.id == "action_we")
    assert " we " in f" {tip.evidence.quote.lower()} "
    assert "what you did yourself" in tip.message


@pytest.mark.slow
def test_strong_answer_gets_no_structure_tip() -> None:
    ids = {t.id for t in analysed("strong_leadership").gaps}
    assert not ids & {"missing_result", "action_we", "not_a_story", "over_limit", "task_ownership"}


# ---------------------------------------------------------------- no speech


@pytest.mark.slow
@pytest.mark.parametrize("name", ["birdsong_robin.ogg", "whale_humpback.ogg", "music_vibe_ace.ogg"])
def test_non_speech_recordings_are_no_speech(shared_data: Path, name: str) -> None:
    a = analyze(shared_data / name)
    assert a.status == "no_speech" and a.message and a.star is None
    assert a.to_dict()["star"] is None


@pytest.mark.parametrize("kind", ["silence", "noise", "hum", "short"])
def test_synthetic_non_speech(tmp_path: Path, kind: str) -> None:
    sr = 16000
    rng = np.random.default_rng(1)
    x = {
        "silence": np.zeros(10 * sr),
        "noise": rng.normal(0, 0.1, 10 * sr),
        "hum": 0.3 * np.sin(2 * np.pi * 50 * np.arange(10 * sr) / sr),
        "short": np.asarray(sf.read(FIXTURES / "strong_47s.flac")[0][: int(0.2 * 22050)]),
    }[kind]
    p = tmp_path / f"{kind}.wav"
    sf.write(p, np.clip(x, -1, 1).astype(np.float32), sr if kind != "short" else 22050)
    a = analyze(p)
    assert a.status == "no_speech"


def test_speech_time_runs_from_the_first_sure_word_to_the_last() -> None:
    # mfa_uhuh as tiny.en reads it: zero-length hesitations and squeezed words, 0.74 s in all over 5 s of speech
    hesitant = [Word(t, a, b, p) for t, a, b, p in [
        ("Montreal,", 0.87, 1.29, 0.95), ("uh,", 1.79, 2.05, 0.26), ("uh,", 2.75, 2.75, 0.97),
        ("uh,", 3.33, 3.33, 0.98), ("Uh,", 4.20, 4.58, 0.21), ("uh,", 5.48, 5.52, 0.89), ("forced", 5.68, 5.70, 0.51),
        ("to", 5.70, 5.84, 0.66), ("win", 5.84, 5.96, 0.47), ("her.", 5.96, 6.20, 0.45)]]
    assert speech_found(hesitant)
    blip = [Word(t, 1.0 + 0.2 * i, 1.15 + 0.2 * i, 0.9) for i, t in enumerate(["Thank", "you", "so"])]
    assert not speech_found(blip)  # three sure words inside 0.55 s are not an answer
    unsure = [*blip[:1], *[Word("la", 2.0 + i, 2.5 + i, 0.2) for i in range(5)], blip[-1]]
    assert not speech_found(unsure)  # most words doubtful: what Whisper writes over music


@pytest.mark.slow
def test_a_real_speakers_hesitant_clip_is_speech(shared_data: Path) -> None:
    a = analyze(shared_data / "real" / "mfa" / "mfa_uhum.flac")  # "Montreal forced uh um uh hm hm um forced aligner"
    assert a.status == "ok", a.transcript
    assert sum(f.kind == "hesitation" for f in a.delivery.fillers) >= 2


@pytest.mark.slow
def test_real_speech_is_found_and_paced_plausibly(shared_data: Path) -> None:
    for name in ("jfk.flac", "libri_198-209-0000.ogg", "libri_3436-172162-0000.ogg", "libri_5703-47212-0000.ogg"):
        a = analyze(shared_data / name)
        assert a.status == "ok", name
        assert 100 <= a.delivery.wpm <= 220, (name, a.delivery.wpm)
    jfk = analyze(shared_data / "jfk.flac").transcript.lower()
    assert "ask not what your country can do for you" in jfk.replace(",", "")


def test_a_version_1_stored_analysis_still_reads(tmp_path: Path) -> None:
    """Attempts stored before question types existed: a story judged by STAR, its tips as the gaps."""
    d = analysed("we_only_outage").to_dict()
    old = {k: v for k, v in d.items() if k not in {"contract", "question_type", "rubric", "score", "assessment",
                                                   "gaps", "capture", "notes"}}
    old["star"] = {k: v for k, v in d["star"].items() if k != "rubric"}
    for c in old["star"]["checks"].values():
        del c["evidence"]
    a = Analysis.from_dict(old)
    assert a.rubric == "star" and a.score == d["score"] and [t.id for t in a.gaps] == [t["id"] for t in d["feedback"]]
    assert not a.star.checks["action_uses_i"].passed


def test_a_truncated_file_is_analysed_up_to_where_it_breaks(tmp_path: Path) -> None:
    data = (FIXTURES / "strong_47s.flac").read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(data[: len(data) // 2])
    a = analyze(cut)
    assert a.status == "ok" and 20 < a.duration_s < 26 and "payroll" in a.transcript.lower()
    assert a.notes and "damaged after 0:2" in a.notes[0] and "analysed up to there" in a.notes[0]
