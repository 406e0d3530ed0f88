"""A private PulseAudio daemon whose default source is a virtual microphone: whatever `play` puts into the
null sink `mic` is what a browser records from `mic.monitor`.

    with PulseMic() as mic:
        browser = open_firefox(env=mic.env)   # PULSE_SERVER etc. point it at this daemon
        mic.play(wav)                         # real time, returns when the file has been heard

The daemon has its own runtime dir, loads no user or system configuration (-n and a script of its own),
and is paced by the system clock like a sound card. It and pacat run at a raised priority where that is
allowed: they stand in for a microphone, which a busy CPU does not slow down. Needs the Debian packages
pulseaudio and pulseaudio-utils.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

PACKAGES = "pulseaudio pulseaudio-utils"


def missing() -> list[str]:
    return [t for t in ("pulseaudio", "pacat", "pactl") if shutil.which(t) is None]


def _raise_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(-10)


class PulseMic:
    def __init__(self, rate: int = 48000, channels: int = 1) -> None:
        self.rate, self.channels = rate, channels
        self.dir: Path | None = None
        self.daemon: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.dir / 'native'}"

    @property
    def env(self) -> dict[str, str]:
        """The environment of a process (a browser) that should hear this microphone and nothing else."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PULSE_", "ALSA_", "XDG_RUNTIME_DIR", "JACK_"))}
        env.update(PULSE_SERVER=self.server, XDG_RUNTIME_DIR=str(self.dir), PULSE_RUNTIME_PATH=str(self.dir),
                   PULSE_COOKIE=str(self.dir / "cookie"), JACK_NO_START_SERVER="1")
        return env

    def __enter__(self) -> PulseMic:
        if missing():
            raise RuntimeError(f"missing {', '.join(missing())}: apt-get install {PACKAGES}")
        self.dir = Path(tempfile.mkdtemp(prefix="mp-pulse-"))
        script = self.dir / "daemon.pa"
        script.write_text(
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.dir / 'native'}\n"
            f"load-module module-null-sink sink_name=mic rate={self.rate} channels={self.channels} format=s16le "
            "sink_properties=device.description=mockprep-test-mic\n"
            "set-default-sink mic\n"
            "set-default-source mic.monitor\n")
        env = self.env
        del env["PULSE_SERVER"]
        env["HOME"] = str(self.dir)  # no ~/.config/pulse of the user's
        self.log = self.dir / "pulseaudio.log"
        with self.log.open("wb") as log:
            self.daemon = subprocess.Popen(
                ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
                 "--use-pid-file=no", "--disable-shm=yes", "--realtime=no", "--high-priority=no",
                 "--log-target=stderr", "--log-level=error"],
                env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_raise_priority)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.daemon.poll() is None:
            r = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, text=True)
            if r.returncode == 0 and "Default Source: mic.monitor" in r.stdout:
                return
            time.sleep(0.2)
        raise RuntimeError(f"PulseAudio did not start: {self.log.read_text()[-2000:]}")

    def play(self, wav: Path | str, timeout: float | None = None) -> float:
        """Play a sound file into the microphone in real time; returns the seconds it took."""
        x, sr = sf.read(wav, dtype="int16", always_2d=True)
        raw = self.dir / "play.raw"
        np.ascontiguousarray(x).astype("<i2").tofile(raw)
        t0 = time.monotonic()
        subprocess.run(["pacat", "--playback", "--device=mic", "--raw", "--format=s16le", f"--rate={sr}",
                        f"--channels={x.shape[1]}", "--latency-msec=200", str(raw)],
                       env=self.env, check=True, capture_output=True,
                       timeout=timeout or len(x) / sr + 30, preexec_fn=_raise_priority)
        return time.monotonic() - t0

    def __exit__(self, *exc: object) -> None:
        if self.daemon is not None:
            self.daemon.terminate()
            try:
                self.daemon.wait(10)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
            self.daemon = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
