"""Recorder tests, run against a real ALSA capture device that this machine builds for itself.

The microphone is the one thing a test machine lacks, so the `mic` fixture makes one without hardware:
a private PulseAudio daemon with a null sink, speech from a fixture played into that sink with pacat, and
an ALSA PCM of `type pulse` named `mockprep_mic` (in a .asoundrc under a temporary HOME) that records the
sink's monitor. PortAudio lists and opens it like a sound card, and the daemon's clock paces it in real
time. (An ALSA `type file` PCM over `null` also opens and even replays the file, but it delivers audio as
fast as it is read, so neither "record 3 s" nor "kill after 2 s" would mean anything there.)

The recorder runs in a subprocess whose HOME points at that .asoundrc, because ALSA reads its
configuration once per process. Needs the Debian packages libportaudio2, pulseaudio, pulseaudio-utils and
libasound2-plugins.
"""

from __future__ import annotations

import ctypes.util
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mockprep import recorder
from mockprep.recorder import RecorderError

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "tests" / "fixtures" / "audio" / "strong_47s.flac"
CLIP_S = 20  # seconds of speech played into the test microphone, longer than any recording here
DEVICE = "mockprep_mic"
NO_PORTAUDIO = ("No audio system found: install PortAudio (sudo apt-get install libportaudio2) "
                "or analyse a file with `mockprep analyze FILE`.")
PACKAGES = "libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins"

# Runs one recording in a fresh process and reports on stdout, one JSON object a line.
DRIVER = """
import json, sys, threading
from pathlib import Path
from mockprep.recorder import RecorderError, check, input_devices, record

spec = json.loads(sys.argv[1])
stop = threading.Event()
stop_after = spec.pop("stop_after_s", None)
seen = {"frames": 0, "dtypes": set(), "ndims": set()}

def on_tick(t):
    print(json.dumps({"tick": t}), flush=True)
    if stop_after is not None and t >= stop_after:
        stop.set()

def on_block(block, sr):
    seen["frames"] += len(block)
    seen["dtypes"].add(str(block.dtype))
    seen["ndims"].add(block.ndim)

try:
    if spec.pop("devices", False):
        check(spec.get("device"))
        print(json.dumps({"devices": input_devices()}), flush=True)
    else:
        rec = record(Path(spec.pop("path")), stop=stop, on_tick=on_tick, on_block=on_block, **spec)
        print(json.dumps({"recording": {**rec.__dict__, "path": str(rec.path)}, "block_frames": seen["frames"],
                          "block_dtypes": sorted(seen["dtypes"]), "block_ndims": sorted(seen["ndims"])}), flush=True)
except RecorderError as e:
    print(json.dumps({"error": str(e)}), flush=True)
"""


@dataclass(frozen=True)
class Mic:
    home: Path  # HOME for the recorder: its .asoundrc defines mockprep_mic
    server: str  # the private PulseAudio daemon's socket
    clip: Path  # raw s16le mono speech that `speech` plays into the microphone
    clip_rate: int
    ref: np.ndarray  # the same speech as float32, to compare recordings with


def _child_env(home: Path, server: str) -> dict[str, str]:
    """The environment of a process that sees only the test's audio setup, never the user's own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULSE_", "ALSA_", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home), PULSE_SERVER=server, JACK_NO_START_SERVER="1")
    return env


def _missing_tools() -> list[str]:
    missing = [t for t in ("pulseaudio", "pacat", "pactl") if shutil.which(t) is None]
    if ctypes.util.find_library("portaudio") is None:
        missing.append("PortAudio")
    plugin = "alsa-lib/libasound_module_pcm_pulse.so"  # Debian keeps it under /usr/lib/<arch>/
    if not any(glob.glob(f"{lib}/{plugin}") for lib in ("/usr/lib/*", "/usr/lib", "/usr/lib64")):
        missing.append("ALSA's pulse plugin")
    return missing


def _asoundrc(server: str) -> str:
    def pcm(name: str, source: str, description: str) -> str:
        return (f'pcm.{name} {{\n    type pulse\n    server "{server}"\n    device "{source}"\n'
                f'    hint {{\n        show on\n        description "{description}"\n    }}\n}}\n')

    # broken_mic is listed (opening the PCM works) but fails when the stream starts: no such source.
    return pcm(DEVICE, "mic.monitor", "mockprep test mic") + pcm("broken_mic", "no_such_source", "unplugged")


def _wait_for_sink(env: dict[str, str], daemon: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and daemon.poll() is None:
        sinks = subprocess.run(["pactl", "list", "short", "sinks"], env=env, capture_output=True, text=True)
        if sinks.returncode == 0 and "mic" in sinks.stdout:
            return
        time.sleep(0.2)
    pytest.fail(f"PulseAudio did not start for the test microphone: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def mic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mic]:
    missing = _missing_tools()
    if missing:
        pytest.skip(f"cannot make a test microphone without {', '.join(missing)}: "
                    f"sudo apt-get install {PACKAGES} (./dev test installs them)")
    tmp = tmp_path_factory.mktemp("mic")
    speech, rate = sf.read(SPEECH, dtype="int16", frames=CLIP_S * sf.info(SPEECH).samplerate)
    clip = tmp / "speech.raw"
    speech.astype("<i2").tofile(clip)
    server = f"unix:{tmp / 'native'}"
    (tmp / "daemon.pa").write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={tmp / 'native'}\n"
        f"load-module module-null-sink sink_name=mic rate={rate} channels=1 format=s16le\n")
    home = tmp / "home"
    home.mkdir()
    (home / ".asoundrc").write_text(_asoundrc(server))
    log = tmp / "pulseaudio.log"
    daemon_env = {**_child_env(tmp, server)}
    del daemon_env["PULSE_SERVER"]
    with log.open("wb") as out:
        daemon = subprocess.Popen(["pulseaudio", "-n", "-F", str(tmp / "daemon.pa"), "--daemonize=no",
                                   "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
                                   "--realtime=no", "--high-priority=no", "--log-level=error"],
                                  env=daemon_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_sink(_child_env(home, server), daemon, log)
        yield Mic(home, server, clip, rate, speech.astype(np.float32))
    finally:
        daemon.terminate()
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


@pytest.fixture
def speech(mic: Mic) -> Iterator[None]:
    """The fixture speech, playing into the test microphone in real time while the test runs."""
    player = subprocess.Popen(["pacat", "--playback", "--device=mic", "--raw", "--format=s16le",
                               f"--rate={mic.clip_rate}", "--channels=1", str(mic.clip)],
                              env=_child_env(mic.home, mic.server), stderr=subprocess.PIPE)
    time.sleep(0.3)  # let the stream connect before the recorder opens the monitor
    try:
        yield
    finally:
        player.kill()
        player.wait()


def _driver(tmp_path: Path) -> Path:
    script = tmp_path / "drive_recorder.py"
    script.write_text(DRIVER)
    return script


def _run(mic: Mic, tmp_path: Path, **spec: Any) -> tuple[list[float], dict[str, Any]]:
    """Run the driver to the end: (ticks, final report)."""
    done = subprocess.run([sys.executable, str(_driver(tmp_path)), json.dumps(spec)], cwd=ROOT, timeout=90,
                          env=_child_env(mic.home, mic.server), capture_output=True, text=True)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the recorder printed nothing: {done.stderr[-2000:]}"
    return [ln["tick"] for ln in lines if "tick" in ln], lines[-1]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def _match(ref: np.ndarray, piece: np.ndarray) -> tuple[float, float]:
    """Find `piece` inside `ref`: its correlation with the best-matching stretch, and their RMS ratio."""
    from scipy.signal import correlate

    lag = int(np.argmax(correlate(ref, piece, mode="valid", method="fft")))
    stretch = ref[lag: lag + len(piece)]
    return float(np.corrcoef(stretch, piece)[0, 1]), _rms(piece) / _rms(stretch)


def test_the_test_microphone_is_listed_and_passes_check(mic: Mic, tmp_path: Path) -> None:
    _, out = _run(mic, tmp_path, devices=True, device=DEVICE)
    assert DEVICE in out["devices"], out


@pytest.mark.slow
def test_records_three_seconds_of_what_the_microphone_hears(mic: Mic, speech: None, tmp_path: Path) -> None:
    import soxr

    ticks, out = _run(mic, tmp_path, path=str(tmp_path / "answer.wav"), limit_s=3.0, device=DEVICE)
    rec = out["recording"]
    assert rec["cut_at_limit"] and not rec["overflowed"], out
    assert rec["duration_s"] == pytest.approx(3.0, abs=1e-6)

    audio, sr = sf.read(tmp_path / "answer.wav", dtype="int16")
    info = sf.info(tmp_path / "answer.wav")
    assert (info.channels, info.subtype, sr) == (1, "PCM_16", rec["samplerate"])
    assert len(audio) == 3 * sr  # cut exactly at the limit
    assert out["block_frames"] == len(audio)  # on_block saw every sample written ...
    assert out["block_dtypes"] == ["int16"] and out["block_ndims"] == [1]  # ... as 1-D int16
    assert 10 <= len(ticks) <= 25 and ticks == sorted(ticks) and ticks[-1] <= 3.0  # ~5 a second

    # The last 1.5 s is speech (the daemon's first blocks can be silence): find it in what was played.
    tail = soxr.resample(audio[-int(1.5 * sr):].astype(np.float32), sr, mic.clip_rate)
    assert _rms(tail) > 300, "the recording is silent"
    corr, level = _match(mic.ref, tail)
    assert corr > 0.9, f"recorded audio does not match the speech played (r={corr:.2f})"
    assert 0.8 < level < 1.25, f"recorded level is {level:.2f}x the speech played"


@pytest.mark.slow
def test_stop_event_ends_a_soft_recording_past_its_limit(mic: Mic, speech: None, tmp_path: Path) -> None:
    _, out = _run(mic, tmp_path, path=str(tmp_path / "a.wav"), limit_s=1.0, soft=True, device=DEVICE,
                  stop_after_s=2.0)
    rec = out["recording"]
    assert not rec["cut_at_limit"], out
    assert 2.0 <= rec["duration_s"] < 2.6
    assert sf.info(tmp_path / "a.wav").duration == pytest.approx(rec["duration_s"])


@pytest.mark.slow
def test_soft_limit_still_ends_at_three_times_the_limit(mic: Mic, speech: None, tmp_path: Path) -> None:
    _, out = _run(mic, tmp_path, path=str(tmp_path / "a.wav"), limit_s=0.5, soft=True, device=DEVICE)
    assert out["recording"]["cut_at_limit"], out
    assert out["recording"]["duration_s"] == pytest.approx(1.5, abs=1e-6)


@pytest.mark.slow
def test_kill_9_mid_recording_leaves_a_playable_wav(mic: Mic, speech: None, tmp_path: Path) -> None:
    path = tmp_path / "killed.wav"
    spec = {"path": str(path), "limit_s": 60.0, "device": DEVICE}
    proc = subprocess.Popen([sys.executable, str(_driver(tmp_path)), json.dumps(spec)], cwd=ROOT,
                            env=_child_env(mic.home, mic.server), stdout=subprocess.PIPE, text=True)
    try:
        last, deadline = 0.0, time.monotonic() + 30
        while last < 2.0 and time.monotonic() < deadline:
            line = proc.stdout.readline() if proc.stdout else ""
            assert line, "the recorder ended before it had recorded 2 s"
            last = json.loads(line).get("tick", last)
        os.kill(proc.pid, signal.SIGKILL)  # no cleanup of any kind runs in the recorder
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    audio, sr = sf.read(path, dtype="int16")
    assert 2.0 <= len(audio) / sr < 3.0  # what was recorded up to the kill, per the header
    assert path.stat().st_size == 44 + 2 * len(audio)  # the header counts every byte on disk
    assert _rms(audio[-sr:]) > 300, "the recording is silent"


def test_a_microphone_that_fails_to_open_gives_one_sentence(mic: Mic, tmp_path: Path) -> None:
    _, out = _run(mic, tmp_path, path=str(tmp_path / "a.wav"), device="broken_mic")
    assert out["error"].startswith("No microphone found (") and out["error"].endswith("`mockprep analyze FILE`.")
    assert "\n" not in out["error"]
    assert not (tmp_path / "a.wav").exists()  # nothing was heard, so nothing is left behind


def test_no_input_device_gives_one_sentence(tmp_path: Path) -> None:
    # A real PortAudio over an ALSA whose only PCM is a sound card that is not there: no input devices.
    config = tmp_path / "alsa.conf"
    config.write_text("pcm.!default { type hw card 99 }\n")
    env = {**_child_env(tmp_path, "unix:/nonexistent"), "ALSA_CONFIG_PATH": str(config)}
    script = ("from pathlib import Path\nfrom mockprep import recorder\n"
              "print(recorder.input_devices())\n"
              "for f in (recorder.check, lambda: recorder.record(Path('a.wav'))):\n"
              "    try:\n        f()\n    except recorder.RecorderError as e:\n        print(e)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.splitlines() == ["[]"] + 2 * [
        "No microphone found: connect one and check it is enabled in your sound settings, "
        "or analyse a file with `mockprep analyze FILE`."], done.stderr
    assert not (tmp_path / "a.wav").exists()


def test_no_portaudio_gives_one_sentence(tmp_path: Path) -> None:
    # Stands in for a machine without libportaudio2: sounddevice looks PortAudio up with
    # ctypes.util.find_library and, on Linux, raises OSError("PortAudio library not found") when it is absent.
    script = ("import ctypes.util\nctypes.util.find_library = lambda name: None\n"
              "from pathlib import Path\nfrom mockprep import recorder\n"
              "for f in (recorder.check, recorder.input_devices, lambda: recorder.record(Path('a.wav'))):\n"
              "    try:\n        f()\n    except recorder.RecorderError as e:\n        print(e)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == 3 * [NO_PORTAUDIO], done.stderr
    assert not (tmp_path / "a.wav").exists()


def test_missing_sounddevice_package_gives_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # makes `import sounddevice` raise ImportError
    with pytest.raises(RecorderError) as err:
        recorder.check()
    assert str(err.value) == ("The sounddevice package is missing: reinstall mockprep (pip install mockprep) "
                              "or analyse a file with `mockprep analyze FILE`.")


def test_importing_the_recorder_does_not_import_sounddevice() -> None:
    code = "import sys, mockprep.recorder; print('sounddevice' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_a_device_number_typed_as_text_is_used_as_an_index() -> None:
    assert recorder._as_device("2") == 2
    assert recorder._as_device("mockprep_mic") == "mockprep_mic"


# Loop behaviour that a real device cannot be made to show on demand (dropped input, a device that goes
# quiet), checked against a stand-in sounddevice module.

class _FakeStream:
    """Feeds `blocks` to the callback from a thread, as PortAudio would; block 1 is flagged as an overflow."""

    blocks: int = 10

    def __init__(self, *, callback: Any, blocksize: int, **_: Any) -> None:
        self.callback, self.blocksize = callback, blocksize
        self.thread = threading.Thread(target=self._feed, daemon=True)

    def _feed(self) -> None:
        for i in range(self.blocks):
            status = types.SimpleNamespace(input_overflow=i == 1)
            self.callback(np.full((self.blocksize, 1), i, dtype=np.int16), self.blocksize, None, status)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.thread.join()

    def close(self) -> None:
        pass


def _fake_sounddevice(monkeypatch: pytest.MonkeyPatch, blocks: int) -> None:
    mic_info = {"name": "fake mic", "max_input_channels": 1, "default_samplerate": 8000.0}
    fake = types.ModuleType("sounddevice")
    fake.query_devices = lambda device=None, kind=None: mic_info if kind else [mic_info]  # type: ignore[attr-defined]
    fake.default = types.SimpleNamespace(device=[0, 0])  # type: ignore[attr-defined]
    fake.PortAudioError = type("PortAudioError", (Exception,), {})  # type: ignore[attr-defined]
    fake.InputStream = type("InputStream", (_FakeStream,), {"blocks": blocks})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", fake)


def test_dropped_input_is_reported_and_every_block_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_sounddevice(monkeypatch, blocks=10)
    stop, got = threading.Event(), []

    def on_block(block: np.ndarray, sr: int) -> None:
        got.append(block)
        if sum(map(len, got)) >= 10 * 400:
            stop.set()

    rec = recorder.record(tmp_path / "a.wav", 60, stop=stop, on_block=on_block)
    assert rec.overflowed and not rec.cut_at_limit
    assert (rec.samplerate, rec.duration_s) == (8000, 0.5)  # ten 50 ms blocks
    audio, _ = sf.read(tmp_path / "a.wav", dtype="int16")
    assert np.array_equal(audio, np.repeat(np.arange(10, dtype=np.int16), 400))
    assert np.array_equal(np.concatenate(got), audio)


def test_a_device_that_goes_quiet_raises_and_keeps_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_sounddevice(monkeypatch, blocks=3)
    monkeypatch.setattr(recorder, "STALL_S", 0.5)
    with pytest.raises(RecorderError, match="stopped sending audio") as err:
        recorder.record(tmp_path / "a.wav", 60)
    assert "\n" not in str(err.value)
    assert sf.info(tmp_path / "a.wav").frames == 3 * 400  # what came before the silence is kept and playable
