"""The SQLite store: round trip, migrations, failure keeps the audio, deletion."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mockprep import practice
from mockprep.banks import Question
from mockprep.config import SETTINGS
from mockprep.store import MIGRATIONS, SCHEMA_VERSION, Store, migrate
from tests.conftest import FIXTURES, analysed

Q = Question("conflict-01", "Tell me about a disagreement.", "conflict", "behavioral", "behavioral", "general", ())


def test_round_trip(tmp_path: Path) -> None:
    s = Store(tmp_path)
    kept = s.keep(FIXTURES / "strong_47s.flac", Q.id)
    assert kept.parent == tmp_path / "recordings" and kept.read_bytes() == (FIXTURES / "strong_47s.flac").read_bytes()
    aid = s.add_attempt(kept, Q, 120)
    assert s.get(aid).status == "pending"
    d = analysed("strong_47s")
    s.finish_attempt(aid, d)
    a = Store(tmp_path).get(aid)  # a fresh connection, as after a restart
    assert a.status == "ok" and a.score == d.score and a.question_text == Q.text and a.question_type == "story"
    assert a.analysis.to_dict() == d.to_dict() and a.wpm == d.delivery.wpm
    assert [x.id for x in s.attempts(Q.id)] == [aid]


def test_wal_and_schema_version(tmp_path: Path) -> None:
    Store(tmp_path)
    db = sqlite3.connect(tmp_path / "mockprep.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_migrates_an_old_database_keeping_rows(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "mockprep.db", isolation_level=None)
    for stmt in MIGRATIONS[0].split(";"):
        if stmt.strip():
            db.execute(stmt)
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO attempts (created_at, audio_path, status) VALUES (1, 'x.wav', 'error')")
    db.close()
    s = Store(tmp_path)
    assert [a.audio_path for a in s.unfinished()] == ["x.wav"]
    s.put("plan", {"day": 1})
    assert s.get_value("plan") == {"day": 1}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer mockprep"):
        migrate(db)


def test_failed_analysis_keeps_audio_and_error_then_reanalyze(tmp_path: Path) -> None:
    s = Store(tmp_path)
    broken = SETTINGS.with_overrides(data_dir=tmp_path, model="/nonexistent/model-folder")
    out = practice.attempt(s, FIXTURES / "too_short.flac", Q, 120, broken)
    assert out.analysis is None and out.error
    a = s.get(out.attempt_id)
    assert a.status == "error" and a.error and Path(a.audio_path).is_file()
    assert Path(a.audio_path).stat().st_size == (FIXTURES / "too_short.flac").stat().st_size
    assert [x.id for x in s.unfinished()] == [a.id]
    redo = practice.reanalyze(s, a.id, SETTINGS.with_overrides(data_dir=tmp_path))
    assert redo.analysis and redo.analysis.status == "ok"
    assert s.get(a.id).status == "ok" and s.unfinished() == []


def test_unusable_audio_is_an_error_attempt_not_a_crash(tmp_path: Path) -> None:
    s = Store(tmp_path)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"nope" * 100)
    out = practice.attempt(s, bad, Q, 120, SETTINGS.with_overrides(data_dir=tmp_path))
    assert out.analysis is None and "not an audio file" in out.error
    assert s.get(out.attempt_id).status == "error"


def test_delete_one_and_all(tmp_path: Path) -> None:
    s = Store(tmp_path)
    ids = []
    for _ in range(2):
        kept = s.keep(FIXTURES / "too_short.flac", Q.id)
        ids.append(s.add_attempt(kept, Q, 120))
    path0 = Path(s.get(ids[0]).audio_path)
    assert s.delete_attempt(ids[0]) and not path0.exists() and s.get(ids[0]) is None
    assert not s.delete_attempt(ids[0])
    s.delete_all()
    assert s.attempts() == [] and list((tmp_path / "recordings").iterdir()) == []


def test_keep_never_escapes_the_recordings_folder(tmp_path: Path) -> None:
    s = Store(tmp_path)
    kept = s.keep(FIXTURES / "too_short.flac", "../../etc/passwd")
    assert kept.parent == tmp_path / "recordings" and ".." not in kept.name


def test_debriefs_are_kept_each_and_the_one_kept_before_moves_in(tmp_path: Path) -> None:
    # A data folder from before migration 4 held one debrief, the latest, in a key-value row.
    db = sqlite3.connect(tmp_path / "mockprep.db", isolation_level=None)
    for migration in MIGRATIONS[:3]:
        for stmt in migration.split(";"):
            if stmt.strip():
                db.execute(stmt)
    db.execute("PRAGMA user_version=3")
    old = {"version": 1, "company": "Acme; Co", "questions": [{"text": "Why here?"}]}
    db.execute("INSERT INTO kv (key, value) VALUES ('debrief:latest', ?)", (json.dumps(old),))
    db.execute("INSERT INTO kv (key, value) VALUES ('plan:checked', '[\"d1-debrief\"]')")
    db.close()
    s = Store(tmp_path)
    [moved] = s.debriefs()
    assert moved.data == old and moved.created_at > 0
    assert s.get_value("debrief:latest") is None and s.get_value("plan:checked") == ["d1-debrief"]
    # A second interview is a second row; saving one again updates it in place and puts it first.
    second = s.save_debrief({"company": "Globex"})
    assert [d.data["company"] for d in s.debriefs()] == ["Globex", "Acme; Co"]
    assert s.save_debrief({"company": "Acme; Co", "outcome": "rejected"}, moved.id) == moved.id
    assert [d.id for d in s.debriefs()] == [moved.id, second]
    assert s.save_debrief({"company": "Initech"}, 999) not in {999, moved.id, second}  # a gone id: a new row
    assert s.delete_debrief(second) and not s.delete_debrief(second)
    s.delete_all()
    assert s.debriefs() == []
