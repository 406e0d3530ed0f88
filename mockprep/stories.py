"""Your stories: answers that tell the same story (whichever question they answered) grouped as one, and
the layers a behavioural-event interviewer digs into (the overview, the data points, the people and what was
said), filled from what the answers said and as the user edited them.

Words only, no model: tf-idf cosine of content words groups the answers, and a sentence's wording says which
layer it fills. Pure over `Attempt` rows, except `story_layers`/`layers_for`, which read the user's edits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mockprep.config import SETTINGS, Settings
from mockprep.store import Attempt, Store
from mockprep.words import PUNCTUATION

_STOP = """a an and are as at be been but by did do for from had has have he her his i i'm i've in into is
it it's its just like me my of on or our out she so that the their them then there they this to um uh up us was we
were what when which who will with would you your yeah okay also about after all because could get got one very
really know think going"""
STOP = frozenset(_STOP.split())


def content_words(text: str) -> dict[str, int]:
    """The words that carry meaning (no stop words, no short words), with their counts."""
    out: dict[str, int] = {}
    for w in text.lower().split():
        w = w.strip(PUNCTUATION + "'")
        if len(w) > 2 and w not in STOP:
            out[w] = out.get(w, 0) + 1
    return out


@dataclass(frozen=True)
class Story:
    attempts: tuple[Attempt, ...]  # newest first
    gist: str  # how it begins (its first sentence, the situation)

    def by_competency(self) -> dict[str, int | None]:
        """Each competency the story was told for, with its best score there."""
        out: dict[str, int | None] = {}
        for a in self.attempts:
            c = a.competency or "other"
            if a.score is not None and (out.get(c) is None or a.score > out[c]):
                out[c] = a.score
            else:
                out.setdefault(c, None)
        return out


def _told(attempts: Sequence[Attempt]) -> list[Attempt]:
    return [a for a in attempts if a.analysis is not None and a.analysis.ok and a.analysis.star is not None]


def _vectors(told: Sequence[Attempt]) -> list[dict[str, float]]:
    """Each answer's content words weighted by tf-idf over these answers, unit length."""
    bags = [content_words(a.analysis.transcript) for a in told if a.analysis]
    df: dict[str, int] = {}
    for b in bags:
        for w in b:
            df[w] = df.get(w, 0) + 1
    n = len(bags)
    vecs = []
    for b in bags:
        v = {w: c * math.log((1 + n) / (1 + df[w]) + 1) for w, c in b.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    return vecs


def _same(u: dict[str, float], v: dict[str, float], settings: Settings) -> bool:
    small, big = sorted((u, v), key=len)
    return sum(x * big.get(w, 0.0) for w, x in small.items()) >= settings.same_story_cosine


def _story(members: list[Attempt], settings: Settings) -> Story:
    oldest = min(members, key=lambda a: (a.created_at, a.id))
    sents = oldest.analysis.star.sentences if oldest.analysis and oldest.analysis.star else ()
    # Its first sentence that says something ("Um, okay." names nothing), else the first.
    texts = [x.text for x in sents]
    said = [t for t in texts if len(content_words(t)) >= settings.story_gist_min_words] or texts
    gist = said[0] if said else (oldest.analysis.transcript[:120] if oldest.analysis else "")
    return Story(tuple(members), gist)


def stories(attempts: Sequence[Attempt], settings: Settings = SETTINGS) -> list[Story]:
    """The story answers grouped by the story they tell: two answers whose content words overlap enough (tf-idf
    cosine) are one story, whichever question they answered. No model: words only."""
    told = _told(attempts)
    vecs = _vectors(told)
    n = len(told)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if _same(vecs[i], vecs[j], settings):
                parent[root(j)] = root(i)
    groups: dict[int, list[Attempt]] = {}
    for i, a in enumerate(told):
        groups.setdefault(root(i), []).append(a)
    out = [_story(members, settings) for members in groups.values()]
    return sorted(out, key=lambda s: (-len(s.attempts), -s.attempts[0].created_at))


def story_of(attempts: Sequence[Attempt], attempt_id: int, settings: Settings = SETTINGS) -> Story | None:
    """The story this attempt tells, with every other telling of it; None when it is not a story answer.
    The same grouping as `stories`, grown out from this one answer: it compares each telling found with the rest
    instead of every pair, so the mock interview can ask it right after an answer."""
    told = _told(attempts)
    start = next((i for i, a in enumerate(told) if a.id == attempt_id), None)
    if start is None:
        return None
    vecs = _vectors(told)
    found, todo = {start}, [start]
    while todo:
        i = todo.pop()
        near = [j for j in range(len(told)) if j not in found and _same(vecs[i], vecs[j], settings)]
        found.update(near)
        todo += near
    return _story([a for i, a in enumerate(told) if i in found], settings)


# The layers a behavioural-event interviewer digs into, and what in a sentence fills each.
LAYERS = ("overview", "data points", "people and what was said")
LAYER_KEY = "story:"  # kv rows "story:<the story's first attempt id>": the layers as the user edited them
_NUMBER = re.compile(r"\d|\b(?:percent|per cent|hundred|thousand|million|billion|half|twice|double[ds]?|"
                     r"tripled?|dozen|hours?|days?|weeks?|months?|dollars?|pounds?|euros?)\b", re.I)
_PEOPLE = re.compile(r"\b(?:said|says|told|agreed|argued|explained|replied|suggested|pushed back|"
                     r"manager|boss|director|colleague|coworker|co-worker|customer|client|stakeholder|engineer|"
                     r"lead|vp|cto|ceo|he|she|him|her)\b|[\"“”]", re.I)


def story_key(st: Story) -> str:
    return LAYER_KEY + str(min(a.id for a in st.attempts))


def derived_layers(st: Story) -> dict[str, list[str]]:
    """Each layer's sentences from what the story's answers said (each sentence once)."""
    out: dict[str, list[str]] = {name: [] for name in LAYERS}
    seen: set[str] = set()
    for a in sorted(st.attempts, key=lambda a: (a.created_at, a.id)):
        for sent in a.analysis.star.sentences if a.analysis and a.analysis.star else ():
            key = " ".join(content_words(sent.text))
            if not key or key in seen:
                continue
            seen.add(key)
            if sent.label in ("situation", "task"):
                out["overview"].append(sent.text)
            if _NUMBER.search(sent.text):
                out["data points"].append(sent.text)
            if _PEOPLE.search(sent.text):
                out["people and what was said"].append(sent.text)
    return out


def story_layers(store: Store, st: Story) -> dict[str, str]:
    """The layers as the user last saved them, else as the answers filled them."""
    saved = store.get_value(story_key(st)) or {}
    got = derived_layers(st)
    return {name: saved[name] if name in saved else "\n".join(got[name]) for name in LAYERS}


def thin_layers(layers: dict[str, str], settings: Settings = SETTINGS) -> list[str]:
    """Layers with next to nothing in them: where an interviewer's follow-up would find the story thin."""
    return [name for name, text in layers.items() if len(content_words(text)) < settings.thin_layer_words]


def thinnest(layers: dict[str, str]) -> str:
    """The layer with the least in it (the first of LAYERS on a tie: the overview before the details)."""
    return min(LAYERS, key=lambda n: len(content_words(layers.get(n, ""))))


def layers_for(store: Store, attempt_id: int, settings: Settings = SETTINGS) -> dict[str, str] | None:
    """The layers of the story this attempt tells, over every telling of it and with the user's edits."""
    st = story_of(store.attempts(), attempt_id, settings)
    return story_layers(store, st) if st is not None else None
