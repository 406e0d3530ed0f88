"""Stop -> complete analysis, with and without transcribing while the candidate speaks.

    python scripts/bench_latency.py --audio FILE [--speed 1] [--chunk 0.5] [--json]

Feeds FILE in chunk-sized pieces through mockprep.stream.StreamSession (the code path the app uses), in
real time by default. --speed N feeds N times faster (the worker is never more than one stretch behind);
that is quicker to run but leaves the worker less idle time for its guesses than a real answer does, so
Stop can find more left to do. Measures, in the same run:
  batch_s  = Stop -> complete analysis when the whole recording is transcribed after Stop
  stream_s = Stop -> complete analysis with streaming (only the last stretch is left at Stop)
The last line printed is one JSON object {"audio_s", "batch_s", "stream_s", "ratio"}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from mockprep import audio as audio_mod  # noqa: E402
from mockprep.analysis import analyze_audio  # noqa: E402
from mockprep.config import SETTINGS  # noqa: E402
from mockprep.stream import StreamSession  # noqa: E402
from mockprep.transcribe import warm_up  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", default=str(ROOT / "tests/fixtures/audio/long_128s.flac"))
    ap.add_argument("--speed", type=float, default=1.0, help="how much faster than real time to feed")
    ap.add_argument("--chunk", type=float, default=0.5, help="seconds per piece, as the browser sends them")
    ap.add_argument("--trail", type=float, default=0.0, help="seconds of silence before Stop (the page's tests: 1)")
    ap.add_argument("--load", type=int, default=0, help="spinning processes beside it (tests/load.py), e.g. 4")
    ap.add_argument("--guess-processes", type=int, default=0,
                    help="guesses in this many child processes, as the app runs them (default: in the worker)")
    ap.add_argument("--work", action="store_true", help="print what the worker read, and how long each took")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting changed for this run, e.g. guess_free_wall_s=1000 (guesses at every pause)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    global SETTINGS
    for item in args.set:
        name, value = item.split("=", 1)
        SETTINGS = replace(SETTINGS, **{name: type(getattr(SETTINGS, name))(value)})
    if args.load:
        sys.path.insert(0, str(ROOT / "tests"))
        from load import cpu_load

        with cpu_load(args.load):
            return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:

    a = audio_mod.load(args.audio)
    if args.trail:
        a = audio_mod.Audio(np.concatenate([a.samples, np.zeros(int(args.trail * a.sample_rate), np.float32)]),
                            a.sample_rate)
    warm_up(SETTINGS)

    # Batch: the whole file after Stop.
    t = time.perf_counter()
    batch = analyze_audio(a, None, None, SETTINGS)
    batch_s = time.perf_counter() - t

    # Streaming: the same audio in pieces, then Stop.
    step = int(args.chunk * a.sample_rate)
    with tempfile.TemporaryDirectory() as tmp:
        pool = None
        if args.guess_processes:
            from mockprep.guesser import GuessPool

            pool = GuessPool(SETTINGS, args.guess_processes)
            pool.wait_ready()
        s = StreamSession(Path(tmp) / "answer.wav", SETTINGS, guesses=pool)
        for i in range(0, len(a.samples), step):
            if i:  # the piece before arrived chunk seconds ago; Stop comes with the last piece, no later
                time.sleep(args.chunk / args.speed)
                while s.backlog > 1:  # real time would have let the worker keep up
                    time.sleep(0.01)
            s.feed(a.samples[i: i + step], a.sample_rate)  # as the page does
        t = time.perf_counter()
        audio, words, f0, timings = s.finish()
        streamed = analyze_audio(audio, None, None, SETTINGS, words=words, f0=f0, timings=timings)
        stream_s = time.perf_counter() - t
        if args.work:
            sr = a.sample_rate
            print(f"  Stop at {t - s._t0:.1f} s, {len(a.samples) / sr:.1f} s of audio")
            for w in s.work:
                kept = " (kept guess)" if w.reused else ""
                print(f"  at {w.began_s:5.1f} s {w.kind:8} {w.start / sr:5.1f}-{w.end / sr:5.1f} s of audio "
                      f"in {w.wall_s:5.2f} s{kept}")
        if pool is not None:
            pool.close()

    b, st = batch.to_dict(), streamed.to_dict()
    if not args.json:
        from bench_analyze import load_truth, normalise, wer

        print(f"audio {a.duration_s:.1f} s; batch {batch_s:.2f} s; stream {stream_s:.2f} s "
              f"(waited {timings['wait_s']:.2f} s for the worker, then {timings['tail_audio_s']:.1f} s of audio "
              f"left to transcribe, all words at {timings['transcribe_s']:.2f} s)")
        print(f"words batch {len(batch.words)} stream {len(streamed.words)}; score batch {b['star']['score']} "
              f"stream {st['star']['score']}; wpm {b['delivery']['wpm']} / {st['delivery']['wpm']}; "
              f"pauses {len(b['delivery']['pauses'])} / {len(st['delivery']['pauses'])}")
        same = [k for k in b["star"]["checks"] if b["star"]["checks"][k]["passed"] == st["star"]["checks"][k]["passed"]]
        print(f"STAR checks that agree: {len(same)} of {len(b['star']['checks'])}")
        truth = load_truth(Path(args.audio))
        if truth:
            ref = normalise(" ".join(x["text"] for x in truth["sentences"]))
            for name, d in (("batch", b), ("stream", st)):
                print(f"WER against the truth text, {name}: {wer(ref, normalise(d['transcript']))[0]:.2%}")
        print(f"WER of the streamed transcript against the batch one: "
              f"{wer(normalise(b['transcript']), normalise(st['transcript']))[0]:.2%}")
    print(json.dumps({"audio_s": round(a.duration_s, 2), "batch_s": round(batch_s, 3),
                      "stream_s": round(stream_s, 3), "ratio": round(stream_s / batch_s, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
