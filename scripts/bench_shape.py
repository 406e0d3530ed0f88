"""What the shape of the answer costs: the loudness envelope at Stop and the SVG when the feedback is drawn.

    python scripts/bench_shape.py [FILE ...]   (default: the 47 s and the 2-minute fixture)

Analyses each file once (the real model), then times, over many repeats, levels.envelope on its samples (the
work added to the analysis at Stop), render._shape (and the word-time drawing it replaces)
and the whole feedback_html, and prints the sizes the
envelope adds to the stored JSON and to the page. One JSON object a file.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockprep import audio, levels  # noqa: E402
from mockprep.analysis import analyze_audio  # noqa: E402
from mockprep.render import _shape, feedback_html  # noqa: E402

FILES = [ROOT / "tests/fixtures/audio/strong_47s.flac", ROOT / "tests/fixtures/audio/long_128s.flac"]


def per_call_ms(fn, n: int = 50) -> float:
    """The median of n timed calls, in ms (one slow call on a shared machine does not move it)."""
    took = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        took.append(time.perf_counter() - t)
    return round(sorted(took)[n // 2] * 1000, 2)


def main() -> int:
    for path in [Path(p) for p in sys.argv[1:]] or FILES:
        a = audio.load(path)
        result = analyze_audio(a, "Tell me about a time you met a hard deadline.")
        d = result.to_dict()
        print(json.dumps({
            "file": path.name, "audio_s": round(a.duration_s, 1), "levels": len(result.envelope.db),
            "envelope_ms": per_call_ms(lambda: levels.envelope(a.samples)),  # noqa: B023
            "shape_ms": per_call_ms(lambda: _shape(result)),  # noqa: B023
            # The same answer drawn as an attempt stored before the envelope (one bar per word), for comparison.
            "word_bars_ms": per_call_ms(lambda: _shape(dataclasses.replace(result, envelope=None))),  # noqa: B023
            "feedback_html_ms": per_call_ms(lambda: feedback_html(result)),  # noqa: B023
            "shape_kb": round(len(_shape(result)) / 1024, 1),
            "loudness_json_kb": round(len(json.dumps(d["loudness"])) / 1024, 1),
            "analysis_json_kb": round(len(json.dumps(d)) / 1024, 1),
        }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
