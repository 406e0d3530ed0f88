"""The recorder's routes: open an answer, take its audio piece by piece as it is spoken, play it back.

The page (static/recorder.js) sends 16 kHz int16 pieces, each with its sequence number and the sample offset
it starts at, and resends a piece until it is acknowledged; the stream keeps a piece once, in place, and
fills audio that never came with silence (on record). The last piece says whether the page stopped at the
time limit and how long the recording ran.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from mockprep.ui.room import Room, TooLong

TOKEN = re.compile(r"^[0-9a-f-]{32,36}$")
MAX_PIECE_BYTES = 2 * 1024 * 1024  # 64 s of 16 kHz int16: far above the quarter-second pieces the page sends


def _token(token: str) -> str:
    if not TOKEN.match(token):
        raise HTTPException(400, "bad recording token")
    return token


def router(room: Room) -> APIRouter:
    r = APIRouter(prefix="/mockprep")

    @r.post("/live/{token}/start")
    async def start(token: str, limit: float = 120.0, qid: str = "", probe: str = "", soft: int = 0) -> dict[str, Any]:
        """probe: the follow-up a mock interviewer asked about question `qid`, when the answer is to that."""
        limit = max(10.0, min(limit, room.settings.max_duration_s))
        await asyncio.to_thread(room.start_live, _token(token), room.live_question(qid, probe), limit)
        return {"ok": True}

    @r.post("/live/{token}/chunk")
    async def chunk(token: str, request: Request, seq: int = 0, offset: int | None = None, final: int = 0,
                    cut: int = 0, ran: float | None = None) -> dict[str, Any]:
        body = await request.body()
        if len(body) > MAX_PIECE_BYTES:
            raise HTTPException(413, "audio piece too large")
        if offset is not None and offset < 0:
            raise HTTPException(400, "bad offset")
        tok = _token(token)
        try:
            received = await asyncio.to_thread(room.feed_live, tok, offset, body, bool(final), bool(cut), ran)
        except TooLong as e:
            raise HTTPException(413, str(e)) from e
        if received is None:
            raise HTTPException(404, "no such recording")
        out: dict[str, Any] = {"ok": True, "seq": seq, "received": received}
        if final:
            out["pending_s"] = round(room.pending_s(tok), 1)
        return out

    @r.get("/recording/{attempt_id}")
    async def recording(attempt_id: int) -> FileResponse:
        # Served from the data folder itself: no copy of the recording goes to Gradio's temp cache.
        a = room.store.get(attempt_id)
        if a is None or not Path(a.audio_path).is_file():
            raise HTTPException(404, "no such recording")
        return FileResponse(a.audio_path, media_type=mimetypes.guess_type(a.audio_path)[0] or "audio/wav")

    return r
