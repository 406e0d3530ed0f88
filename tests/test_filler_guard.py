"""No false fillers in ordinary English: the filler detector over thousands of filler-free sentences.

Sources: the STAR corpus (its few real fillers taken out by the reviewed edits below), every question and probe in
mockprep/question_banks/ (read with mockprep.banks), and the real verbatim transcripts of
../shared/data/real/manifest.json with their hesitations, "yknow" and tags removed. Each text becomes Whisper-like
words three ways: punctuation kept, with plausible word lengths and a pause at each sentence end; commas said as 0.3
s pauses instead of written; and no punctuation at all. Not one filler may come out of any of them. The reviewed
edits are also checked the other way: each original sentence gives exactly the fillers the edit took out, so the
real ones are still found.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from mockprep import delivery
from mockprep.banks import builtin_banks_dir, load_bank
from mockprep.words import Word
from tests.conftest import ROOT, SHARED

# (id, as written, the same without its fillers, the fillers in it): every real filler in the STAR corpus,
# reviewed by hand. A new filler in the corpus needs an entry here (the test names the sentence).
STAR_FILLERS: list[tuple[str, str, str, list[str]]] = [
    ("c21", "so I kind of felt", "so I felt", ["kind of"]),
    ("c21", "push back, you know, and", "push back and", ["you know"]),
    ("c22", "a team of, like, six", "a team of six", ["like"]),
    ("c22", "people were kind of pointing", "people were pointing", ["kind of"]),
    ("c22", "my manager basically said", "my manager said", ["basically"]),
    ("c26", "decide, basically that same week,", "decide, that same week,", ["basically"]),
    ("c26", "suppliers and, um, I picked", "suppliers and I picked", ["um"]),
    ("c27", "Hmm, okay.", "Okay.", ["hmm"]),
    ("c27", "who was, like, really bright but had basically stopped", "who was really bright but had stopped",
     ["like", "basically"]),
    ("c28", "Sure, so, um.", "Sure, so.", ["um"]),
    ("c29", "Like, there were cages", "There were cages", ["like"]),
    ("c29", "it's kind of how I", "it's how I", ["kind of"]),
    ("c30", "how I like to, like, meet", "how I like to meet", ["like"]),
    ("c31", "a big customer, like, immediately.", "a big customer, immediately.", ["like"]),
    ("c32", "Um, yeah, so.", "Yeah, so.", ["um"]),
    ("c32", "it had been kind of a disaster", "it had been a disaster", ["kind of"]),
    ("c32", "front desk and basically dealt", "front desk and dealt", ["basically"]),
    ("c34", "which was kind of sweet", "which was sweet", ["kind of"]),
    ("c35", "she left she basically said", "she left she said", ["basically"]),
    ("c35", "which were, uh, not well", "which were not well", ["uh"]),
    ("c36", "Okay, um, yeah.", "Okay, yeah.", ["um"]),
    ("c36", "yeah, I mean, it got better", "yeah, it got better", ["I mean"]),
    ("c37", "that did, like, a hundred", "that did a hundred", ["like"]),
    ("c38", "and I basically assumed", "and I assumed", ["basically"]),
    ("c41", "that's basically what I did", "that's what I did", ["basically"]),
    ("c43", "Hmm, I can't think", "I can't think", ["hmm"]),
    ("c47", "manager who kind of ran", "manager who ran", ["kind of"]),
    ("c47", "were just, like, whatever worked", "were just whatever worked", ["like"]),
    ("c50", "a doctor's office basically.", "a doctor's office.", ["basically"]),
    ("c51", "Um, so I'm really", "So I'm really", ["um"]),
    ("c53", "really slow, like pages were", "really slow, pages were", ["like"]),
    ("c54", "okay, um, there are", "okay, there are", ["um"]),
    ("c54", "resources, like, we were", "resources, we were", ["like"]),
    ("c54", "head was kind of hands-off", "head was hands-off", ["kind of"]),
    ("c54", "And I basically let them", "And I let them", ["basically"]),
    ("c54", "a journey, you know, you never", "a journey, you never", ["you know"]),
]

# Ordinary senses of the words the detector looks at, said plainly: none is a filler.
ORDINARY = [
    "I am the owner of the service and I am proud of it.",
    "I am, I think, the right person for this.",
    "So I'd like to talk about the migration, because I like hard problems.",
    "It looks like the cache was the problem, and it felt like a long week.",
    "What was the hardest part like?",
    "I know what it's like.",
    "There were good ideas, like the retry queue and the cache.",
    "Like I said, the deadline was fixed.",
    "We did it like we planned, step by step.",
    "Tools like Jira and people like our manager made it easier.",
    "I kept a list of things like family, supply and reply dates.",
    "I worked so that the team could ship, and it was so much faster.",
    "So that was the plan.",
    "Right, the first step was to find the owner.",
    "That was the right call, and I did it right away.",
    "Well, the result was good, and it went well.",
    "The well was dry, as well.",
    "Actually, the numbers were actually better than we expected.",
    "I mean to finish it this week, and I mean what I say.",
    "I mean it.",
    "That's what I mean.",
    "You know the answer, and you know how it works.",
    "Do you know the drill? You know exactly what to do.",
    "What kind of tool did you use? That sort of thing, the best kind of test, a similar sort of bug.",
    "The screws were 5 mm wide.",
    "Let me know if you know someone who can help.",
]


def words(text: str, style: str = "written") -> list[Word]:
    """Whisper-like words: style "written" keeps punctuation, "pauses" says commas as 0.3 s pauses,
    "bare" drops all punctuation (sentence ends stay pauses)."""
    out, t = [], 0.0
    for tok in text.split():
        core = tok.strip(".,?!;:\"()")
        if not core:
            continue
        ends_sentence, comma = tok.endswith((".", "?", "!")), tok.endswith((",", ";", ":"))
        shown = tok if style == "written" else (tok.rstrip(",;:") if style == "pauses" else core)
        d = 0.1 + 0.06 * len(core)
        out.append(Word(shown, round(t, 2), round(t + d, 2), 0.9))
        t += d + 0.05 + (0.6 if ends_sentence else 0.3 if comma and style != "written" else 0.0)
    return out


def star_texts() -> list[tuple[str, str]]:
    entries = yaml.safe_load((ROOT / "tests" / "data" / "star_corpus.yaml").read_text())
    out = []
    for e in entries:
        for _, s in e["sentences"]:
            for eid, before, after, _ in STAR_FILLERS:
                if eid == e["id"]:
                    s = s.replace(before, after)
            out.append((e["id"], s))
    return out


def bank_texts() -> list[tuple[str, str]]:
    out = []
    for f in sorted(builtin_banks_dir().glob("*.yaml")):
        for q in load_bank(f):
            out += [(q.id, q.text)] + [(q.id, p) for p in q.probes]
    return out


# Discourse fillers in the real transcripts (the clip acts "you know" out as a filler).
REAL_FILLERS = {"mfa/mfa_youknow": ("you know ", "")}
HESITATION_TOKEN = re.compile(r"^(&-)?(u+m+|u+h+|e+r+m*|h+m+|m+h*m+)$")


def real_texts() -> list[tuple[str, str]]:
    """The real verbatim transcripts without hesitations, "yknow", tags and CHAT marks, one sentence each."""
    manifest = SHARED / "real" / "manifest.json"
    if not manifest.exists():
        return []
    out = []
    for clip in json.loads(manifest.read_text()):
        text = clip["transcript"].replace("[/]", " ")
        if clip["id"] in REAL_FILLERS:
            text = text.replace(*REAL_FILLERS[clip["id"]])
        text = re.sub(r"<([^<>]*\s[^<>]*)>", r"\1", text)  # CHAT groups: the words were said
        toks = [t for t in text.split() if not HESITATION_TOKEN.match(t.lower()) and t.lower() != "yknow"
                and not re.match(r"^(<[^\s>]*>|\[[^\]]*\]|&.*)$", t)]
        sentences = " ".join(toks).split(" . ")
        for s in sentences:
            s = s.strip(" .")
            if s:
                out.append((clip["id"], s[0].upper() + s[1:] + "."))
    return out


def test_the_guard_reads_plenty_of_text() -> None:
    texts = star_texts() + bank_texts() + real_texts()
    assert sum(len(t.split()) for _, t in texts) > 15_000
    assert sum(1 for _, t in texts if re.search(r"\blike\b", t, re.I)) >= 30


@pytest.mark.parametrize("style", ["written", "pauses", "bare"])
@pytest.mark.parametrize("source", ["star", "banks", "real", "ordinary"])
def test_no_false_filler_in_ordinary_english(source: str, style: str) -> None:
    if source == "real" and not real_texts():
        pytest.skip("../shared/data/real is not beside this checkout")
    texts = {"star": star_texts, "banks": bank_texts, "real": real_texts,
             "ordinary": lambda: [("ordinary", s) for s in ORDINARY]}[source]()
    false = [(tid, [f.word for f in found], text) for tid, text in texts
             if (found := delivery.detect_fillers(words(text, style)))]
    assert not false, false


def test_each_reviewed_star_filler_is_in_the_corpus() -> None:
    corpus = {}
    for e in yaml.safe_load((ROOT / "tests" / "data" / "star_corpus.yaml").read_text()):
        corpus[e["id"]] = " ".join(s for _, s in e["sentences"])
    missing = [(eid, before) for eid, before, _, _ in STAR_FILLERS if before not in corpus.get(eid, "")]
    assert not missing, missing


@pytest.mark.parametrize(("eid", "before", "after", "expected"), STAR_FILLERS, ids=lambda v: str(v)[:24])
def test_real_fillers_in_the_star_corpus_are_found(eid: str, before: str, after: str, expected: list[str]) -> None:
    assert [f.word.lower() for f in delivery.detect_fillers(words(before))] == [e.lower() for e in expected]


def test_am_is_a_word_not_a_hesitation() -> None:
    w = words("I am sure I am right and I am done.")
    assert delivery.detect_fillers(w) == []
    assert delivery.count_words(w) == 10
    assert [f.word for f in delivery.detect_fillers(words("Ahm, I am not sure, uhm, mhm."))] == ["ahm", "uhm", "mhm"]

