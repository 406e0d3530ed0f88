"""The rubric for the question asked: STAR for stories, and one rubric each for introductions, motivation,
strengths and weaknesses and hypotheticals; open questions get no content score.

`assess(rubric, chunks, duration, limit, settings)` is what analysis calls. Every non-story rubric here is a
few small pure functions over the answer's sentences: a labeller that gives each sentence the rubric's part
(or "other") for the timeline, and one function per check, each returning a `Check` whose evidence is the
sentence it rests on (for a check that fails because something is missing: the sentence where it should
have come). The checks, their cues and their weights are documented in docs/scoring.md; the cue lists were
tuned on tests/data/rubric_corpus.yaml and measured on tests/data/rubric_heldout.yaml.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from mockprep import star as star_mod
from mockprep.assessment import Assessment, Check, CheckId, Rubric, parts_of, weighted_score
from mockprep.config import SETTINGS, Settings
from mockprep.sentences import Sentence, sentence_text, split_sentences
from mockprep.text import IRREGULAR_PAST, PAST, analysis_text, quantities
from mockprep.words import Evidence, Word, clock, hide, quote

C = CheckId

PARTS: dict[Rubric, tuple[str, ...]] = {
    Rubric.STAR: star_mod.PARTS,
    Rubric.INTRODUCTION: ("present", "past", "future"),
    Rubric.MOTIVATION: ("reasons", "fit", "future"),
    Rubric.STRENGTH_WEAKNESS: ("the_trait", "steps", "evidence"),
    Rubric.SITUATIONAL: ("situation", "options", "decision", "check"),
    Rubric.OPEN: (),
}

# ---------------------------------------------------------------- shared helpers

_OPENER = re.compile(
    r"^(?:(?:um|uh|so|okay|ok|right|sure|yes|yeah|well|alright|all right|of course|absolutely|great|good|"
    r"thanks|thank you|happy to|fair question|great question|good question|hmm|let me think|i guess|"
    r"and|,|\.|!|\s)+)$|"
    r"^(?:so,? )?(?:yeah,? )?(?:so,? )?(?:that's|that is) (?:me|it|basically \w+(?: \w+)?|my \w+|about it|"
    r"pretty much it|all)\W*(?:really\W*)?$|^(?:great|good|fair|tough|interesting) question\b|"
    r"\bthanks for (?:asking|the question)\b")
_NEGATED = re.compile(r"\b(?:not|never|won't|wouldn't|rather than|instead of|the usual|no|avoid)\b(?:\W+\w+){0,4}"
                      r"\W*$")


def light(text: str) -> str:
    """Lower case, straight quotes, words as said (no number normalisation)."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'%$€£.,!?-]", " ", t)).strip()


def norm(s: Sentence) -> str:
    """The sentence as said and, on a second line, with numbers as digits ("first" -> "1st", "two" -> "2"):
    cue lists match either line, and no pattern reaches across the line break."""
    return light(s.text) + "\n" + analysis_text(s.text)


def is_content(s: Sentence) -> bool:
    """Not a pure opener or closer ("Sure.", "So yeah, that's me."), nor a sentence hidden as doubtful."""
    t = light(s.text)
    return bool(re.search(r"\w", t)) and not _OPENER.search(t)


def content(sents: list[Sentence]) -> list[Sentence]:
    return [s for s in sents if is_content(s)]


def find(rx: re.Pattern[str], text: str, guard: bool = True) -> re.Match[str] | None:
    """The first match of rx that is not negated just before it ("I won't give you the perfectionist line")."""
    for m in rx.finditer(text):
        if not (guard and _NEGATED.search(text[: m.start()])):
            return m
    return None


def speaking_s(sents: list[Sentence]) -> float:
    return sents[-1].end - sents[0].start if sents else 0.0


def positions(sents: list[Sentence]) -> list[float]:
    """Each sentence's middle as a share of the speaking time (0..1)."""
    if not sents:
        return []
    t0, span = sents[0].start, max(speaking_s(sents), 1e-6)
    return [((s.start + s.end) / 2 - t0) / span for s in sents]


def _check(passed: bool, detail: str, s: Sentence | Evidence | None = None) -> Check:
    return Check(passed, detail, s.evidence if isinstance(s, Sentence) else s)


def at(s: Sentence, rx: re.Pattern[str], before: int = 3, after: int = 10) -> Evidence:
    """The words around what rx found in the sentence (the whole sentence when it cannot be placed), so a
    long sentence's quote shows the phrase the verdict rests on."""
    m = find(rx, light(s.text)) or rx.search(light(s.text))
    if m is None or not s.words:
        return s.evidence
    i = len(re.findall(r"\S+", light(s.text)[: m.start()]))
    if i >= len(s.words) or i <= before:
        return s.evidence
    win = s.words[max(0, i - before): i + after]
    return Evidence(quote(win, before + after), win[0].start, win[-1].end)


def _q(s: Sentence) -> str:
    return f"“{s.evidence.quote}” ({clock(s.start)})"


def check_length(sents: list[Sentence], band: tuple[float, float]) -> Check:
    """Speaking time (first word to last) inside the rubric's band. Evidence: where it ended, or where it
    should have ended."""
    d = speaking_s(sents)
    lo, hi = band
    if lo <= d <= hi:
        return _check(True, f"You spoke for {clock(d)} (aim for {clock(lo)}-{clock(hi)}).")
    if d < lo:
        return _check(False, f"You spoke for {clock(d)}: short (aim for {clock(lo)}-{clock(hi)}).", sents[-1])
    t0 = sents[0].start
    late = next((s for s in sents if s.end - t0 > hi), sents[-1])
    return _check(False, f"You spoke for {clock(d)}: long (aim for {clock(lo)}-{clock(hi)}).", late)


def label_by(sents: list[Sentence], rules: list[tuple[str, Callable[[str, float], bool]]], first: str,
             carry: bool = True) -> list[Sentence]:
    """Each sentence gets the first part whose rule holds (rule(text, position)); otherwise openers and
    closers are "other" and the rest continue the part before them (the first content sentence: `first`)."""
    out, prev = [], first
    for s, p in zip(sents, positions(sents), strict=True):
        t = norm(s)
        if not is_content(s):
            lab = "other"
        else:
            lab = next((name for name, rule in rules if rule(t, p)), prev if carry else "other")
            if lab != "other":
                prev = lab
        out.append(Sentence(s.text, s.start, s.end, lab, s.words))
    return out


def _weights(pairs: tuple[tuple[str, int], ...]) -> dict[CheckId, int]:
    return {CheckId(k): w for k, w in pairs}


def _assessment(rubric: Rubric, sents: list[Sentence], checks: dict[CheckId, Check],
                weights: tuple[tuple[str, int], ...]) -> Assessment:
    w = _weights(weights)
    assert set(w) == set(checks), (rubric, set(w) ^ set(checks))
    return Assessment(rubric, tuple(sents), parts_of(sents, PARTS[rubric]), checks, round(weighted_score(checks, w)))


I_SUBJ = r"\b(?:i|i've|i'd|i'm|we|we've|my team|our team)\b"
# Past forms of things one did (not states or feelings).
_STATE = ("was|were|had|felt|thought|knew|realized|realised|noticed|wanted|needed|liked|loved|hated|seemed|"
          "used|tended|hoped|expected|assumed|believed|enjoyed|preferred|guess|guessed|studied|graduated|"
          "majored|qualified|got|became|started|joined|did|worked|moved|grew|born|lived|went|came|spent|"
          "need|feed|bleed|speed|proceed|succeed|exceed|heed|embed|bed|shed|red|wed|struggled|panicked|froze|"
          "forgot|missed|failed|worried|freaked|stressed|dreaded|avoided|hesitated")
DID = re.compile(rf"\b(?:i|we|my team) (?:\w+ly |then |also |just |first |eventually |finally |actually )?"
                 rf"(?!(?:{_STATE})\b)(?:\w+ed|{IRREGULAR_PAST})\b")
PERFECT = re.compile(r"\b(?:i've|i have|we've|we have) (?:also |since |now |recently |just |already )?"
                     r"(?:been \w+ing|(?!(?:been|had|got|always|never|thought|heard|felt|known|seen|meant|wanted|tried|"
    r"struggled|noticed|learnt|learned)\b)\w+(?:ed|en|t)|built|run|led|made|taken|done|set up|"
                     r"written|taught|brought|kept|won|sold|spent \w+ (?:years?|months?) \w+ing)\b")

# ---------------------------------------------------------------- introduction

PRESENT = re.compile(
    r"\b(?:i'm|i am) (?:a|an|the|currently|now|in my|in the (?:final|last|first|second|third)|on|at|working|"
    r"leading|running|responsible|part of|one of|head of|chartered|senior|junior|lead|principal|studying|"
    r"doing|training|finishing|coming to the end)\b|\bright now\b|\bat the moment\b|\bcurrently\b|"
    r"\bthese days\b|\bi work (?:as|at|on|in|for|with)\b|\bi (?:lead|run|manage|look after|head|own|teach|"
    r"design|build|sell|oversee|coordinate|support|cover|handle)\b|"
    r"\bfor the (?:last|past) (?:\w+ )?(?:years?|months?)\b.*\bi(?:'ve| have) been\b|"
    r"\bi(?:'ve| have) been (?:running|leading|working|managing|teaching|building|designing|on|at|the)\b")
EARLY_LIFE = re.compile(
    r"\b(?:grew up|i was born|was born in|as a (?:kid|child|teenager)|childhood|when i was (?:little|young|"
    r"a kid|a child|a teenager|small|about \d+|\d+)|(?:^|\W)at school\b|\bin school|left school|"
    r"(?:at|in|from|left|finished|during|through) (?:high|middle|secondary|primary|grammar|elementary) school\b"
    r"(?! (?:teacher|science|maths|english))|ever since i was|my (?:parents|mum|mom|dad|father|mother)|"
    r"the kid (?:who|taking)|start at the beginning|family (?:parties|computer|business))\b")
PRIVATE = re.compile(
    r"\b(?:my (?:wife|husband|girlfriend|boyfriend|kids|children|son|daughter|dog|cat|family|puppy)|"
    r"(?:got|have|adopted) a (?:dog|cat|puppy)|hobb(?:y|ies)|in my (?:free|spare) time|outside (?:of )?"
    r"(?:work|school|the office|of that)|weekends?|holidays?|i (?:also |really )?(?:play|played|sing|love|do) "
    r"(?:a lot of )?"
    r"(?:football|tennis|golf|guitar|piano|in a|climbing|running|cooking|yoga)|i'm (?:really )?into "
    r"(?:climbing|running|cooking|music|football|hiking|gaming|films|movies)|choir|paddleboard\w*|marathons?|"
    r"captain|switch(?:ing)? off|unwind)\b")
CAREER_PAST = re.compile(
    r"\b(?:before (?:that|this|then|[a-z]+ i)|previously|prior to|i started (?:out|as|in|on|at)|i spent "
    r"(?:\w+ ){0,3}(?:years?|months?)|my first (?:job|role|position)|i (?:was|worked) (?:at|as|in|for|on|a|an|"
    r"the)\b|i joined|i (?:moved|came|switched|transferred|went) (?:into|to|across|over|from|up|back)|i came "
    r"(?:up|in)|i studied|i did (?:a|an|my) (?:\w+ )?(?:degree|masters|master's|phd|apprenticeship|course|"
    r"placement)|i qualified|i trained|i graduated|after (?:university|uni|college|my (?:degree|masters|"
    r"master's|phd)|graduating)|\d+ years (?:ago|back)|i got into|i taught|i was promoted|got promoted|"
    r"promoted (?:to|after)|i began|i ran|my (?:degree|master's|masters)|started my career|i landed|"
    r"i went (?:to|on to) (?:university|uni|college)|early in my career|my last (?:job|role)|"
    r"i did \w+(?: \w+)? at (?:university|uni|college))")
FUTURE = re.compile(
    r"\b(?:i'm (?:\w+ )?looking (?:for|to)|i am (?:\w+ )?looking (?:for|to)|i want to|i'd (?:now |really )?"
    r"(?:like|love) to|i would (?:now |really )?(?:like|love) to|the next step|my next step|what i want "
    r"(?:now|next|to do)|i'm ready (?:to|for)|where i want to|i'm hoping to|i hope to|i'm keen to|i want my "
    r"next|i'd like my next|i want (?:a|the|more)|(?:looking|hoping|keen) to (?:move|grow|take|step|build|get)|"
    r"what's next|what i'm after|next for me|what i'd (?:\w+ )?(?:like|love|want)|next,? i)\b")
EMPLOYER_REF = re.compile(
    r"\b(?:this (?:role|job|position|team|opportunity|post|programme|program|company|vacancy|opening|"
    r"department|practice|firm|school|unit|ward|organi[sz]ation)|your (?:[\w-]+ )?(?:team|company|product|"
    r"customers|clients|mission|programme|program|post|role|department|business|organi[sz]ation|work|unit|"
    r"platform|firm|practice|school|ward|group|office|service|lab|kitchen|hotel|firm)|your (?!own|career|life|"
    r"time|question|day|family)[a-z]{3,}|here\b|what you're "
    r"(?:doing|building)|you're (?:doing|building|moving|rebuilding|launching|opening|expanding|hiring)|"
    r"(?:the|this) (?:\w+ ){0,3}(?:post|role|position|job|vacancy|opening|programme|program) (?:at|with|on|"
    r"here|would|is|sits|lets|gives)|why i applied|why i'm applying|the job post|job (?:ad|advert|description))")
OUTCOME = re.compile(
    r"\b(?:launched|shipped|built|rebuilt|grew|grown|cut|reduced|doubled|tripled|halved|won|promoted|opened|"
    r"closed|increased|improved|saved|raised|delivered|went (?:up|down|from)|came down|dropped|fell|brought|"
    r"set up|created|introduced|led|protects|held|hit|beat|exceeded|put me|ranked|top|award\w*|finished)\b")
PROUD = re.compile(r"\b(?:proud(?:est)?|(?:biggest|best) (?:win|achievement|result|piece of work|thing i)|"
                   r"the (?:thing|result|piece of work) i)\b")


def _intro_rules() -> list[tuple[str, Callable[[str, float], bool]]]:
    return [
        ("other", lambda t, p: bool(PRIVATE.search(t)) and not CAREER_PAST.search(t)),
        ("future", lambda t, p: p > 0.3 and bool(FUTURE.search(t) or EMPLOYER_REF.search(t))),
        ("past", lambda t, p: bool(EARLY_LIFE.search(t) or CAREER_PAST.search(t))),
        ("present", lambda t, p: bool(PRESENT.search(t))),
    ]


def assess_introduction(sents: list[Sentence], settings: Settings = SETTINGS) -> Assessment:
    sents = label_by(sents, _intro_rules(), "present")
    body = content(sents) or sents
    n = len(body)
    checks = {
        C.OPENS_WITH_PRESENT: intro_opens_with_present(body),
        C.COVERS_PAST: intro_covers_past(body),
        C.RECENT_AND_RELEVANT: intro_recent_and_relevant(sents, body, settings),
        C.NAMES_A_HIGHLIGHT: intro_names_a_highlight(body),
        C.LOOKS_AHEAD: intro_looks_ahead(body),
        C.ENDS_ON_THIS_ROLE: intro_ends_on_this_role(body, n),
        C.LENGTH_FITS: check_length(sents, settings.intro_length_s),
    }
    return _assessment(Rubric.INTRODUCTION, sents, checks, settings.intro_weights)


def intro_opens_with_present(body: list[Sentence]) -> Check:
    for s in body[:2]:
        t = norm(s)
        if EARLY_LIFE.search(t):
            break
        if PRESENT.search(t):
            return _check(True, f"You opened with where you are now: {_q(s)}.", s)
    return _check(False, "The answer does not open with your current role.", body[0])


def intro_covers_past(body: list[Sentence]) -> Check:
    for s in body:
        t = norm(s)
        if CAREER_PAST.search(t) and not EARLY_LIFE.search(t):
            return _check(True, f"You said how you got here: {_q(s)}.", s)
    return _check(False, "Nothing says how you got here.", body[0])


def intro_recent_and_relevant(sents: list[Sentence], body: list[Sentence], settings: Settings) -> Check:
    early = next((s for s in body if EARLY_LIFE.search(norm(s))), None)
    if early is not None:
        return _check(False, f"Early life: {_q(early)}.", at(early, EARLY_LIFE))
    private = [s for s in body if PRIVATE.search(norm(s))]
    if len(private) > settings.intro_max_private_sentences:
        return _check(False, f"Private life: {_q(private[0])}.", at(private[0], PRIVATE))
    total = speaking_s(sents)
    past = [s for s in sents if s.label == "past"]
    share = sum(s.duration for s in past) / total if total else 0.0
    if share > settings.intro_past_max_share + 1e-9:
        return _check(False, f"Your background took {share:.0%} of the answer ({len(past)} sentences).", past[0])
    return _check(True, f"Recent and about work; the background took {share:.0%} of the answer.")


def intro_names_a_highlight(body: list[Sentence]) -> Check:
    for s in body:
        t = norm(s)
        if EARLY_LIFE.search(t) or not re.search(I_SUBJ + r"|\bme\b|\bmy\b|\bour\b", t):
            continue
        if (OUTCOME.search(t) and quantities(s.text)) or PROUD.search(t) or re.search(r"\bpromoted\b", t):
            return _check(True, f"A concrete achievement: {_q(s)}.", s)
    work = next((s for s in body if (PRESENT.search(norm(s)) or CAREER_PAST.search(norm(s)))
                 and not EARLY_LIFE.search(norm(s))), body[0])
    return _check(False, "No achievement or result was named.", work)


def intro_looks_ahead(body: list[Sentence]) -> Check:
    half = body[len(body) // 2:] if len(body) > 1 else body
    for s in half:
        if FUTURE.search(norm(s)):
            return _check(True, f"You said what you want next: {_q(s)}.", s)
    return _check(False, "Nothing says what you want next.", body[-1])


def intro_ends_on_this_role(body: list[Sentence], n: int) -> Check:
    t_end, span = body[-1].end, speaking_s(body)
    closing = [s for i, s in enumerate(body) if i >= n - 2 or s.start >= t_end - 0.25 * span]
    for s in closing:
        if EMPLOYER_REF.search(norm(s)):
            return _check(True, f"You ended on this role: {_q(s)}.", s)
    return _check(False, "The ending never connects to this role.", body[-1])


# ---------------------------------------------------------------- motivation

GENERIC_PRAISE = re.compile(
    r"\b(?:great|good|leading|innovative|growing|amazing|exciting|fantastic|well-known|big|reputable|"
    r"successful|fast-growing|top|brilliant|nice|strong|famous|awesome|dynamic|established|stable|"
    r"prestigious|respected)\b(?: (?!\d)[a-z-]+)? (?:company|place|culture|brand|reputation|organi[sz]ation|"
    r"environment|employer|firm|team|values|benefits|people|name)\b|\breputation\b|\bindustry leader\b|"
    r"\bleader in\b|\bgreat (?:place|things)\b|\bheard (?:great|good) things\b|\bmarket leader\b|"
    r"\b(?:the )?best (?:company|place|firm|employer|brand)\b|\bbest in (?:the|class)\b|"
    r"\b(?:is|are|so|looks|looked) (?:really |so |just )?(?:amazing|awesome|incredible|cool|beautiful|"
    r"clean|brilliant)\b|\bbig fan\b|\ba dream\b")
EMPLOYER = re.compile(
    r"\b(?:your|you're|you are|you've|you have|you|this (?:role|job|position|team|company|post|programme|"
    r"program|firm|practice|organi[sz]ation|school|department|unit|ward|hospital|kitchen|hotel|lab)|here|"
    r"the (?:advert|job ad|job description|job posting|posting|listing|vacancy)|"
    r"the (?:role|job|post|position|team|company|programme) (?:is|has|does|would|involves|'s|sits|covers))\b")
WORK_DETAIL = re.compile(
    r"\b(?:you're|you are|you've|you have|your (?:\w+ )?team (?:is|has|are)|the (?:team|role|job|post) (?:is|"
    r"has|involves|would)) (?:\w+ ){0,2}(?:\w+ing|moving|rebuilding|building|launching|opening|expanding|"
    r"starting|about to|just|taking|bringing|switching|replacing|hiring|setting up|running|rolling out)\b|"
    r"\byour (?:[\w-]+ ){1,3}(?:joins?|runs?|uses?|works?|holds?|sits?|meets?|ships?|builds?|owns?|covers?|"
    r"serves?|supports?|handles?|rotates?|is (?:moving|rebuilding|building|launching|opening|expanding))\b|"
    r"\byour (?:[\w-]+ )?(?:group|team|company|firm|organi[sz]ation|kitchen|restaurant|hospital|trust|school|"
    r"practice|department|unit|charity|council|lab|studio|agency|business|shop|store|hotel|clinic|ward|service|"
    r"office|site|chain|brand|newsroom|paper|station) (?:also |still |now |already |even |actually )?"
    r"(?!(?:is|has|was|does|seems|looks|sounds|values|cares|offers|pays|means|matters|treats|gives|deserves|"
    r"needs|wants)\b)[a-z]{3,}s\b|"
    r"\b\w+ you're (?:built|based|running) on\b|\b(?:advert|ad|description|posting|listing|vacancy) "
    r"(?:says|mentions|describes|talks about|asks for)\b|\bthe (?:role|job|post|position) (?:leads|runs|owns|"
    r"covers|looks after|manages|supports|works)\b|\bi (?:read|saw|heard|noticed|know|learned|found out) "
    r"(?:about |that |how |on )?(?:your|you)\b|\byour (?:decision|move|plan|launch|work|shift|switch) "
    r"(?:to|on|into|with|in)\b|"
    r"\byour (?:\w+ )?(?:programme|program|product|service|platform|clinic|ward|unit|lab|scheme|project|"
    r"rollout|pipeline|model|approach|network|system|work on|research|patients|students|customers|clients|"
    r"users|market|app|tool|course|curriculum|menu|kitchen|studio)s?\b|\b(?:the|this) (?:role|job|post|"
    r"position) (?:is|involves|covers|would (?:let|mean|have|put)|sits|means|includes|has)\b")
REASON = re.compile(
    r"\b(?:because|the reason|reasons?\b|what (?:draws|drew|attracts|attracted|excites|interests|appeals)|"
    r"i want|i'd (?:like|love)|i would (?:like|love)|i'm (?:excited|interested|drawn|keen)|appeals?|"
    r"why i applied|why i'm|the main thing|mainly|what i (?:like|love|want)|i love|i like|i'm looking|"
    r"first(?:ly)?,|second(?:ly)?,|the other|honestly|to be honest|it's (?:the|a|mostly)|i'm leaving|"
    r"i'm moving|leaving|i need|for me|matters)\b")
PERK = re.compile(
    r"\b(?:pay|paid|salary|money|benefits|bonus(?:es)?|commute|close to (?:home|where i live)|location|"
    r"remote|work from home|hours|flexib\w+|title|stability|stable|secure|security|need a job|pension|"
    r"perks?|holiday|gym|free (?:food|lunch)|change of scenery|a change|parking|career ladder|package|"
    r"raise|promotion|nearer|nearby|hybrid)\b")
WORK_CONTENT = re.compile(
    r"\b(?:problems?|customers?|clients?|patients?|users?|students?|pupils|responsib\w+|mission|advice|"
    r"casework|calls|callers|"
    r"products?|services?|research|design\w*|build\w*|teach\w*|systems?|projects?|schemes?|cases?|"
    r"experiments?|analysis|infrastructure|network|programmes?|programs?|training|support(?:ing)?|care\b|"
    r"families|communities|kids|children|engineers|teams? (?:who|that|i|where)|the work|kind of work|"
    r"type of work|"
    r"work (?:on|with|that|itself)|working (?:on|with)|decisions?|strategy|policy|operations|code|platform|"
    r"process(?:es)?|quality|safety|growth of|impact|outcomes?|menu|kitchen|food|guests|events|recruit\w*|"
    r"hiring|sales|accounts|deals|markets?|audits?|contracts?|translation|physio\w*|rehab\w*|lab|"
    r"experiments?|security|compliance|pharmacy|medicines|law|litigation|clinical|wards?|lead(?:ing)?|"
    r"mentor\w*|manag(?:e|ing) (?:a|the) \w+|own(?:ing)? (?:a|the)|sessions?|queues?|tickets?|pods?|huddles?|"
    r"feedback|learn(?:ing)? (?:how|from|to)|share what|shifts?|roadmap|messy data|data (?:\w+ )?(?:work|"
    r"analysis|quality|pipelines?|models?|platform|team)|forecast\w*|accounts?)\b")
EXPERIENCE = re.compile(
    r"\b(?:when i (?:\w+ed|built|ran|led|"
    r"set up|wrote|took|made|taught|won|was (?:running|leading|working))|i(?:'ve| have) (?:spent|been) "
    r"(?:\w+ ){0,4}\w+ing\b|i(?:'ve| have) (?:built|run|led|set up|managed|designed|launched|written|taught|"
    r"trained|coached|mentored|delivered|introduced|organised|organized|grown|handled|created|worked on|"
    r"worked with|worked closely|supported|helped)|i volunteer\w*|i (?:now |currently )?(?:run|lead|manage|"
    r"teach|look after|organi[sz]e|coach|mentor) (?:the|a|our|my|\w+ (?:people|engineers|nurses|agents|staff)))")
# A time in the speaker's working past, for a past-tense sentence about something done then.
EXPERIENCE_ANCHOR = re.compile(
    r"\b(?:last (?:year|winter|spring|summer|autumn|fall|month|quarter|term)|when i|in my (?:last|previous|"
    r"first|old) (?:role|job|position|team|company|placement|post)|at my (?:last|previous|old) (?:job|company|"
    r"employer|school|place)|(?:a|two|three|\d+) (?:years?|months?) ago|on my placement|at university i)\b")
FORWARD = re.compile(
    r"\b(?:i want to|i'd (?:\w+ly |also |now |still |then )?(?:like|love) to|"
    r"i would (?:\w+ly |also |now |still |then )?(?:like|love) to|i (?:\w+ly )?hope to|"
    r"i'm (?:\w+ly )?hoping to|i'm looking to|"
    r"i am looking to|i'd bring|i would bring|i could (?:help|bring|take|build|lead|contribute)|i can "
    r"(?:help|bring|contribute)|in (?:a few|two|three|five|\d+) years|next,|my next|next (?:year|few|couple|"
    r"\d+)|what's next|i see myself|i'd (?:want|expect|hope|be (?:able|working|learning|doing|leading|"
    r"building|helping|taking|responsible|ready|bringing))|i'm keen to|i'd be able|i'll be|i'd get to|"
    r"i want (?:my|the|more|a)|i'm ready to|"
    r"growing into|grow into|i (?:just |really |also )?want|i would want|i'd want|i aim|i'm (?:\w+ )?looking "
    r"(?:for|to))\b")
BLAME_SUBJ = (r"\b(?:my (?:(?:current|last|old|previous|former) )?(?:boss|manager|line manager|lead|supervisor|"
              r"director|team|coworkers|co-workers|"
              r"colleagues|employer|company|head of \w+)|(?:the )?management|leadership|the (?:company|place|"
              r"owners?|directors?|boss|manager|team|clients?|culture)|they|hr|he|she|people there|it)\b")
BLAME_WORDS = (r"\b(?:toxic|terrible|awful|incompetent|useless|clueless|lazy|micromanag\w*|chaotic|a mess|"
               r"a joke|a nightmare|nightmare|unfair|ridiculous|stupid|pathetic|never listens?|doesn't care|"
               r"don't care|didn't care|no idea|politics|drama|hate|hated|can't stand|couldn't stand|sick of|"
               r"fed up|burned us|horrible|rubbish|hopeless|disorgani[sz]ed|the worst|bad-?mouth|"
               r"don't (?:value|appreciate|listen|respect)|doesn't (?:value|appreciate|listen|respect)|"
               r"didn't (?:value|appreciate|listen|respect)|never (?:appreciated|valued|recogni[sz]ed|"
               r"listened)|underpaid|dead-end|waste of|has no clue|have no clue|bad (?:manager|boss|management)|"
               r"not appreciated|unappreciated|threw me|took credit|favou?rites|backstab\w*|"
               r"treated (?:us|me) (?:badly|like))")
BLAME = re.compile(rf"{BLAME_SUBJ}.{{0,60}}{BLAME_WORDS}|{BLAME_WORDS}.{{0,30}}\b(?:boss|manager|management|"
                   r"leadership|company|team|colleagues|place)\b")


def _mot_rules() -> list[tuple[str, Callable[[str, float], bool]]]:
    return [
        ("fit", lambda t, p: bool(EXPERIENCE.search(t) or DID.search(t))),
        ("future", lambda t, p: p > 0.4 and bool(FORWARD.search(t))),
        ("reasons", lambda t, p: bool(REASON.search(t) or EMPLOYER.search(t))),
    ]


def assess_motivation(sents: list[Sentence], settings: Settings = SETTINGS) -> Assessment:
    sents = label_by(sents, _mot_rules(), "reasons")
    body = content(sents) or sents
    checks = {
        C.SPECIFIC_TO_EMPLOYER: mot_specific_to_employer(body),
        C.REASONS_ABOUT_THE_WORK: mot_reasons_about_the_work(body),
        C.TIED_TO_EXPERIENCE: mot_tied_to_experience(body),
        C.FORWARD_LOOKING: mot_forward_looking(body),
        C.NO_BLAME: mot_no_blame(body),
        C.LENGTH_FITS: check_length(sents, settings.motivation_length_s),
    }
    return _assessment(Rubric.MOTIVATION, sents, checks, settings.motivation_weights)


def _proper_noun(s: Sentence) -> bool:
    toks = [w.strip(".,!?;:\"“”()") for w in s.text.split()]
    return any(tok[:1].isupper() and tok.lower() not in {"i", "i'm", "i've", "i'd", "i'll", "ok", "okay"}
               and i > 0 and not toks[i - 1].endswith((".", "!", "?")) for i, tok in enumerate(toks) if tok)


def mot_specific_to_employer(body: list[Sentence]) -> Check:
    generic = None
    for s in body:
        t = norm(s)
        if not EMPLOYER.search(t):
            continue
        detail = not GENERIC_PRAISE.search(t) and (WORK_DETAIL.search(t) or quantities(s.text) or _proper_noun(s))
        if detail:
            return _check(True, f"Something specific about this employer: {_q(s)}.", s)
        if generic is None and (GENERIC_PRAISE.search(t) or PERK.search(t)):
            generic = s
    ev = generic or next((s for s in body if EMPLOYER.search(norm(s))), body[0])
    return _check(False, "Nothing said is specific to this employer or its work.", ev)


def mot_reasons_about_the_work(body: list[Sentence]) -> Check:
    reasons = [s for s in body if REASON.search(norm(s)) or EMPLOYER.search(norm(s)) or FORWARD.search(norm(s))]
    work = [s for s in reasons if WORK_CONTENT.search(norm(s)) and not GENERIC_PRAISE.search(norm(s))
            and not (PERK.search(norm(s)) and not WORK_DETAIL.search(norm(s)))]
    perks = [s for s in reasons if PERK.search(norm(s))]
    if work:
        return _check(True, f"A reason about the work itself: {_q(work[0])}.", work[0])
    ev = perks[0] if perks else (reasons[0] if reasons else body[0])
    return _check(False, "No reason names the work itself.", ev)


def mot_tied_to_experience(body: list[Sentence]) -> Check:
    for s in body:
        t = norm(s)
        if EXPERIENCE.search(t) or (DID.search(t) and not re.search(r"\bi (?:studied|graduated)\b", t)) or \
                (EXPERIENCE_ANCHOR.search(t) and re.search(r"\bi\b", t) and PAST.search(t)):
            return _check(True, f"Tied to what you have done: {_q(s)}.", s)
    reasons = next((s for s in body if REASON.search(norm(s))), body[0])
    return _check(False, "Nothing ties the reasons to something you have done.", reasons)


def mot_forward_looking(body: list[Sentence]) -> Check:
    for s in body:
        if find(FORWARD, norm(s), guard=False):
            return _check(True, f"You said what you want to do next: {_q(s)}.", s)
    return _check(False, "Nothing says what you want to do or learn next.", body[-1])


def mot_no_blame(body: list[Sentence]) -> Check:
    for s in body:
        if find(BLAME, norm(s)):
            return _check(False, f"Blame of an employer: {_q(s)}.", at(s, re.compile(BLAME_WORDS), 8, 4))
    return _check(True, "No blame of a current or past employer.")


# ---------------------------------------------------------------- strength and weakness

WEAKNESS_Q = re.compile(r"\b(?:weakness\w*|improve\w*|develop\w*|work on|criticism|struggle|hardest|worst|"
                        r"support from|need to|get better|would \w+ say|annoying)\b")
TRAIT = re.compile(
    r"\bmy (?:\w+ ){0,2}(?:weakness(?:es)?|strengths?|superpower|development area|area (?:for|of) "
    r"(?:improvement|development|growth)|blind spot|problem|habit|flaw|fault)\b|"
    r"\bi (?:tend to|used to|can be|can get|have a (?:habit|tendency)|struggle|struggled|find it (?:hard|"
    r"difficult|tough)|found it (?:hard|difficult)|get (?:too|nervous|anxious|impatient|defensive|stuck|"
    r"distracted)|over-?commit|overthink|take on too|write too|talk too|say yes|avoid|put off|don't "
    r"(?:delegate|like|enjoy|ask|speak|say)|rush|jump|worry|default to|hold on|hang on|go quiet|need to "
    r"(?:work on|get better|improve|speak)|have (?:always )?been (?:bad|weak|slow|poor))\b|"
    r"\bi(?:'m| am) (?:really |very |not )?(?:naturally |particularly )?(?:good|best|strongest|great|strong|"
    r"not (?:great|good|the best)|too|naturally|bad|slow|weak|poor) ?(?:at|with)?\b|"
    r"\b(?:she|he|they)(?:'d| would| might) (?:probably |definitely )?say\b|"
    r"\b(?:is|has been) (?:the (?:thing|area|one)|something) i'm (?:working on|trying)|\bsomething i'm "
    r"(?:working on|trying|still)|\b(?:my (?:manager|lead|boss|team|colleagues|supervisor|mentor)|people|"
    r"colleagues|others) (?:would|'d|might|always) (?:probably )?(?:say|tell you)|\bi notice\b|"
    r"\b(?:the (?:one|thing|area) (?:i'm|i am|i'd|i)|what i'm) (?:working on|(?:most )?proud of|known for|"
    r"good at|best at|need)\b|\bi'm (?:known|the person|the one) (?:for|people|who)\b|"
    r"\bi (?:really )?(?:care|think) (?:a lot )?about\b|\b(?:is|was) (?:probably )?(?:my|the) (?:big(?:gest)? "
    r")?(?:one|thing)\b")
NOT_TRAIT = re.compile(r"\b(?:i'm still learning|i don't have much experience|nothing really|i can't think|"
                       r"i don't (?:really )?(?:have|think i have) (?:any|one|a|many)(?: big| real| major)? "
                       r"(?:weakness\w*|strength\w*)?)")
CLICHE = re.compile(
    r"\b(?:perfectionis[mt]\w*|(?:work|working|worked) too (?:hard|much)|care too much|too (?:dedicated|"
    r"committed|passionate|honest|nice|loyal|detail-oriented|detail oriented|hard-?working|driven|"
    r"conscientious)|workaholic|expect too much (?:of|from) (?:myself|others|people)|(?:my )?standards "
    r"(?:are|were) (?:too|really|very) high|high standards|i just want things (?:done )?(?:right|perfect)|"
    r"i don't (?:really )?have (?:any |a |many )?(?:big |real |major |particular )?weakness\w*|"
    r"i can't (?:really )?think of (?:one|any)|"
    r"give (?:it )?(?:a )?(?:hundred and ten|110%?)|110%|too much of a people pleaser|i'm always early)\b")
GENERIC_STRENGTH = re.compile(r"\b(?:hard ?worker|team player|people person|passionate|go-getter|"
                              r"perfectionist|(?:great|good) communicator|fast learner|quick learner)\b")
HEDGE_STEP = re.compile(r"\b(?:i (?:try|tried) to|i'm trying|i am trying|i will|i'll|i'd like|i should|i'm going "
                        r"to|i am going to|i want to|i hope to|i plan to|i need to|i'd|i would|i could|i might)\b")
_HABIT_VERBS = (r"(?:make|book|block|write|keep|set|ask|check|use|do|take|say|send|put|share|run|read|"
                r"practi[sc]e|go|aim|plan|give|add|have a|review|break|spend|start|end|bring|note|list|flag|turn|"
                r"pick|hand|schedule|prepare|record|track|rehearse|look|draft)")
STEP = re.compile(
    rf"{DID.pattern}|{PERFECT.pattern}|\b(?:i started|i began|i've started|i joined|i signed up|i got (?:a|my|"
    r"feedback|into the habit)|i moved (?:to|my|the)|i also started|i went on|i enrolled|i booked|i took (?:a|an|"
    r"on)|what (?:helped|worked|i did|i've done|i do now) (?:was|is|has been))\b|"
    r"\b(?:now|these days|so|every \w+|each \w+|before \w+|at the end of \w+(?: \w+)?),? i (?:also |always )?"
    rf"{_HABIT_VERBS}\b|\bi (?:also |now )?{_HABIT_VERBS}\b[^.!?\n]*\b(?:each|every|twice|daily|weekly|before "
    r"(?:each|every|the|a|any)|after (?:each|every))\b")
_OTHERS = (r"(?:(?:my|the|our) (?:[\w-]+ )?(?:manager|lead|boss|team|colleagues?|director|clients?|customers?|"
           r"supervisor|mentor|head|partner|consultant|reviewer|auditor|peers?|students|patients|registrar|"
           r"matron|sister|editor|chef)|she|he|they|people|everyone)")
CHANGE = re.compile(
    r"\b(?:used to\b.*\bnow|went from|gone from|since then|no longer|not anymore|haven't (?:missed|had|been|"
    r"needed|slipped|gone)|hasn't (?:happened|come up|been)|"
    rf"{_OTHERS} (?:has |have |had )?(?:\w+ )?(?:noticed|said|told me|mentioned|commented|pointed out|gave|called|"
    r"wrote|rated|thanked|picked up|uses|relies|trusts|asked me to|asks me to|(?:has |have )?since asked|"
    r"emailed|messaged|told (?:me|us|the team)|(?:\w+ )?to say)"
    r"(?! (?:\w+ )?(?:i should|i need|i could|i must|i'd need))|"
    r"feedback (?:from|has been|was (?:good|great|positive|better))|"
    r"(?:fewer|less|more|down to|up to|under) \d|from (?:about |around |roughly )?\d|\d+ (?:fewer|less|more|"
    r"times)|\d+ (?:of|out of) (?:my |the |our )?\d+|first time|(?:come|came|gone|went) (?:down|up) "
    r"(?:from|to|by)|dropped|"
    r"halved|doubled|(?:i|we|i've|we've) (?:now )?(?:finish|finished|hit|hit all|met|meet|delivered|deliver|"
    r"signed|won|closed|launched|passed|kept|saved|cut|reduced|improved|resolved|caught|got through|landed)\b|"
    r"\bnow (?:i|we|it|my|the|they|people)\b)")
STRENGTH_OUTCOME = re.compile(r"\b(?:fixed|resolved|solved|back to normal|asked me to|promoted|adopted|signed|won|"
                              r"saved|renewed|kept the|stayed|launched|shipped|approved|passed)\b")
VAGUE_CHANGE = re.compile(r"\b(?:i think i've (?:gotten|got|become) better|not really a problem anymore|"
                          r"i'm (?:a lot |much )?better (?:at it )?now|it's (?:getting|got) better|110%)\b")
RECENT = re.compile(
    r"\b(?:this (?:year|month|week|quarter|spring|summer|autumn|fall|winter|term|semester|sprint)|last "
    r"(?:week|month|quarter|year|spring|summer|autumn|fall|winter|term|semester|sprint|"
    r"project|few (?:weeks|months))|recently|(?:a|one|two|three|few|couple of|\d+) (?:weeks?|months?) ago|"
    r"these days|currently|still|i(?:'ve| have) been|in my current (?:role|job|team|post|position)|right "
    r"now|(?:for|over) the (?:past|last) (?:\w+ )?(?:weeks?|months?|year)|at the moment|now i|i now|"
    r"nowadays|since (?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|then|the start|last)|every (?:week|day|morning|friday|monday|month|sprint|shift)|in the "
    r"(?:spring|summer|autumn|winter)|my last (?:two|three|few|couple|\d+)|next (?:week|month|quarter))\b")


def focus(question: str | None, sents: list[Sentence]) -> str:
    """"weakness" or "strength": from the question's wording, else from the answer's."""
    if question:
        q = question.lower()
        if re.search(r"\b(?:strength|best at|superpower|bring|sets you apart|good at|proud)\b", q) and \
                not re.search(r"\bweakness", q):
            return "strength"
        if WEAKNESS_Q.search(q):
            return "weakness"
    text = " ".join(norm(s) for s in sents[:3])
    return "strength" if "strength" in text and "weakness" not in text else "weakness"


def assess_strength_weakness(sents: list[Sentence], settings: Settings = SETTINGS,
                             question: str | None = None) -> Assessment:
    kind = focus(question, sents)
    body0 = content(sents) or sents
    trait = sw_trait_sentence(body0)
    labelled, i_trait = [], body0.index(trait) if trait in body0 else -1
    seen_trait = False
    for s in sents:
        t = norm(s)
        if not is_content(s):
            lab = "other"
        elif s is trait or (not seen_trait):
            lab = "the_trait"
        elif CHANGE.search(t) and not VAGUE_CHANGE.search(t):
            lab = "evidence"
        elif _is_step(t):
            lab = "steps"
        else:
            lab = labelled[-1].label if labelled and labelled[-1].label != "other" else "the_trait"
        if s is trait:
            seen_trait = True
        elif not seen_trait and i_trait < 0:
            seen_trait = True  # no trait named: the first sentence stands for it
        labelled.append(Sentence(s.text, s.start, s.end, lab, s.words))
    sents = labelled
    body = content(sents) or sents
    names = sw_names_trait(body, trait, kind)
    steps = sw_steps_taken(body, trait, kind)
    checks = {
        C.NAMES_TRAIT: names,
        C.GENUINE_TRAIT: sw_genuine_trait(body, trait, kind, steps.passed),
        C.STEPS_TAKEN: steps,
        C.EVIDENCE_OF_CHANGE: sw_evidence_of_change(body, trait, kind),
        C.RECENT_EXAMPLE: sw_recent_example(body),
        C.LENGTH_FITS: check_length(sents, settings.strength_weakness_length_s),
    }
    return _assessment(Rubric.STRENGTH_WEAKNESS, sents, checks, settings.strength_weakness_weights)


def sw_trait_sentence(body: list[Sentence]) -> Sentence | None:
    """The sentence, among the first three content sentences, that names the trait."""
    for s in body[:3]:
        t = norm(s)
        if NOT_TRAIT.search(t):
            continue
        words, n = light(s.text).split(), len(s.text.split())  # n counts hidden words too: they were said
        short = bool(words) and (n <= 6 or (n <= 12 and words[0].endswith("ing"))) and \
            not re.search(r"\b(?:question|think about|tricky|hmm|let me)\b", t)
        if TRAIT.search(t) or CLICHE.search(t) or GENERIC_STRENGTH.search(t) or short:
            return s
    return None


def _is_step(t: str) -> bool:
    """Something the speaker did (or now does): a step that is not itself a hedge ("I try to", "I will")."""
    t = re.sub(r"\bi'd (?:been|had|noticed|seen|heard|done|already|just|never)\b", "", t)
    return any(not HEDGE_STEP.match(t, m.start()) and not re.search(r"\b(?:try|trying|going|want|hope|plan|need)"
                                                                    r" to \w*$", t[: m.start()])
               for m in STEP.finditer(t))


def sw_names_trait(body: list[Sentence], trait: Sentence | None, kind: str) -> Check:
    if trait is not None:
        return _check(True, f"You named the {kind}: {_q(trait)}.", trait)
    return _check(False, f"The {kind} is not named in the opening sentences.", body[0])


def sw_genuine_trait(body: list[Sentence], trait: Sentence | None, kind: str, has_example: bool) -> Check:
    for s in body[:4]:
        if find(CLICHE, norm(s)):
            return _check(False, f"A cliché: {_q(s)}.", at(s, CLICHE, 4, 8))
    if kind == "strength" and not has_example:
        for s in body[:3]:
            if GENERIC_STRENGTH.search(norm(s)):
                return _check(False, f"A generic label with no example: {_q(s)}.", s)
    named = trait or next((s for s in body if TRAIT.search(norm(s)) or GENERIC_STRENGTH.search(norm(s))), None)
    if named is None:
        refusal = next((s for s in body if NOT_TRAIT.search(norm(s))), body[0])
        return _check(False, f"No real {kind} was named.", refusal)
    return _check(True, f"A real {kind}: {_q(named)}.", named)


def sw_steps_taken(body: list[Sentence], trait: Sentence | None, kind: str) -> Check:
    after = body[body.index(trait) + 1:] if trait in body else body
    steps = [s for s in after if _is_step(norm(s)) and not find(CLICHE, norm(s))]
    anchor = trait or body[0]
    if len(steps) >= 2:
        return _check(True, f"{len(steps)} things you did: {_q(steps[0])}.", steps[0])
    what = "about it" if kind == "weakness" else "in an example of using it"
    if steps:
        return _check(False, f"Only one thing you did {what}: {_q(steps[0])}.", steps[0])
    return _check(False, f"Nothing you did {what}.", anchor)


def sw_evidence_of_change(body: list[Sentence], trait: Sentence | None, kind: str) -> Check:
    after = body[body.index(trait) + 1:] if trait in body else body
    for s in after:
        t = norm(s)
        if VAGUE_CHANGE.search(t):
            continue
        if CHANGE.search(t) or (kind == "strength" and (STRENGTH_OUTCOME.search(t) or (OUTCOME.search(t)
                                                                                  and quantities(s.text)))):
            return _check(True, f"Proof that it {'changed' if kind == 'weakness' else 'worked'}: {_q(s)}.", s)
    ev = next((s for s in reversed(after) if _is_step(norm(s))), (after or body)[-1])
    return _check(False, "Nothing shows that it changed.", ev)


def sw_recent_example(body: list[Sentence]) -> Check:
    for s in body:
        if RECENT.search(norm(s)) and not NOT_TRAIT.search(norm(s)):
            return _check(True, f"Recent: {_q(s)}.", s)
    old = next((s for s in body if re.search(r"\b(?:years ago|in college|at university|at uni|early in my "
                                             r"career|when i started|my first job)\b", norm(s))), None)
    return _check(False, "The example is long ago or undated.", old or body[min(1, len(body) - 1)])


# ---------------------------------------------------------------- situational

FRAME = re.compile(
    r"\b(?:(?:first|1st|firstly|before anything),? (?:i'd|i would|i'll|i will|i want|thing i'd)|"
    r"i'd (?:first )?(?:want to|"
    r"need to|start by|begin by|try to)? ?(?:understand|find out|ask (?:why|what|them|him|her|myself)|clarify|"
    r"get the facts|figure out|establish|work out|check (?:what|whether|why|if))|i'd want to know|i'd assume|"
    r"look (?:at|into) (?:why|what|whether|how)|(?:start|begin) by (?:making sure|check\w*|confirm\w*|verify\w*|"
    r"find\w*|ask\w*|understand\w*|get\w*|"
    r"listen\w*|look\w*|hearing|talking|clarify\w*)|listening for|(?:first|1st) step (?:is|would be) to|"
    r"(?:be|get) clear (?:about|on)|the facts|"
    r"assuming|the (?:real |first |main |key |big )?(?:issue|problem|risk|goal|priority|question|thing) "
    r"(?:here |i'd ask|to (?:work out|figure out|establish))?(?:is|would be|i'd)|what matters|before (?:i do "
    r")?anything|the question i'd ask|i'd ask myself|find out|understand (?:why|what|whether|the)|"
    r"the (?:first|1st) thing i'd (?:do|want)|i'd want to (?:hear|see|talk|look|get|understand)|i'd need to know|"
    r"my first (?:step|question|move) would be to (?:find|ask|understand|check|talk|listen)|"
    r"(?:what's|what is) (?:really )?(?:going on|behind|causing)|it depends on whether|is it because)\b")
OPTIONS = re.compile(
    r"\b(?:one option|the other (?:option|way|route|choice)|options? (?:are|would be|is)|i could\b.*\bor\b|"
    r"either\b.*\bor\b|alternatively|instead of|rather than|trade-?off|on the other hand|versus|vs|the risk "
    r"(?:of|is|there)|\bor i could|or we could|another option|the alternative|the downside|the upside|"
    r"(?:two|three|a few|several|couple of) (?:ways|options|routes|choices|levers|paths)|levers|"
    r"(?:options|choices) (?:here )?(?:are|:)|i'd rather\b.*\bthan|weigh\w*|"
    r"the cost of|pros and cons)\b")
IF_CASE = re.compile(r"^(?:and |but |so )?(?:if (?:it's|it is|they|he|she|the|that|there|we|it turns out|"
                     r"it was|it were)|if not|where it's)\b")
DECIDE = re.compile(
    r"\b(?:i(?:'d| would| will|'ll) (?:then |first |probably |just |also |still |definitely |actually |"
    r"quickly |immediately |personally |start by |begin by )?(?:go with|choose|pick|recommend|tell|ask|set up|"
    r"call|sit down|say|escalate|take|put|agree|book|move|give|write|pull|bring|speak|talk|meet|send|let|"
    r"make|offer|suggest|propose|decide|split|prioriti[sz]e|keep|stop|flag|raise|push|focus|fix|ring|email|"
    r"check|explain|apologi[sz]e|admit|own|back|side|support|run|schedule|arrange|hand|document|share|"
    r"refuse|decline|accept|report|contact|message|phone|invite|ship|delay|hold|roll|revert|cut|drop|"
    r"protect|prepare|present|tackle|deal|handle|step|be honest|do|work|sort|lay|walk|reach|plan|open|go|"
    r"get|help|pair|loop|list|lead|show|treat|look|sit|watch|set|start|have|use|gather|find|warn|end|name|"
    r"fix|let)|my (?:call|decision|choice|recommendation|plan|answer) would (?:\w+ )?"
    r"be|what i'd do is|i'd decide|my (?:first )?(?:move|step) would be|i'd start with|i'd go for|"
    r"i would start with|i'd say no|i'd say yes)\b")
HEDGE = re.compile(
    r"\b(?:it (?:really |all )?depends|it would (?:really |all )?depend|hard to say|i'm not (?:really )?sure|"
    r"i am not sure|play it by ear|see how it goes|go with the flow|every situation is different|i'd "
    r"probably just see|maybe|(?<!that )(?<!this )(?<!what )(?<!any )(?<!the )(?<!a )kind of|i guess|not sure|"
    r"it's hard to|i don't know)\b")
REASONS = re.compile(
    r"\b(?:because|since|so that|the reason|that way|otherwise|which means|in order to|so (?:people|they|he|"
    r"she|we|it|everyone|nobody|no one|the|nothing|i can|i'm|i am|there|that|you|my|our|their|his|her|each|"
    r"both)|that's why|as it|the point is|means (?:we|they|the|it)|or else|to avoid|to make sure|to keep)\b")
VALUES = re.compile(
    r"\b(?:you (?:have|need|'ve got|gotta) to be|(?:is|are) (?:really |very |so )?important to me|i'm "
    r"(?:good|great|calm|very good|quite good) under|team player|communication is key|i (?:always|really) "
    r"(?:believe|value|put)|i'm (?:a|quite a|very|really) (?:\w+ )?(?:person|people)|honesty is|i'm "
    r"(?:good|great) at)\b")
FOLLOW = re.compile(
    r"\b(?:i'd (?:then )?(?:check|follow up|measure|track|look at|check in|review|revisit|monitor|see (?:whether|"
    r"if|how)|ask (?:them|him|her|the team) (?:after|again|how|whether)|come back|go back)|follow(?:ing)? up|"
    r"check(?:ing)? (?:in|back|whether|that|if)|(?:after|in|within|for) (?:a|one|two|three|a couple of|a few|"
    r"\d+) (?:days?|weeks?|months?|sprints?|shifts?)|a week later|at the (?:next|retro)|at the end of (?:the )?"
    r"(?:week|month|sprint|quarter|shift|trial|first)|see whether|checkpoint|look at whether|\d+ (?:days?|"
    r"weeks?|months?) in\b|"
    r"see if it|so we know (?:when|whether|if)|a test that reproduces|if (?:that|it|this|they) (?:didn't|"
    r"doesn't|does not|did not|still|wasn't|isn't|don't|won't)|if not,|if it (?:works|worked|helps|"
    r"helped)|keep an eye|measure\w*|track\w*|how (?:i'd|i would|we'd) know|to (?:see|check) (?:whether|if)|"
    r"review (?:it|how|whether)|revisit)\b")
REAL = re.compile(
    r"\b(?:this (?:actually|has actually|really) happened|i(?:'ve| have)? had something (?:like|similar)|"
    r"(?:when|the time) (?:that|this|something similar|it) happened|in my (?:last|previous|current|old|first) "
    r"(?:job|role|team|company|school|post|placement|position)|last (?:year|spring|summer|month|week|autumn|"
    r"fall|winter|quarter|term|christmas)|that's what i did|i did (?:exactly )?(?:that|this|the same)|"
    r"i(?:'ve| have) (?:done|had|seen|handled|been in) (?:this|that|it|something|a similar)|(?:years?|"
    r"months?|weeks?) ago|at my (?:last|previous|old) (?:job|company|school|place|employer)|once had|"
    r"when i was (?:at|a|an|working|in)|happened to me|(?:similar|the same) (?:situation|thing|case|problem))\b|"
    r"\bi (?:\w+ed|had|did|dealt|ran|went|saw|took|made)\b.{0,40}\blike (?:this|that)\b|"
    r"\b(?:when|the time) (?:this|that|it|something like (?:this|that)) (?:came up|happened)\b")


def _sit_rules() -> list[tuple[str, Callable[[str, float], bool]]]:
    return [
        ("check", lambda t, p: p > 0.4 and bool(FOLLOW.search(t))),
        ("situation", lambda t, p: p < 0.45 and bool(FRAME.search(t))),
        ("options", lambda t, p: bool(OPTIONS.search(t) or IF_CASE.search(t))),
        ("decision", lambda t, p: bool(DECIDE.search(t))),
    ]


def assess_situational(sents: list[Sentence], settings: Settings = SETTINGS) -> Assessment:
    sents = label_by(sents, _sit_rules(), "situation")
    body = content(sents) or sents
    decision = sit_makes_decision(body)
    checks = {
        C.FRAMES_SITUATION: sit_frames_situation(body),
        C.WEIGHS_OPTIONS: sit_weighs_options(body),
        C.MAKES_DECISION: decision,
        C.GIVES_REASONS: sit_gives_reasons(body, decision),
        C.PLANS_FOLLOW_UP: sit_plans_follow_up(body),
        C.REAL_EXAMPLE: sit_real_example(body),
        C.LENGTH_FITS: check_length(sents, settings.situational_length_s),
    }
    return _assessment(Rubric.SITUATIONAL, sents, checks, settings.situational_weights)


def sit_frames_situation(body: list[Sentence]) -> Check:
    t0, span = body[0].start, speaking_s(body)
    early = [s for i, s in enumerate(body) if i < 2 or s.start - t0 <= span / 3]
    for s in early:
        t = norm(s)
        if FRAME.search(t) and not re.match(r"^(?:it|that) (?:really |all )?depends\W*$", t):
            return _check(True, f"You framed the situation first: {_q(s)}.", s)
    first_act = next((s for s in body if DECIDE.search(norm(s))), body[0])
    return _check(False, "The answer goes straight to an action.", first_act)


def sit_weighs_options(body: list[Sentence]) -> Check:
    for s in body:
        if OPTIONS.search(norm(s)):
            return _check(True, f"You weighed more than one course: {_q(s)}.", s)
    ifs = [s for s in body if IF_CASE.search(norm(s))]
    if len(ifs) >= 2:
        return _check(True, f"You weighed two cases: {_q(ifs[0])}.", ifs[0])
    ev = next((s for s in body if DECIDE.search(norm(s))), body[0])
    return _check(False, "Only one course came up.", ev)


def _decisions(body: list[Sentence]) -> list[Sentence]:
    return [s for s in body if DECIDE.search(norm(s)) and not HEDGE.search(norm(s))]


def sit_makes_decision(body: list[Sentence]) -> Check:
    last = body[-1]
    if HEDGE.search(norm(last)) and not DECIDE.search(norm(last)):
        return _check(False, "The answer ends on a hedge.", last)
    decided = _decisions(body)
    if decided:
        return _check(True, f"A clear decision: {_q(decided[0])}.", decided[0])
    hedge = next((s for s in body if HEDGE.search(norm(s))), body[0])
    return _check(False, "No committed decision.", hedge)


def sit_gives_reasons(body: list[Sentence], decision: Check) -> Check:
    decided = _decisions(body)
    if not decision.passed or not decided:
        return _check(False, "No decision to give a reason for.", body[0] if not decided else decided[0])
    for s in decided:
        i = body.index(s)
        for r in body[i: i + 2]:
            t = norm(r)
            if REASONS.search(t) and not VALUES.search(t):
                return _check(True, f"A reason for the decision: {_q(r)}.", r)
    return _check(False, "The decision has no reason.", decided[0])


def sit_plans_follow_up(body: list[Sentence]) -> Check:
    for s in body:
        t = norm(s)
        if FOLLOW.search(t) and not re.fullmatch(r".*\bmake sure (?:we|it|they) (?:hit|meet|get)\b.*", t):
            return _check(True, f"How you would know it worked: {_q(s)}.", s)
    return _check(False, "Nothing says how you would know it worked.", body[-1])


def sit_real_example(body: list[Sentence]) -> Check:
    for s in body:
        t = norm(s)
        if REAL.search(t) and re.search(r"\b(?:i|we|i've|we've|my|our|me)\b", t):
            return _check(True, f"A real case: {_q(s)}.", s)
    ev = next((s for s in reversed(body) if DECIDE.search(norm(s))), body[-1])
    return _check(False, "No real case like this was mentioned.", ev)


# ---------------------------------------------------------------- open, and the dispatcher


def assess_open(sents: list[Sentence]) -> Assessment:
    """Knowledge, technical and anything else: no content parts, no checks, no score."""
    return Assessment(Rubric.OPEN, tuple(Sentence(s.text, s.start, s.end, "other", s.words) for s in sents),
                      {}, {}, None)


def sentences_of(chunks: list[list[Word]]) -> list[Sentence]:
    return [Sentence(sentence_text(c), c[0].start, c[-1].end, "other", tuple(c)) for c in chunks if c]


def assess(rubric: Rubric, chunks: list[list[Word]], duration_s: float, limit_s: float,
           settings: Settings = SETTINGS, question: str | None = None) -> Assessment:
    """The answer judged by the rubric of the question asked."""
    if rubric == Rubric.STAR:
        return star_mod.assess(chunks, duration_s, limit_s, settings)
    sents = sentences_of(chunks)
    if rubric == Rubric.OPEN or not sents:
        return assess_open(sents)
    if rubric == Rubric.INTRODUCTION:
        return assess_introduction(sents, settings)
    if rubric == Rubric.MOTIVATION:
        return assess_motivation(sents, settings)
    if rubric == Rubric.STRENGTH_WEAKNESS:
        return assess_strength_weakness(sents, settings, question)
    return assess_situational(sents, settings)


UNSURE = "Not judged: it turns on words that may be misheard."


def weights_of(rubric: Rubric, settings: Settings = SETTINGS) -> dict[CheckId, int]:
    return _weights({Rubric.INTRODUCTION: settings.intro_weights, Rubric.MOTIVATION: settings.motivation_weights,
                     Rubric.STRENGTH_WEAKNESS: settings.strength_weakness_weights,
                     Rubric.SITUATIONAL: settings.situational_weights}[rubric])


def assess_in_doubt(rubric: Rubric, chunks: list[list[Word]], spans: list[tuple[float, float]], duration_s: float,
                    limit_s: float, settings: Settings = SETTINGS, question: str | None = None) -> Assessment:
    """The answer judged on the words heard with confidence: the words in the doubtful spans are hidden, so no
    quote shows them and no cue matches them, and a check whose verdict changes when they are shown is left
    unsure (not passed, no evidence, so no tip): it would pass, or fail, on those words alone."""
    hidden = [hide(c, spans) for c in chunks]
    a = assess(rubric, hidden, duration_s, limit_s, settings, question)
    if not spans or a.score is None:
        return a
    full = assess(rubric, chunks, duration_s, limit_s, settings, question).checks
    checks = {cid: Check(False, UNSURE, None, unsure=True) if cid in full and full[cid].passed != c.passed else c
              for cid, c in a.checks.items()}
    if sum(c.unsure for c in checks.values()) >= settings.unscored_unsure_share * len(checks):
        score = None  # too little was heard clearly to judge: no score rather than a low one
    elif rubric == Rubric.STAR:
        score = star_mod.score(checks, a.parts, settings)
    else:
        score = round(weighted_score(checks, weights_of(rubric, settings)))
    return dataclasses.replace(a, checks=checks, score=score)


def as_said(a: Assessment, chunks: list[list[Word]]) -> Assessment:
    """The assessment with its sentences' words as transcribed again (the hidden ones back), for the transcript
    views, which mark the doubtful words themselves; checks, evidence and labels are left as judged."""
    said = {(c[0].start, c[-1].end): c for c in chunks if c}
    sents = tuple(Sentence(sentence_text(c), s.start, s.end, s.label, tuple(c))
                  if (c := said.get((s.start, s.end))) else s for s in a.sentences)
    return dataclasses.replace(a, sentences=sents)


def text_words(text: str, words_per_s: float = 2.5, t0: float = 0.3) -> list[Word]:
    """Written text as words with times at a speaking pace (150 words a minute): for tests and the corpora."""
    step = 1.0 / words_per_s
    return [Word(tok, round(t0 + i * step, 2), round(t0 + (i + 1) * step - 0.05, 2), 0.95)
            for i, tok in enumerate(text.split())]


def assess_text(rubric: Rubric, text: str, limit_s: float = 120.0, settings: Settings = SETTINGS,
                question: str | None = None) -> Assessment:
    """A written answer judged as if spoken at 150 words a minute."""
    ws = text_words(text)
    return assess(rubric, split_sentences(ws, settings), ws[-1].end + 0.3, limit_s, settings, question)
