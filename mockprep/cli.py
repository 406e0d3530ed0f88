"""Command line: `mockprep analyze`, `mockprep questions`, `mockprep serve` (the default)."""

from __future__ import annotations

import argparse
import json
import sys

from mockprep import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockprep", description="Rehearse interview answers aloud, offline.")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("analyze", help="analyse a recorded answer")
    p.add_argument("audio", help="wav, flac, ogg, mp3, m4a or webm")
    p.add_argument("--question", help="the question that was answered")
    p.add_argument("--limit", type=float, default=None, help="time limit in seconds (default 120)")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON")
    p.add_argument("--model", help="faster-whisper model name or local CTranslate2 folder (default: bundled tiny.en)")

    q = sub.add_parser("questions", help="list the question banks")
    q.add_argument("--competency")
    q.add_argument("--bank")

    s = sub.add_parser("serve", help="start the practice room in the browser")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--auth", help="user:password, required when serving beyond this machine")

    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "questions":
            return _questions(args)
        return _serve(getattr(args, "host", None), getattr(args, "port", None), getattr(args, "auth", None))
    except KeyboardInterrupt:
        return 130


def _analyze(args: argparse.Namespace) -> int:
    from mockprep.analysis import analyze
    from mockprep.audio import AudioError
    from mockprep.transcribe import ModelError

    settings = config.SETTINGS
    if args.model:
        settings = settings.with_overrides(model=args.model)
    try:
        result = analyze(args.audio, args.question, args.limit, settings)
    except (AudioError, ModelError) as e:
        print(f"mockprep: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from mockprep.terminal import print_report

        print_report(result)
    return 0


def _questions(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from mockprep.banks import builtin_banks_dir, load_banks

    questions, errors = load_banks([builtin_banks_dir(), config.SETTINGS.data_dir / "banks"])
    console = Console()
    for e in errors:
        console.print(f"[red]{e}[/red]")
    table = Table("id", "competency", "bank", "question", show_lines=False)
    for qn in questions:
        if args.competency and qn.competency != args.competency:
            continue
        if args.bank and qn.bank != args.bank:
            continue
        table.add_row(qn.id, qn.competency, qn.bank, qn.text)
    console.print(table)
    return 1 if errors and not questions else 0


def _serve(host: str | None, port: int | None, auth: str | None) -> int:
    try:
        from mockprep.ui.app import serve
    except ImportError as e:  # the app arrives with the browser practice room
        print(f"mockprep: the practice room is not available: {e}", file=sys.stderr)
        return 2
    return serve(host=host, port=port, auth=auth)


if __name__ == "__main__":
    raise SystemExit(main())
