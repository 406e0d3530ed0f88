"""Progress tab: score over time, overall and by competency; pace and fillers a minute over time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import gradio as gr

from mockprep.ui.room import Room

COLUMNS = ["date", "score", "competency", "wpm", "fillers_per_min"]


def frames(room: Room) -> tuple:
    import pandas as pd

    rows = [{"date": pd.Timestamp(a.created_at, unit="s"), "score": a.score, "competency": a.competency or "other",
             "wpm": a.wpm, "fillers_per_min": a.fillers_per_min}
            for a in reversed(room.store.attempts()) if a.status == "ok"]
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df, df, df, df


@dataclass(frozen=True)
class ProgressTab:
    plots: list
    refresh_fn: object


def build(room: Room) -> ProgressTab:
    score = gr.LinePlot(x="date", y="score", title="Score over time", y_lim=[0, 100])
    by_comp = gr.LinePlot(x="date", y="score", color="competency", title="Score by competency", y_lim=[0, 100])
    with gr.Row():
        pace = gr.LinePlot(x="date", y="wpm", title="Pace (words a minute)")
        fillers = gr.LinePlot(x="date", y="fillers_per_min", title="Fillers a minute")
    return ProgressTab([score, by_comp, pace, fillers], partial(frames, room))
