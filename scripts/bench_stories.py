"""What reading a story's layers adds after Stop in the mock interview, by how many attempts are kept.

    PYTHONPATH=. .venv/bin/python scripts/bench_stories.py [--sizes 50 200 500] [--repeat 3]

Fills a fresh store (temp folder) with written story answers (the test suite's synthesized ones, two
different stories alternating, so half the attempts are tellings of the answer asked about) and times, best
of --repeat: reading the attempts (Store.attempts, what the Review tab also does), and stories.layers_for
(that read plus finding the story and its layers), which the mock tab runs before it shows the follow-up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockprep import stories
from mockprep.store import Store
from tests.test_ui_review import add, story, synth

OTHER = ["At my first conference talk the projector died in front of three hundred people.",
         "I had to keep the audience with me for ten minutes.",
         "I drew the architecture on a flip chart and took questions while the technician worked.",
         "As a result the talk was rated the best of the day."]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "data")
    a, x = story()
    b, _ = synth(OTHER)
    aid = add(store, a, x, tmp)
    rows = [json.dumps(a.to_dict()), json.dumps(b.to_dict())]
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| attempts kept | Store.attempts() | stories.layers_for (incl. the read) |\n|---:|---:|---:|")
    for n in sorted(args.sizes):
        with store.connect() as db:
            have = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            for i in range(have, n):
                db.execute("INSERT INTO attempts (created_at, audio_path, status, analysis) VALUES (?, 'x.wav', "
                           "'ok', ?)", (time.time(), rows[i % 2]))
        read, layers = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            store.attempts()
            t1 = time.perf_counter()
            stories.layers_for(store, aid)
            read.append(t1 - t0)
            layers.append(time.perf_counter() - t1)
        print(f"| {n} | {min(read):.3f} s | {min(layers):.3f} s |")


if __name__ == "__main__":
    main()
