"""Command line: `mockprep analyze`, `mockprep questions`, `mockprep serve` (the default)."""

from __future__ import annotations

import argparse
import faulthandler
import json
import sys

from mockprep import config
from mockprep.banks import TYPES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockprep", description="Rehearse interview answers aloud, offline.")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("analyze", help="analyse a recorded answer")
    p.add_argument("audio", help="wav, flac, ogg, mp3, m4a or webm")
    p.add_argument("--question", help="the question that was answered")
    p.add_argument("--limit", type=float, default=None, help="time limit in seconds (default 120)")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON")
    p.add_argument("--model", help="faster-whisper model name or local CTranslate2 folder (default: bundled tiny.en)")
    p.add_argument("--type", choices=TYPES, help="the kind of question (default: read from --question's wording)")
    p.add_argument("--live", action="store_true",
                   help="feed the file through the streaming session the browser uses (same result, as a check)")

    q = sub.add_parser("questions", help="list the question banks")
    q.add_argument("--competency")
    q.add_argument("--bank")
    q.add_argument("--type", choices=TYPES)

    h = sub.add_parser("history", help="list your attempts")
    h.add_argument("--csv", action="store_true", help="print the history as CSV")

    r = sub.add_parser("reanalyze", help="analyse again attempts whose analysis failed or never finished")
    r.add_argument("ids", nargs="*", type=int, help="attempt ids (default: every failed or unfinished one)")

    d = sub.add_parser("drill", help="answer the next question due for drilling, from the microphone")
    d.add_argument("--limit", type=float, default=None, help="time limit in seconds (default 120)")
    d.add_argument("--soft", action="store_true", help="keep recording past the limit")
    d.add_argument("--device", help="input device name or number (default: the system's)")

    s = sub.add_parser("serve", help="start the practice room in the browser")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--auth", help="user:password, required when serving beyond this machine")

    args = parser.parse_args(argv)
    faulthandler.enable()  # a crash in a native library prints where it happened, not only 'Segmentation fault'
    config.offline()
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "questions":
            return _questions(args)
        if args.command == "history":
            return _history(args)
        if args.command == "reanalyze":
            return _reanalyze(args)
        if args.command == "drill":
            return _drill(args)
        return _serve(getattr(args, "host", None), getattr(args, "port", None), getattr(args, "auth", None))
    except KeyboardInterrupt:
        return 130


def _analyze(args: argparse.Namespace) -> int:
    from mockprep.analysis import analyze, analyze_live
    from mockprep.assessment import QuestionType
    from mockprep.audio import AudioError
    from mockprep.qtype import infer
    from mockprep.transcribe import ModelError

    settings = config.SETTINGS
    if args.model:
        settings = settings.with_overrides(model=args.model)
    qtype = QuestionType(args.type) if args.type else infer(args.question or "")
    try:
        result = (analyze_live if args.live else analyze)(args.audio, args.question, args.limit, settings, qtype)
    except (AudioError, ModelError) as e:
        print(f"mockprep: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from mockprep.terminal import print_report

        print_report(result, settings=settings)
    return 0


def _questions(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from mockprep.banks import load_all

    questions, errors = load_all(config.SETTINGS.data_dir)
    console = Console()
    for e in errors:
        console.print(f"[red]{escape(str(e))}[/red]")
    shown = [q for q in questions if (not args.competency or q.competency == args.competency)
             and (not args.bank or q.bank == args.bank) and (not args.type or q.type.value == args.type)]
    table = Table("id", "type", "competency", "bank", "question", show_lines=False,
                  caption=f"{len(shown)} of {len(questions)} questions")
    for qn in shown:
        table.add_row(escape(qn.id), qn.type.value, escape(qn.competency), escape(qn.bank), escape(qn.text))
    console.print(table)
    if not questions:
        console.print("[red]No questions could be loaded: the built-in banks are missing from this install.[/red]")
        return 1
    return 0


def _store():
    from mockprep.store import Store

    return Store(config.SETTINGS.data_dir)


def _history(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from mockprep import report

    attempts = _store().attempts()
    if args.csv:
        sys.stdout.write(report.history_csv(attempts))
        return 0
    if not attempts:
        print("No attempts yet: answer a question in the app or with `mockprep drill`.")
        return 0
    table = Table("id", "date", "question", "score", "length", "over limit", "status")
    for row in report.summary_rows(attempts):
        table.add_row(*(str(row[k]) if row[k] is not None else "-" for k in
                        ("id", "date", "question", "score", "duration", "over limit", "status")))
    Console().print(table)
    return 0


def _reanalyze(args: argparse.Namespace) -> int:
    from mockprep import practice

    store = _store()
    ids = args.ids or [a.id for a in store.unfinished()]
    if not ids:
        print("Nothing to reanalyse: every attempt has its analysis.")
        return 0
    failed = 0
    for aid in ids:
        try:
            out = practice.reanalyze(store, aid, config.SETTINGS)
        except KeyError:
            print(f"mockprep: there is no attempt {aid}.", file=sys.stderr)
            failed += 1
            continue
        status = out.analysis.status if out.analysis else f"error: {out.error}"
        print(f"attempt {aid}: {status}")
        failed += out.analysis is None
    return 1 if failed else 0


def _drill(args: argparse.Namespace) -> int:
    import threading
    import time

    from rich.console import Console
    from rich.live import Live

    from mockprep import drill, practice
    from mockprep.banks import load_all, pick
    from mockprep.recorder import RecorderError, check, record
    from mockprep.stream import StreamSession
    from mockprep.words import clock

    console = Console()
    settings = config.SETTINGS
    store = _store()
    try:
        check()
    except RecorderError as e:
        print(f"mockprep: {e}", file=sys.stderr)
        return 2
    questions, _ = load_all(settings.data_dir)
    if not questions:
        print("mockprep: no questions could be loaded: the built-in banks are missing from this install.",
              file=sys.stderr)
        return 2
    by_id = {q.id: q for q in questions}
    qid = drill.next_due(store)
    q = by_id.get(qid) if qid else None
    if q is None:
        q = pick(questions)
    limit = args.limit or settings.limit_s
    console.print(f"[bold]{q.text}[/bold]\n[dim]{q.competency.replace('_', ' ')} · press Enter to start, "
                  "Enter again to stop[/dim]")
    input()
    stop = threading.Event()
    threading.Thread(target=lambda: (input(), stop.set()), daemon=True).start()
    path = store.audio_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{q.id}.wav"
    aid = store.add_attempt(path, q, limit)  # before recording: a crash leaves it to reanalyse
    session = StreamSession(None, settings)  # transcribes while the answer is spoken; recorder writes the file
    with Live(console=console, refresh_per_second=5) as live:
        def tick(elapsed: float) -> None:
            left = limit - elapsed
            style = "red" if left <= 10 else "yellow" if left <= 30 else "green"
            live.update(f"[{style} bold]● {clock(left) if left >= 0 else '+' + clock(-left)}[/] recording…")

        try:
            rec = record(path, limit, soft=args.soft, device=args.device, stop=stop, on_tick=tick,
                         on_block=session.feed)
        except RecorderError as e:
            session.abandon()
            store.fail_attempt(aid, str(e))
            print(f"mockprep: {e}", file=sys.stderr)
            return 2
    if rec.cut_at_limit:
        console.print(f"[yellow]Stopped at the {clock(limit)} limit.[/yellow]")
    out = practice.finish_streamed(store, aid, session, q, limit, settings, ran_s=rec.duration_s,
                                   cut_at_limit=rec.cut_at_limit)
    if out.analysis is None:
        print(f"mockprep: {out.error}", file=sys.stderr)
        return 1
    from mockprep.terminal import print_report

    print_report(out.analysis, console, settings)
    return 0


def _serve(host: str | None, port: int | None, auth: str | None) -> int:
    try:
        from mockprep.ui.app import serve
    except ImportError as e:  # the app arrives with the browser practice room
        print(f"mockprep: the practice room is not available: {e}", file=sys.stderr)
        return 2
    return serve(host=host, port=port, auth=auth)


if __name__ == "__main__":
    raise SystemExit(main())
