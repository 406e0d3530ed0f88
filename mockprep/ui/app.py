"""The practice room in the browser: the tabs put together, mounted on mockprep's own web app, and served.

mockprep owns the FastAPI app: its recorder routes and static files sit beside Gradio's (mounted with
`gr.mount_gradio_app`), and one guard in front of all of them asks for the login when one is set.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from mockprep import config
from mockprep.config import Settings
from mockprep.ui import drill, live, mock, practice, progress, recovery, review
from mockprep.ui.room import Room

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def static_dir() -> Path:
    return Path(str(resources.files("mockprep") / "ui" / "static"))


# ---------------------------------------------------------------- the page


def build_blocks(room: Room) -> gr.Blocks:
    """Every tab, and the few events that go from one tab to another."""
    with gr.Blocks(title="mockprep — practice room", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.Markdown("## mockprep · practice room\nAnswer aloud. Everything stays on this machine.")
        with gr.Tabs() as tabs:
            with gr.Tab("Practice", id="practice"):
                p = practice.build(room)
            with gr.Tab("Review", id="review") as review_tab:
                r = review.build(room)
            with gr.Tab("Progress", id="progress") as progress_tab:
                g = progress.build(room)
            with gr.Tab("Drill", id="drill") as drill_tab:
                d = drill.build(room)
            with gr.Tab("Mock interview", id="mock"):
                m = mock.build(room)
            with gr.Tab("After an interview", id="recovery"):
                rc = recovery.build(room)

        review_tab.select(r.refresh_fn, None, r.refreshed, api_visibility="private")
        progress_tab.select(g.refresh_fn, None, g.plots, api_visibility="private")
        drill_tab.select(d.refresh_fn, None, d.views, api_visibility="private")
        d.go.click(partial(_drill_now, room), [p.question], [*p.shown, tabs], api_visibility="private")
        rc.practise.click(partial(_practise_worst, room), [p.question, rc.which], [*p.shown, tabs, rc.status],
                          api_name="debrief_practice")
        rc.mock.click(partial(_mock_worst, room, m.begin_fn), [rc.which], [*m.started, tabs, rc.status],
                      api_name="debrief_mock")
        demo.load(r.refresh_fn, None, r.refreshed, api_visibility="private")
        demo.load(rc.restore_fn, None, rc.restored, api_visibility="private")
    demo.queue(default_concurrency_limit=1, max_size=32)
    return demo


def _drill_now(room: Room, current: Any) -> tuple:
    return (*practice.show(room.next_due() or current), gr.Tabs(selected="practice"))


def _practise_worst(room: Room, current: Any, which: str | None = None) -> tuple:
    ids = recovery.worst_ids(room, 1, which)
    q = room.question(ids[0]) if ids else None
    if q is None:
        return (*[gr.skip()] * 6, gr.skip(), "**Save a debrief first.**")
    return (*practice.show(q), gr.Tabs(selected="practice"), "Practising your weakest question.")


def _mock_worst(room: Room, begin: Any, which: str | None = None) -> tuple:
    ids = recovery.worst_ids(room, 3, which)
    if not ids:
        return (*[gr.skip()] * 3, gr.skip(), "**Save a debrief first.**")
    return (*begin(len(ids), only_ids=ids), gr.Tabs(selected="mock"),
            "Mock interview on your three weakest questions.")


# ---------------------------------------------------------------- the web app


class LoginRequired:
    """HTTP Basic login in front of every route, Gradio's and ours (ASGI middleware: it sees everything)."""

    def __init__(self, app: Any, user: str, password: str) -> None:
        self.app, self.user, self.password = app, user, password

    def allowed(self, headers: list[tuple[bytes, bytes]]) -> str | None:
        raw = dict(headers).get(b"authorization", b"")
        scheme, _, value = raw.decode("latin-1").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        ok = secrets.compare_digest(user.encode(), self.user.encode()) & \
            secrets.compare_digest(password.encode(), self.password.encode())
        return user if ok else None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or self.allowed(scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"www-authenticate", b'Basic realm="mockprep", charset="UTF-8"'),
                                (b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"mockprep needs the login you started it with."})


def create_app(settings: Settings, credentials: tuple[str, str] | None = None) -> tuple[FastAPI, gr.Blocks, Room]:
    """mockprep's web app: recorder routes, static files and the Gradio page, behind the login if one is set."""
    room = Room(settings)
    blocks = build_blocks(room)
    # FastAPI's OpenTelemetry hooks stay off: nothing about the user's answers is traced or exported.
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                             "auto_configure": False})
    app.include_router(live.router(room))
    app.mount("/mockprep/static", StaticFiles(directory=static_dir()), name="mockprep-static")
    guard = LoginRequired(None, *credentials) if credentials else None

    def user(request: Request) -> str | None:  # Gradio's own record of who is logged in
        return guard.allowed(request.headers.raw) if guard else "local"

    app = gr.mount_gradio_app(app, blocks, path="/", auth_dependency=user if guard else None,
                              css_paths=[static_dir() / "mockprep.css"], head_paths=[static_dir() / "head.html"],
                              max_file_size=f"{int(settings.max_upload_mb)}mb", footer_links=["settings"],
                              show_error=True, ssr_mode=False, run_history=False)
    if guard:
        app.add_middleware(LoginRequired, user=credentials[0], password=credentials[1])
    return app, blocks, room


@dataclass
class Served:
    """A running practice room (what `serve(block=False)` returns)."""

    url: str
    room: Room
    blocks: gr.Blocks
    server: uvicorn.Server
    thread: threading.Thread

    def close(self) -> None:
        # Open connections (the page's event stream, keep-alives) are cut, not waited for; the tracebacks
        # uvicorn logs for the requests it cancels that way say nothing about the app.
        log = logging.getLogger("uvicorn.error")
        level = log.level
        log.setLevel(logging.CRITICAL)
        self.server.should_exit = self.server.force_exit = True
        self.thread.join(timeout=10)
        log.setLevel(level)
        self.room.close()
        with contextlib.suppress(Exception):
            self.blocks.close()


def _few_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own heap arena (up to 8 per core); the server's threads
    (HTTP, queue, transcription worker) then hold freed memory apart. Two arenas keep the peak ~20-30 MiB
    lower during an answer (docs/benchmarks.md). The same as MALLOC_ARENA_MAX=2; a no-op off glibc."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def start(settings: Settings, host: str, port: int, credentials: tuple[str, str] | None = None) -> Served:
    """Build the app and serve it from a background thread; returns once it answers."""
    app, blocks, room = create_app(settings, credentials)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))  # bound here, so port 0 picks a free one and a busy port fails at once
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="mockprep-http")
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.02)
    if not thread.is_alive():
        raise OSError(f"mockprep could not listen on {host}:{port}.")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return Served(f"http://{shown}:{sock.getsockname()[1]}/", room, blocks, server, thread)


def serve(host: str | None = None, port: int | None = None, auth: str | None = None,
          settings: Settings | None = None, block: bool = True) -> Served | int:
    """Start the app on 127.0.0.1 unless told otherwise; beyond this machine only with --auth."""
    config.offline()
    settings = settings or config.SETTINGS
    host = host or settings.host
    port = settings.port if port is None else port
    credentials = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            print("mockprep: --auth takes user:password.", file=sys.stderr)
            return 2
        credentials = (user, password)
    if host not in LOOPBACK and credentials is None:
        print(f"mockprep: refusing to serve on {host} without --auth user:password: recordings are private.",
              file=sys.stderr)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _few_malloc_arenas()
    try:
        served = start(settings, host, port, credentials)
    except OSError as e:
        print(f"mockprep: cannot listen on {host}:{port} ({e.strerror or e}); try another --port.", file=sys.stderr)
        return 2
    # Warm the model once the page is up (not before: it would slow the start); the first answer, a minute
    # or two away, then pays nothing for it. A moment's delay lets the first page load first.
    warm = threading.Timer(2.0, served.room.warm_up)
    warm.daemon = True
    warm.start()
    print(f"mockprep is running at {served.url}  (data: {settings.data_dir}; Ctrl+C to stop)", flush=True)
    if not block:
        return served
    try:
        while served.thread.is_alive():
            served.thread.join(3600)
    except KeyboardInterrupt:
        served.close()
    return 0
