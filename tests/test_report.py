"""Exports: Markdown and HTML reports with the audio alongside, and the history as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mockprep import report
from mockprep.banks import Question
from mockprep.store import Store
from tests.conftest import FIXTURES, analysed


def store_with(tmp_path: Path, fid: str, text: str) -> tuple[Store, int]:
    s = Store(tmp_path)
    kept = s.keep(FIXTURES / f"{fid}.flac", fid)
    aid = s.add_attempt(kept, Question(fid, text, "x", "test", "role", "general", ()), 120)
    s.finish_attempt(aid, analysed(fid))
    return s, aid


def test_attempt_export_has_transcript_metrics_feedback_chart_and_audio(tmp_path: Path) -> None:
    s, aid = store_with(tmp_path, "we_only_outage", "Tell me about an outage <b>now</b>")
    folder = report.export_attempts(s, [s.get(aid)], "one")
    md = (folder / "report.md").read_text()
    html = (folder / "report.html").read_text()
    assert "### Timeline" in md and "█" in md and "### Transcript" in md and "### Fix first" in md
    assert "words a minute" in md and "action_uses_i" in md
    assert analysed("we_only_outage").star.sentences[0].text in md
    assert "mp-timeline" in html and "mp-transcript" in html
    assert "<b>now</b>" not in html and "&lt;b&gt;now&lt;/b&gt;" in html  # question text is escaped
    audio = folder / f"attempt-{aid}.flac"
    assert audio.is_file() and f'src="attempt-{aid}.flac"' in html and f"(attempt-{aid}.flac)" in md


def test_history_csv(tmp_path: Path) -> None:
    s, aid = store_with(tmp_path, "strong_47s", "=HYPERLINK(\"http://x\")")
    rows = list(csv.reader(io.StringIO(report.history_csv(s.attempts()))))
    assert rows[0] == report.HISTORY_FIELDS
    assert rows[1][0] == str(aid) and rows[1][5] == "ok" and int(rows[1][6]) >= 80
    assert rows[1][3].startswith("'=")  # not run as a spreadsheet formula
