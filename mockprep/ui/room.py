"""The practice room's state on the server: settings, the store, the questions, and the answers being recorded.

No Gradio here: the tabs' handlers and the recorder routes share one Room.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from mockprep import banks, drill
from mockprep.assessment import QuestionType
from mockprep.banks import Question, load_all
from mockprep.config import Settings
from mockprep.guesser import GuessPool
from mockprep.practice import Outcome, finish_streamed
from mockprep.qtype import infer
from mockprep.store import Store
from mockprep.stream import StreamSession

TYPE_KEY = "type:"  # kv rows "type:<question id>": the kind of question as the user set it


class TooLong(ValueError):
    """A live answer went past the longest recording kept (Settings.max_duration_s)."""


@dataclass
class Live:
    """An answer being recorded: its stream, its attempt row, and what the page said about it."""

    session: StreamSession
    attempt_id: int
    question: Question | None
    limit_s: float
    seen: float  # when the last piece came
    ran_s: float = 0.0
    cut_at_limit: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)  # one piece at a time, even on a retry
    outcome: threading.Event | None = None  # set once the analysis is done (it starts with the last piece)
    result: Outcome | None = None

    @property
    def schedule(self) -> bool:
        """A bank question's answer reschedules its drill; a mock interview's follow-up does not."""
        return self.question is not None and not self.question.id.endswith("-probe")


class Room:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.data_dir)
        self.questions, errors = load_all(settings.data_dir)
        for e in errors:
            print(f"mockprep: {e}", file=sys.stderr)
        self.live: dict[str, Live] = {}  # being recorded
        self.done: dict[str, Live] = {}  # analysed, until the page asks for the result
        self.live_lock = threading.Lock()
        self.guesses: GuessPool | None = None  # child processes for live guesses, once warmed up
        self.closed = False

    # ------------------------------------------------------------ questions

    def all_questions(self) -> list[Question]:
        """The banks' questions and the user's own (from debriefs), each with the type the user chose."""
        own = [Question(q["id"], q["text"], q["competency"], "mine", "own", "general", (),
                        QuestionType(q["type"]) if q.get("type") else infer(q["text"]), not q.get("type"))
               for q in self.store.own_questions()]
        chosen = {k[len(TYPE_KEY):]: v for k, v in self.store.values(TYPE_KEY).items()}
        return [replace(q, type=QuestionType(chosen[q.id]), type_inferred=False) if q.id in chosen else q
                for q in [*self.questions, *own]]

    def question(self, qid: str | None) -> Question | None:
        return next((q for q in self.all_questions() if q.id == qid), None) if qid else None

    def set_type(self, qid: str, qtype: QuestionType) -> Question | None:
        """The user says how this question should be judged; it stays so for later answers."""
        self.store.put(TYPE_KEY + qid, qtype.value)
        return self.question(qid)

    def pick(self, competency: str = "any", bank: str = "any", qtype: str = "any",
             current: Question | None = None) -> Question | None:
        """A question for the filters chosen in the page ("any" = no filter); any question if none match."""
        qs = self.all_questions()
        given = {k: (None if v in ("", "any") else v) for k, v in
                 (("competency", competency), ("bank", bank), ("qtype", qtype))}
        exclude = current.id if current else None
        for filters in (given, {**given, "qtype": None}, {}):
            try:
                return banks.pick(qs, **filters, exclude=exclude)
            except ValueError:
                continue
        return None

    def first_question(self) -> Question | None:
        return self.question("general-01") or self.pick()

    def next_due(self) -> Question | None:
        qid = drill.next_due(self.store)
        return self.question(qid) if qid else None

    # ------------------------------------------------------------ answers recorded in the browser

    def live_question(self, qid: str, probe: str = "") -> Question | None:
        """The question a recording answers, as the page names it; a follow-up probe keeps its question's kind."""
        q = self.question(qid)
        if q is not None and probe.strip():
            return replace(q, id=f"{q.id}-probe", text=" ".join(probe.split())[:400], probes=(), type_inferred=False)
        return q

    def start_live(self, token: str, question: Question | None, limit_s: float) -> None:
        """Recording started: open the attempt's file and row now, so nothing said can be lost.

        A start sent again (a retry) changes nothing; after a restart the recording goes on where it was."""
        self.reap_idle()
        with self.live_lock:
            if token in self.live:
                return
        if self._resume(token):
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe_q = "".join(c for c in (question.id if question else "answer") if c.isalnum() or c in "-_")[:40]
        path = self.store.audio_dir / f"{stamp}-{safe_q}-{token[:8]}.wav"
        session = StreamSession(path, self.settings, guesses=self.guesses)
        aid = self.store.add_attempt(path, question, limit_s, live_token=token)
        with self.live_lock:
            self.live[token] = Live(session, aid, question, limit_s, time.time())

    def _resume(self, token: str) -> Live | None:
        """A recording the server was writing when it stopped: reopen it from its file and row."""
        a = self.store.live_attempt(token)
        if a is None or not Path(a.audio_path).is_file():
            return None
        q = self.live_question(a.question_id.removesuffix("-probe"), a.question_text or "") \
            if a.question_id and a.question_id.endswith("-probe") else self.question(a.question_id)
        try:
            session = StreamSession(Path(a.audio_path), self.settings, resume=True, guesses=self.guesses)
        except ValueError:
            return None
        live = Live(session, a.id, q, a.limit_s or self.settings.limit_s, time.time())
        with self.live_lock:
            return self.live.setdefault(token, live)

    def _get(self, token: str) -> Live | None:
        with self.live_lock:
            live = self.live.get(token)
        return live or self._resume(token)

    def feed_live(self, token: str, offset: int | None, pcm16: bytes, final: bool = False, cut: bool = False,
                  ran_s: float | None = None) -> int | None:
        """A piece of 16 kHz int16 audio at sample `offset` (None: right after what is here); the samples now
        held, or None for no such recording.

        final: the piece sent at Stop (cut: the page stopped at the time limit); the analysis starts at once.
        ran_s: how long the page has been recording, which tells audio that never arrived from audio that was
        never said."""
        live = self._get(token)
        if live is None:
            return None
        with live.lock:
            s = live.session
            if s.duration_s > self.settings.max_duration_s:  # past the cap: keep what is there, take no more
                raise TooLong(f"This answer is longer than the {self.settings.max_duration_s / 60:g} minutes "
                              "mockprep keeps; what came before is kept.")
            if not s.closed:
                s.put(s.received if offset is None else offset, pcm16)
            live.seen = time.time()
            if ran_s is not None:
                live.ran_s = max(live.ran_s, ran_s)
            if final and live.outcome is None:
                live.cut_at_limit = cut
                self._finish(token, live)
            return s.received

    def _finish(self, token: str, live: Live) -> None:
        """Analyse in the background: the page asks for the result a moment later (or never, if it closed)."""
        live.outcome = threading.Event()

        def run() -> None:
            try:
                if live.session.duration_s < 0.2:
                    live.session.abandon()
                    msg = "The recording was empty: check the microphone and try again."
                    self.store.fail_attempt(live.attempt_id, msg)
                    live.result = Outcome(live.attempt_id, live.session.path, None, msg)
                else:
                    live.result = finish_streamed(self.store, live.attempt_id, live.session, live.question,
                                                  live.limit_s, self.settings, ran_s=live.ran_s,
                                                  cut_at_limit=live.cut_at_limit, schedule=live.schedule)
            finally:
                live.outcome.set()
                with self.live_lock:
                    self.done[token] = live
                    self.live.pop(token, None)

        threading.Thread(target=run, daemon=True, name=f"mockprep-finish-{token[:8]}").start()

    def pending_s(self, token: str) -> float:
        """Seconds of the answer still to transcribe (shown while the feedback is on its way)."""
        live = self.live.get(token)
        return live.session.pending_s if live else 0.0

    def stop_live(self, token: str, question: Question | None = None, parent_id: int | None = None,
                  mock_id: int | None = None, timeout: float = 600.0) -> Outcome | None:
        """The page has sent the whole answer: its analysis. None when there is no such recording.

        parent_id/mock_id: what the answer turned out to belong to (a mock interview and its question)."""
        with self.live_lock:
            live = self.live.get(token) or self.done.get(token)
        if live is None:
            return None
        if live.outcome is None:  # Stop without a final piece (an older page): finish now
            with live.lock:
                if live.outcome is None:
                    self._finish(token, live)
        assert live.outcome is not None
        live.outcome.wait(timeout)
        with self.live_lock:
            self.done.pop(token, None)
        if parent_id or mock_id:
            self.store.relink_attempt(live.attempt_id, live.question, parent_id, mock_id)
        return live.result

    def warm_up(self) -> None:
        """Load the model, and start the children that read live guesses (they load their own copies)."""
        from mockprep.transcribe import warm_up

        warm_up(self.settings)
        with self.live_lock:  # a room closed before its warm-up ran (a short test) starts no children
            if self.settings.guess_processes > 0 and self.guesses is None and not self.closed:
                self.guesses = GuessPool(self.settings, self.settings.guess_processes)

    def close(self) -> None:
        with self.live_lock:
            self.closed = True
            if self.guesses is not None:
                self.guesses.close()

    def reap_idle(self) -> None:
        """Recordings nothing has been heard from for a while (the tab was closed): analyse what arrived, so
        the answer is in Review; the file keeps everything said up to then either way."""
        now = time.time()
        with self.live_lock:
            idle = [(t, v) for t, v in self.live.items() if v.outcome is None
                    and now - v.seen > self.settings.live_idle_s]
            for t in [t for t, v in self.done.items() if now - v.seen > 5 * self.settings.live_idle_s]:
                del self.done[t]  # analysed and stored; the page that would have shown it is gone
        for token, live in idle:
            with live.lock:
                if live.outcome is None:
                    self._finish(token, live)

    def drop_live(self, token: str) -> None:
        """Close a recording without analysing it; its file and pending row stay for `mockprep reanalyze`."""
        with self.live_lock:
            live = self.live.pop(token, None)
        if live and live.outcome is None:
            live.session.abandon()
