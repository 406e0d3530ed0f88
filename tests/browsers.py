"""One small page API over two real browsers, so that one test body runs in both:

- Chromium (Debian's /usr/bin/chromium) through Playwright, with its fake capture device playing a WAV
  file as the microphone;
- Firefox (Debian's /usr/bin/firefox-esr) through tests/browser/driver.mjs (puppeteer-core over WebDriver
  BiDi), recording from PulseAudio's default source (see tests/pulse.py).

    with open_browser("chromium", mic_wav=wav) as page:      # or open_browser("firefox", env=mic.env)
        page.goto(url); page.click("#rec"); page.wait_for_function("window.done", timeout=60_000)

Page methods: goto, click, click_at (a point of the element, from its top left), press (a key, to the
focused element), wait_for_selector, wait_for_function, inner_text, evaluate (a JS expression; a promise is
awaited), screenshot, close. Timeouts are in milliseconds, as in both drivers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DRIVER_DIR = ROOT / "tests" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
BROWSERS = ("chromium", "firefox")
# Firefox's threads that carry microphone audio (its audio IPC, the graph, cubeb's PulseAudio thread).
AUDIO_THREADS = ("AudioIP", "GraphRunner", "threaded-ml")  # "AudioIPC Callback" shows as "AudioIP~allback"


def _descendants(pid: int | None) -> list[int]:
    """A process and all its children's pids, from /proc."""
    if not pid:
        return []
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def need(name: str) -> None:
    """Fail, saying what to install, when this browser cannot run here (`./dev test` installs them all)."""
    import pytest

    why = missing(name)
    if why:
        pytest.fail(f"{why}; ./dev test installs it")


def missing(name: str) -> str | None:
    """Why this browser cannot run here, or None."""
    if name == "chromium":
        if not Path(CHROMIUM).exists():
            return "chromium is not installed (apt-get install chromium)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "playwright is not installed (pip install playwright)"
        return None
    if not Path(FIREFOX).exists():
        return "firefox-esr is not installed (apt-get install firefox-esr)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (DRIVER_DIR / "node_modules" / "puppeteer-core").is_dir():
        return "puppeteer-core is not installed (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"
    return None


class ChromiumPage:
    def __init__(self, mic_wav: Path | None, args: list[str], grant: bool = True) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        flags = ["--no-sandbox", "--use-fake-device-for-media-stream", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", *args]
        if grant:
            flags.append("--use-fake-ui-for-media-stream")
        if mic_wav is not None:
            flags.append(f"--use-file-for-fake-audio-capture={mic_wav}%noloop")
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
            self.version = self._browser.version
            self._page = self._browser.new_context(permissions=["microphone"] if grant else []).new_page()
        except BaseException:
            self._pw.stop()
            raise
        self.console: list[str] = []
        self._page.on("console", lambda m: self.console.append(f"[console.{m.type}] {m.text}"))
        self._page.on("pageerror", lambda e: self.console.append(f"[pageerror] {e}"))

    def goto(self, url: str, timeout: float = 60_000) -> None:
        self._page.goto(url, timeout=timeout)

    def click(self, selector: str) -> None:
        self._page.click(selector)

    def click_at(self, selector: str, x: float, y: float) -> None:
        self._page.click(selector, position={"x": x, "y": y})

    def press(self, key: str) -> None:
        self._page.keyboard.press(key)

    def wait_for_selector(self, selector: str, timeout: float = 30_000) -> None:
        self._page.wait_for_selector(selector, timeout=timeout)

    def wait_for_function(self, expression: str, timeout: float = 30_000) -> Any:
        return self._page.wait_for_function(expression, timeout=timeout, polling=100).json_value()

    def inner_text(self, selector: str) -> str:
        return self._page.inner_text(selector)

    def evaluate(self, expression: str) -> Any:
        return self._page.evaluate(expression)

    def screenshot(self, path: Path | str, full_page: bool = True) -> None:
        self._page.screenshot(path=str(path), full_page=full_page)

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._pw.stop()


class DriverError(RuntimeError):
    pass


class FirefoxPage:
    def __init__(self, env: dict[str, str] | None, prefs: dict[str, Any]) -> None:
        opts = {"executablePath": FIREFOX, "prefs": prefs, "headless": True}
        self.console: list[str] = []
        self._proc = subprocess.Popen(["node", str(DRIVER_DIR / "driver.mjs"), json.dumps(opts)], cwd=DRIVER_DIR,
                                      env={**(env or os.environ), "MOZ_CRASHREPORTER_DISABLE": "1"},
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, bufsize=1)
        self._errs = threading.Thread(target=self._read_stderr, daemon=True)
        self._errs.start()
        self._id = 0
        first = self._proc.stdout.readline()
        hello = json.loads(first) if first.startswith("{") else {"ready": False, "error": first}
        if not hello.get("ready"):
            self._proc.kill()
            raise DriverError(f"Firefox did not start: {hello.get('error')} {''.join(self.console[-20:])}")
        self.version = hello.get("version")
        self.pid = hello.get("pid")

    def _read_stderr(self) -> None:
        for line in self._proc.stderr:
            self.console.append(line.rstrip("\n"))

    def _call(self, cmd: str, **args: Any) -> Any:
        self._id += 1
        self._proc.stdin.write(json.dumps({"id": self._id, "cmd": cmd, **args}) + "\n")
        self._proc.stdin.flush()
        while True:
            line = self._proc.stdout.readline()
            if not line:
                raise DriverError(f"the Firefox driver exited during {cmd}: {' | '.join(self.console[-20:])}")
            msg = json.loads(line)
            if msg.get("id") == self._id:
                break
        if not msg["ok"]:
            raise DriverError(f"{cmd}: {msg['error']}")
        return msg["value"]

    def goto(self, url: str, timeout: float = 60_000) -> None:
        self._call("goto", url=url, timeout=timeout)

    def grant_realtime_audio(self) -> list[str]:
        """Give Firefox's audio threads real-time priority, as rtkit does on a desktop.

        Firefox asks the rtkit daemon (over D-Bus) for SCHED_RR on the threads that move microphone audio, and
        every desktop grants it; this machine has neither rtkit nor a system bus, so those threads would
        compete with every other process. Done here, by thread name, for the threads Firefox would have asked
        for; call it once recording has started (the threads exist from then on). Returns the threads set."""
        done = []
        for proc in _descendants(self.pid):
            for task in Path(f"/proc/{proc}/task").glob("*"):
                try:
                    name = (task / "comm").read_text().strip()
                    if name.startswith(AUDIO_THREADS):
                        os.sched_setscheduler(int(task.name), os.SCHED_RR, os.sched_param(10))
                        done.append(name)
                except (OSError, ValueError):
                    continue  # gone meanwhile, or not allowed: it stays as it was
        return done

    def click(self, selector: str) -> None:
        self._call("click", selector=selector)

    def click_at(self, selector: str, x: float, y: float) -> None:
        self._call("click_at", selector=selector, x=x, y=y)

    def press(self, key: str) -> None:
        self._call("press", key=key)

    def wait_for_selector(self, selector: str, timeout: float = 30_000) -> None:
        self._call("wait_for_selector", selector=selector, timeout=timeout)

    def wait_for_function(self, expression: str, timeout: float = 30_000) -> Any:
        return self._call("wait_for_function", expression=expression, timeout=timeout)

    def inner_text(self, selector: str) -> str:
        return self._call("inner_text", selector=selector)

    def evaluate(self, expression: str) -> Any:
        return self._call("evaluate", expression=expression)

    def screenshot(self, path: Path | str, full_page: bool = True) -> None:
        self._call("screenshot", path=str(path), full_page=full_page)

    def close(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(DriverError, BrokenPipeError, OSError):
                self._call("close")
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


@contextlib.contextmanager
def open_browser(name: str, *, mic_wav: Path | None = None, env: dict[str, str] | None = None,
                 args: list[str] | None = None, prefs: dict[str, Any] | None = None, grant: bool = True
                 ) -> Iterator[ChromiumPage | FirefoxPage]:
    """A fresh headless browser with one page. Chromium hears `mic_wav`; Firefox hears the PulseAudio
    server named in `env` (its default source). grant=False: Chromium refuses the microphone."""
    page = ChromiumPage(mic_wav, args or [], grant) if name == "chromium" else FirefoxPage(env, prefs or {})
    try:
        yield page
    finally:
        page.close()
