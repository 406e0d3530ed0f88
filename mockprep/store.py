"""Every attempt kept: SQLite (WAL) in the data folder plus the audio file beside it.

The audio is on disk and its row written (status "pending") before analysis starts; a failed analysis
leaves status "error" and the audio, and `mockprep reanalyze` redoes it. The schema is versioned with
PRAGMA user_version and upgraded by the migrations below, in order.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockprep.analysis import Analysis
    from mockprep.banks import Question

MIGRATIONS: list[str] = [
    # 1: attempts, mock interviews, drill cards
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        question_id TEXT,
        question_text TEXT,
        competency TEXT,
        audio_path TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'no_speech', 'error')),
        error TEXT,
        duration_s REAL,
        limit_s REAL,
        score INTEGER,
        over_limit_s REAL,
        wpm REAL,
        fillers_per_min REAL,
        analysis TEXT,
        parent_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
        mock_id INTEGER REFERENCES mocks(id) ON DELETE SET NULL
    );
    CREATE INDEX attempts_question ON attempts(question_id, created_at);
    CREATE TABLE mocks (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        question_ids TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'running'
    );
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        card TEXT NOT NULL,
        due REAL NOT NULL,
        last_score INTEGER,
        reviews INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: the user's own questions (debriefs add to them) and key-value state (plans, checklists)
    """
    CREATE TABLE own_questions (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        competency TEXT NOT NULL DEFAULT 'general',
        source TEXT,
        created_at REAL NOT NULL
    );
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 3: the kind of question (its rubric), and how much of a live answer arrived against how long it ran
    """
    ALTER TABLE attempts ADD COLUMN question_type TEXT NOT NULL DEFAULT 'story';
    ALTER TABLE attempts ADD COLUMN captured_s REAL;
    ALTER TABLE attempts ADD COLUMN ran_s REAL;
    ALTER TABLE own_questions ADD COLUMN type TEXT;
    ALTER TABLE attempts ADD COLUMN live_token TEXT;
    CREATE INDEX attempts_live_token ON attempts(live_token);
    """,
    # 4: every debrief kept (patterns across interviews need more than the latest); the one kept so far moves in
    """
    CREATE TABLE debriefs (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        data TEXT NOT NULL
    );
    INSERT INTO debriefs (created_at, updated_at, data)
        SELECT strftime('%s', 'now') + 0.0, strftime('%s', 'now') + 0.0, value FROM kv WHERE key = 'debrief:latest';
    DELETE FROM kv WHERE key = 'debrief:latest';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".webm", ".opus", ".aac", ".mp4"}


@dataclass(frozen=True)
class Attempt:
    id: int
    created_at: float
    question_id: str | None
    question_text: str | None
    competency: str | None
    audio_path: str
    status: str
    error: str | None
    duration_s: float | None
    limit_s: float | None
    score: int | None
    over_limit_s: float | None
    wpm: float | None
    fillers_per_min: float | None
    analysis: Analysis | None
    parent_id: int | None
    mock_id: int | None
    question_type: str = "story"
    captured_s: float | None = None  # live answers: the audio that arrived...
    ran_s: float | None = None  # ...and how long the recording ran
    live_token: str | None = None  # the page's name for a live recording, so it can go on after a restart

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created_at))


@dataclass(frozen=True)
class SavedDebrief:
    id: int
    created_at: float
    updated_at: float
    data: dict[str, Any]  # debrief.Debrief.to_dict(): the store does not read it


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.audio_dir = self.data_dir / "recordings"
        self.path = self.data_dir / "mockprep.db"
        self.audio_dir.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            migrate(db)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # One short connection per operation: safe from Gradio's worker threads, and WAL lets readers in.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield db
        finally:
            db.close()

    # ------------------------------------------------------------ attempts

    def keep(self, source: Path | str, question_id: str | None = None) -> Path:
        """Copy a recording into the data folder (before anything else can fail) and return its new path."""
        src = Path(source)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe_q = "".join(c for c in (question_id or "answer") if c.isalnum() or c in "-_")[:40]
        suffix = src.suffix.lower() if src.suffix.lower() in AUDIO_SUFFIXES else ".audio"
        dest = self.audio_dir / f"{stamp}-{safe_q}{suffix}"
        n = 1
        while dest.exists():
            dest = self.audio_dir / f"{stamp}-{safe_q}-{n}{suffix}"
            n += 1
        shutil.copyfile(src, dest)
        return dest

    def add_attempt(self, audio_path: Path | str, question: Question | None, limit_s: float,
                    parent_id: int | None = None, mock_id: int | None = None, live_token: str | None = None) -> int:
        q = question
        with self.connect() as db:
            cur = db.execute(
                "INSERT INTO attempts (created_at, question_id, question_text, competency, question_type, "
                "audio_path, status, limit_s, parent_id, mock_id, live_token) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                (time.time(), q and q.id, q and q.text, q and q.competency, q.type.value if q else "story",
                 str(audio_path), limit_s, parent_id, mock_id, live_token))
            return int(cur.lastrowid)

    def live_attempt(self, token: str) -> Attempt | None:
        """The attempt a live recording writes into, while it is still being recorded."""
        with self.connect() as db:
            row = db.execute("SELECT * FROM attempts WHERE live_token=? AND status='pending' ORDER BY id DESC",
                             (token,)).fetchone()
        return _attempt(row) if row else None

    def finish_attempt(self, attempt_id: int, analysis: Analysis) -> None:
        d = analysis.delivery
        c = analysis.capture
        with self.connect() as db:
            db.execute(
                "UPDATE attempts SET status=?, error=NULL, duration_s=?, score=?, over_limit_s=?, wpm=?, "
                "fillers_per_min=?, question_type=?, captured_s=?, ran_s=?, analysis=? WHERE id=?",
                (analysis.status, analysis.duration_s, analysis.score, analysis.over_limit_s, d and d.wpm,
                 d and d.fillers_per_min, analysis.question_type.value, c and c.captured_s, c and c.ran_s,
                 json.dumps(analysis.to_dict()), attempt_id))

    def relink_attempt(self, attempt_id: int, question: Question | None, parent_id: int | None,
                       mock_id: int | None) -> None:
        """Say what an attempt answered once that is known (a mock interview's follow-up, its parent)."""
        q = question
        with self.connect() as db:
            db.execute("UPDATE attempts SET question_id=?, question_text=?, competency=?, question_type=?, "
                       "parent_id=?, mock_id=? WHERE id=?",
                       (q and q.id, q and q.text, q and q.competency, q.type.value if q else "story", parent_id,
                        mock_id, attempt_id))

    def fail_attempt(self, attempt_id: int, error: str) -> None:
        with self.connect() as db:
            db.execute("UPDATE attempts SET status='error', error=? WHERE id=?", (error[:2000], attempt_id))

    def get(self, attempt_id: int) -> Attempt | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM attempts WHERE id=?", (attempt_id,)).fetchone()
        return _attempt(row) if row else None

    def attempts(self, question_id: str | None = None, limit: int = 500) -> list[Attempt]:
        sql, args = "SELECT * FROM attempts", []
        if question_id:
            sql, args = sql + " WHERE question_id=?", [question_id]
        with self.connect() as db:
            rows = db.execute(sql + " ORDER BY created_at DESC, id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_attempt(r) for r in rows]

    def unfinished(self) -> list[Attempt]:
        """Attempts whose analysis failed or never finished (a crash): candidates for reanalysis."""
        with self.connect() as db:
            rows = db.execute("SELECT * FROM attempts WHERE status IN ('pending', 'error') ORDER BY id").fetchall()
        return [_attempt(r) for r in rows]

    def delete_attempt(self, attempt_id: int) -> bool:
        a = self.get(attempt_id)
        if a is None:
            return False
        with self.connect() as db:
            db.execute("DELETE FROM attempts WHERE id=?", (attempt_id,))
        p = Path(a.audio_path)
        if p.is_file() and p.resolve().is_relative_to(self.audio_dir.resolve()):
            p.unlink()
        return True

    def delete_all(self) -> None:
        with self.connect() as db:
            for table in ("attempts", "mocks", "cards", "own_questions", "kv", "debriefs"):
                db.execute(f"DELETE FROM {table}")  # fixed table names, not user input
        for p in self.audio_dir.glob("*"):
            if p.is_file():
                p.unlink()

    # ------------------------------------------------------------ drill cards

    def card(self, question_id: str) -> tuple[str, int] | None:
        with self.connect() as db:
            row = db.execute("SELECT card, reviews FROM cards WHERE question_id=?", (question_id,)).fetchone()
        return (row["card"], row["reviews"]) if row else None

    def save_card(self, question_id: str, card_json: str, due: float, score: int | None) -> None:
        with self.connect() as db:
            db.execute(
                "INSERT INTO cards (question_id, card, due, last_score, reviews) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(question_id) DO UPDATE SET card=excluded.card, due=excluded.due, "
                "last_score=excluded.last_score, reviews=cards.reviews + 1",
                (question_id, card_json, due, score))

    def cards(self) -> list[dict[str, Any]]:
        with self.connect() as db:
            return [dict(r) for r in db.execute("SELECT * FROM cards ORDER BY due").fetchall()]

    # ------------------------------------------------------------ mock interviews

    def add_mock(self, question_ids: list[str]) -> int:
        with self.connect() as db:
            cur = db.execute("INSERT INTO mocks (created_at, question_ids) VALUES (?, ?)",
                             (time.time(), json.dumps(question_ids)))
            return int(cur.lastrowid)

    def set_mock(self, mock_id: int, position: int, status: str) -> None:
        with self.connect() as db:
            db.execute("UPDATE mocks SET position=?, status=? WHERE id=?", (position, status, mock_id))

    # ------------------------------------------------------------ debriefs

    def save_debrief(self, data: dict[str, Any], debrief_id: int | None = None) -> int:
        """Keep a debrief: a new one, or the one with this id (a new one if that id is gone)."""
        now = time.time()
        with self.connect() as db:
            if debrief_id is not None and db.execute("UPDATE debriefs SET data=?, updated_at=? WHERE id=?",
                                                     (json.dumps(data), now, debrief_id)).rowcount:
                return debrief_id
            cur = db.execute("INSERT INTO debriefs (created_at, updated_at, data) VALUES (?, ?, ?)",
                             (now, now, json.dumps(data)))
            return int(cur.lastrowid)

    def debriefs(self) -> list[SavedDebrief]:
        """Every debrief, the last saved first."""
        with self.connect() as db:
            rows = db.execute("SELECT * FROM debriefs ORDER BY updated_at DESC, id DESC").fetchall()
        return [SavedDebrief(r["id"], r["created_at"], r["updated_at"], json.loads(r["data"])) for r in rows]

    def delete_debrief(self, debrief_id: int) -> bool:
        with self.connect() as db:
            return db.execute("DELETE FROM debriefs WHERE id=?", (debrief_id,)).rowcount > 0

    # ------------------------------------------------------------ own questions and small state

    def add_own_question(self, qid: str, text: str, competency: str, source: str, qtype: str | None = None) -> None:
        """qtype: the kind of question as the user set it; None lets it be inferred from the wording."""
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO own_questions (id, text, competency, source, created_at, type) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (qid, text, competency, source, time.time(), qtype))

    def set_own_question_type(self, qid: str, qtype: str) -> None:
        with self.connect() as db:
            db.execute("UPDATE own_questions SET type=? WHERE id=?", (qtype, qid))

    def own_questions(self) -> list[dict[str, Any]]:
        with self.connect() as db:
            return [dict(r) for r in db.execute("SELECT * FROM own_questions ORDER BY created_at").fetchall()]

    def put(self, key: str, value: Any) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def values(self, prefix: str) -> dict[str, Any]:
        """Every key-value row whose key starts with prefix."""
        with self.connect() as db:
            rows = db.execute("SELECT key, value FROM kv WHERE key >= ? AND key < ?",
                              (prefix, prefix + "\uffff")).fetchall()
        return {r["key"]: json.loads(r["value"]) for r in rows}

    def get_value(self, key: str, default: Any = None) -> Any:
        with self.connect() as db:
            row = db.execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION; each step in its own transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"This data folder was written by a newer mockprep (schema {version}); update mockprep.")
    for i in range(version, SCHEMA_VERSION):
        db.execute("BEGIN")
        try:
            for stmt in MIGRATIONS[i].split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute(f"PRAGMA user_version={i + 1}")
            db.execute("COMMIT")
        except Exception:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def _attempt(row: sqlite3.Row) -> Attempt:
    from mockprep.analysis import Analysis

    d = dict(row)
    d["analysis"] = Analysis.from_dict(json.loads(d["analysis"])) if d["analysis"] else None
    return Attempt(**d)
