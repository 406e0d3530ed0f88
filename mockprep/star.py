"""The STAR rubric for story questions: sentences labelled Situation, Task, Action, Result or other, and
the STAR checks.

Labelling is cue scores (phrases typical of each part) plus a position prior, decoded with Viterbi over
mostly-forward transitions (S -> T -> A -> R), so one odd sentence does not flip the story around it.
The cues and weights were tuned on tests/data/star_corpus.yaml; docs/scoring.md explains the score.
"""

from __future__ import annotations

import re

from mockprep.assessment import Assessment, Check, CheckId, Part, Rubric, parts_of, weighted_score
from mockprep.config import SETTINGS, Settings
from mockprep.sentences import Sentence, sentence_text
from mockprep.text import HABITUAL, IRREGULAR_PAST, PAST, analysis_text, is_event, quantities
from mockprep.words import HIDDEN, Word, clock

LABELS = ("situation", "task", "action", "result", "other")
PARTS = LABELS[:4]

# Check weights (sum 100); see docs/scoring.md. is_story halves the score when it fails.
WEIGHTS = {
    CheckId.ALL_PARTS_PRESENT: 15,
    CheckId.ACTION_RESULT_SHARE: 20,
    CheckId.SITUATION_BRIEF: 10,
    CheckId.TASK_OWNERSHIP: 10,
    CheckId.ACTION_USES_I: 15,
    CheckId.RESULT_QUANTIFIED: 12,
    CheckId.RESULT_SPECIFIC: 8,
    CheckId.WITHIN_LIMIT: 10,
}


# ---------------------------------------------------------------- cue lexicon

# Past forms that describe a state or feeling rather than something the speaker did.
_STATIVE = {
    "was", "were", "had", "needed", "wanted", "learned", "learnt", "realized", "realised", "felt", "noticed",
    "hoped", "liked", "loved", "seemed", "used", "supposed", "expected", "owned", "tended", "assumed",
    "believed", "joined", "started", "worked", "managed", "received", "got", "became", "knew", "thought",
    "wondered", "worried", "appreciated", "enjoyed", "preferred", "hated",
}
_ADV = r"(?:(?:then|also|first|immediately|quickly|personally|finally|eventually|actually|basically|just|" \
       r"really|carefully|next|later|ultimately|directly|soon|now|even|initially|still|proactively)\s)?"
ACTION_I = re.compile(rf"\bi {_ADV}(?!(?:{'|'.join(sorted(_STATIVE))})\b)((?:\w+ed)|(?:{IRREGULAR_PAST}))\b")
ACTION_WE = re.compile(rf"\b(?:we|the team|my team) {_ADV}(?!(?:{'|'.join(sorted(_STATIVE))})\b)"
                       rf"((?:\w+ed)|(?:{IRREGULAR_PAST}))\b")

CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "situation": [
        (r"\b(?:at|in|during) my (?:previous|last|former|first|old|current|second|third|summer) (?:job|role|"
         r"company|position|team|internship|employer|year|semester|placement|startup)\b", 2.5),
        (r"\b(?:when|while) i was (?:working|a|an|at|in|the|on|leading|managing|interning|studying)\b", 2.0),
        (r"\b(?:last|this past|one|a few|several|couple of) (?:year|summer|spring|fall|autumn|winter|quarter|"
         r"semester|month|years|months)s?(?: ago)?\b", 0.8),
        (r"\b(?:a|two|three|four|five|six|several|few|\d+) (?:years|months|weeks) ago\b", 1.5),
        (r"\bthere (?:was|were|had been)\b", 1.3),
        (r"\b(?:was|were) (?:struggling|facing|dealing|losing|experiencing|having|running|using|getting|"
         r"seeing|growing|falling|missing|going through|stuck)\b", 1.4),
        (r"\b(?:had|'d) (?:been|become|grown|dropped|fallen|started|slipped|stalled|piled|gotten)\b", 1.0),
        (r"\bi (?:worked|was working|was employed|was interning|was an intern|was a|was an|was the|was on|"
         r"joined|had just joined|was hired)\b", 1.6),
        (r"\b(?:our|the|my) (?:company|team|department|store|school|clinic|hospital|startup|client|customer|"
         r"org|organization|product|app|site|website|system|platform|office|manager|boss|lead)\b.{0,30}"
         r"\b(?:was|were|had|used|relied|sold|served|ran|did not|didn't|wasn't|weren't)\b", 1.0),
        (r"\bat the time\b", 1.2),
        (r"\b(?:the|our|a) (?:problem|issue|situation|context|background|backlog) (?:was|were|had)\b", 0.8),
        (r"\b(?:(?:is|was) a|as a|as the) (?:\w+ )?(?:engineer|manager|analyst|developer|designer|lead|"
         r"intern|associate|coordinator|representative|rep|nurse|teacher|consultant|specialist|student|"
         r"cashier|agent|supervisor|scientist|assistant|administrator|director|owner)\b", 1.0),
        (r"\b(?:every|each) (?:week|month|day|quarter|morning)\b", 0.5),
    ],
    "task": [
        (r"\bi was (?:responsible|in charge|accountable|tasked|asked|assigned|brought in|hired|given|"
         r"put in charge|chosen|picked|selected|the one|expected|supposed)\b", 3.0),
        (r"\bmy (?:job|role|task|goal|responsibility|assignment|mission|objective|challenge|part|"
         r"remit|brief|mandate|focus|deliverable|priority) (?:was|became|is|would be)\b", 3.2),
        (r"\b(?:the|our) (?:goal|task|objective|aim|mission|target|ask|mandate|challenge|brief|"
         r"assignment|deadline) (?:was|became|is)\b", 2.4),
        (r"\b(?:it (?:fell|was up|came down) to me|up to me|on me to|fell on me|landed on my|"
         r"landed with me|fell to me)\b", 3.2),
        (r"\b(?:asked|tasked|assigned|charged|challenged|trusted|brought|hired|needed|wanted|"
         r"expected|put) me (?:to|with|in charge)\b", 3.0),
        (r"\bi (?:needed|had|was supposed|was expected|wanted|was determined|had been asked|"
         r"was meant) to\b", 1.6),
        (r"\bi volunteered to\b|\bi took (?:on|ownership|charge|the lead|responsibility)\b|\bi offered to\b", 1.8),
        (r"\b(?:we|the team) (?:needed|had|were asked|were tasked|were expected|were supposed) to\b", 1.4),
        (r"\bwe had (?:only |just )?(?:\w+ )?(?:days|weeks|months|hours) to\b", 1.2),
        (r"\b(?:by|before) (?:the end of|friday|monday|the deadline|launch|next|q[1-4])\b", 0.6),
        (r"\bso that (?:we|i) could\b|\bwithout (?:losing|breaking|hurting|delaying)\b", 0.3),
    ],
    "action": [
        (r"^(?:so |and |then )?(?:first|firstly|second|secondly|third|next|then|after that|afterwards|"
         r"from there|finally|to start|to begin|i started by|i began by|once|meanwhile)\b", 1.2),
        (r"\bi (?:decided|chose|started|began|proposed|suggested|organized|organised|scheduled|set up|"
         r"reached out|called|emailed|talked|spoke|met|sat down|asked|interviewed|created|built|designed|"
         r"wrote|analyzed|analysed|reviewed|dug|pulled|mapped|broke|prioritized|prioritised|delegated|"
         r"negotiated|automated|ran|led|trained|coached|documented|presented|drafted|introduced|tested|"
         r"launched|rolled|shipped|fixed|refactored|migrated|replaced|added|removed|moved|rewrote|"
         r"rebuilt|tracked|measured|followed|explained|listened|shadowed|paired|offered|invited|"
         r"gathered|collected|compared|identified|escalated|worked with|worked through|went|took|made|"
         r"put|sent|got|gave|showed|shared|brought|used|kept|split)\b", 1.0),
        (r"\bso i\b|\bthat's when i\b|\bi then\b|\bi also\b|\bi personally\b|\bmyself\b", 0.9),
        (r"\b(?:in order to|so that|to make sure|to ensure|making sure)\b", 0.4),
        (r"\bi (?:told|asked|explained to|showed|convinced|persuaded|reminded|walked) (?:him|her|them|"
         r"the|my|our|each|everyone)\b", 0.8),
        (r"\b(?:we|the team) (?:then |also |first |finally )?(?:decided|started|began|set up|built|"
         r"created|wrote|ran|held|organized|reached out|agreed|worked|met|launched|rolled out|"
         r"introduced|moved|split|divided|reviewed|tested|designed|implemented|rewrote|migrated)\b", 0.8),
    ],
    "result": [
        (r"\b(?:as a result|in the end|ultimately|eventually|at the end of|by the end of|in total|overall|"
         r"the result was|the outcome was|end result|the upshot|thanks to (?:that|this)|because of (?:that|"
         r"this)|all in all|long story short|afterwards|after that change|within (?:a|the|two|three|\d+) "
         r"(?:week|month|quarter|year|day)s?)\b", 2.2),
        (r"\b(?:this|that|which|it|these|those) (?:led to|resulted in|meant|allowed|helped|brought|"
         r"saved|cut|reduced|increased|improved|gave|got|made|turned|paid off|worked|ended up)\b", 1.6),
        (r"\b(?:increased|decreased|reduced|cut|saved|grew|doubled|tripled|halved|improved|dropped|fell|"
         r"rose|boosted|raised|lowered|shrank|jumped|climbed|went (?:up|down|from)|came down|"
         r"shortened|recovered|exceeded|beat|hit|surpassed|outperformed)\b", 1.0),
        (r"\b(?:was|were|got|been|later) (?:promoted|recognized|recognised|awarded|praised|renewed|signed|"
         r"adopted|approved|launched|shipped|released|delivered|completed|finished|hired|selected|"
         r"nominated|accepted|rolled out|resolved|closed|retained|invited)\b", 1.3),
        (r"\b(?:on time|ahead of schedule|under budget|on budget|on schedule|before the deadline|"
         r"a day early|days early|weeks early|record|best ever|highest|lowest|for the first time)\b", 1.3),
        (r"\bi (?:realized|realised)\b", 0.6),
        (r"\bi (?:learned|learnt|took away|now always|now make|still use|always make "
         r"sure|now try|came away)\b|\btaught me\b|\bsince then\b|\bnext time\b|\bgoing forward\b|"
         r"\blooking back\b|\bin hindsight\b|\bthe lesson\b|\bthe biggest takeaway\b|\bif i did it again\b|"
         r"\bi would (?:do|have done)\b|\bmy takeaway\b|\bi'd do\b", 2.6),
        (r"\b(?:my manager|my boss|the client|the customer|the director|the vp|leadership|they|she|he|"
         r"the team|everyone|customers|users) (?:said|told me|thanked|praised|was happy|were happy|loved|"
         r"appreciated|called it|gave me|asked me to|now uses|still use|kept using|adopted)\b", 1.1),
        (r"\b(?:happy|pleased|satisfied|impressed|thrilled|grateful) with\b|\bwent (?:really |very )?well\b|"
         r"\bwas a (?:big |huge |great |real )?success\b|\bpositive feedback\b|\bworked out\b", 1.3),
        (r"\b(?:is|are) still (?:used|in use|running|in place|live)\b|\bto this day\b|\bstill use\b", 1.5),
    ],
    "other": [
        (r"^(?:sure|yes|yeah|yep|absolutely|of course|definitely|great question|good question|okay|ok|"
         r"alright|all right|thanks|thank you|so yeah|yeah so|um so|let me think|hmm|well,? (?:sure|"
         r"okay))\b", 2.2),
        (r"\b(?:that's|that is|that was) (?:pretty much |basically |really )?(?:it|the story|what happened|"
         r"my example|my answer|one example|a good example|how i|all|what i did|the whole (?:thing|story)|"
         r"how it (?:went|ended|turned out))\b|^(?:and |so |um |uh )*yeah\W*$|"
         r"^(?:and |so |um |uh )*yeah,? (?:so |and )?(?:that's|that was)\b|\bsorry,? (?:that was|it's) "
         r"(?:long|a lot)|\bthanks for (?:asking|the question)"
         r"\b|\bhappy to (?:talk|share|go|tell|walk|dive)\b|\blet me (?:tell|walk|share|give|think)\b|"
         r"\bone (?:example|time) (?:that|i) (?:comes|come|can think)\b|\bcomes to mind\b|\bgood example\b",
         2.6),
        (r"\bi (?:think|believe|feel) (?:that )?(?:it's|its|it is|communication|teamwork|the key|"
         r"every|good|great|a good|people|you|this)\b|\bin my (?:opinion|view|experience)\b", 1.8),
        (r"\bi(?:'m| am) (?:a|an|very|always|really|pretty|someone|the kind|the type|naturally|"
         r"generally|usually|quite)\b", 2.4),
        (r"\bi (?:always|usually|generally|normally|typically|tend to|try to|like to|would|'d probably|"
         r"never)\b|\bwhenever\b|\bi'd (?:probably|first|start|then|make|try|just)\b", 1.8),
        (r"\byou (?:have to|need to|should|want to|gotta|can't|always|never)\b|\bit's important to\b|"
         r"\bthe key is\b|\bmy approach is\b|\bmy philosophy\b", 1.8),
    ],
}
CUES_RX = {label: [(re.compile(p), w) for p, w in rules] for label, rules in CUES.items()}

POSITION = {"situation": (0.05, 0.42), "task": (0.22, 0.32), "action": (0.55, 0.38), "result": (0.92, 0.35)}
OTHER_BASE = -1.6
RESULT_NEEDS_EVIDENCE = 0.8
STORY_MIN_SHARE = 0.45
START = {"situation": 0.0, "task": -1.0, "action": -2.0, "result": -4.0, "other": -0.3}
# Mostly forward: S -> T -> A -> R; stepping back costs, "other" can sit anywhere.
TRANS = {
    "situation": {"situation": 0.0, "task": -0.2, "action": -0.7, "result": -3.0, "other": -1.8},
    "task": {"situation": -1.4, "task": -0.4, "action": 0.0, "result": -2.5, "other": -1.8},
    "action": {"situation": -2.6, "task": -1.6, "action": 0.0, "result": -0.6, "other": -1.8},
    "result": {"situation": -3.5, "task": -3.0, "action": -1.0, "result": 0.0, "other": -1.0},
    "other": {"situation": 0.0, "task": -0.4, "action": -0.6, "result": -0.6, "other": -0.6},
}


def cue_scores(text: str) -> dict[str, float]:
    t = analysis_text(text)
    scores = {label: sum(w for rx, w in CUES_RX[label] if rx.search(t)) for label in LABELS}
    if ACTION_I.search(t):
        scores["action"] += 1.6
    elif ACTION_WE.search(t):
        scores["action"] += 1.0
    if scores["action"] == 0 and not re.search(r"\b(?:i|we|my team|the team)\b", t):
        scores["action"] -= 1.0  # nobody does anything in this sentence
    q = quantities(text)
    if scores["result"] == 0 and not q:
        scores["result"] -= RESULT_NEEDS_EVIDENCE  # an outcome is said in outcome words or numbers
    if q:
        # A number is a result when something changed; in a plain description it is scale.
        scores["result"] += 1.2 if scores["result"] > 0 or scores["situation"] == 0 else 0.4
    if HABITUAL.search(t) and not is_event(text):
        scores["other"] += 1.5
    elif not PAST.search(t):
        scores["other"] += 0.5
    elif not ACTION_I.search(t) and not ACTION_WE.search(t) and not re.search(r"\b(?:i|we)\b", t) \
            and scores["result"] == 0:
        scores["situation"] += 0.8  # a state of affairs described in the third person
    if re.search(r"\b(?:they|it|he|she|people|customers|users|clients|staff|the \w+|new \w+|our \w+|their \w+) "
                 r"(?:would|used to)\b", t):
        scores["situation"] += 1.0  # how things used to go: background
    return scores


def emissions(sentences: list[str], positions: list[float]) -> list[dict[str, float]]:
    out = []
    for text, p in zip(sentences, positions, strict=True):
        cues = cue_scores(text)
        row = {}
        for label in PARTS:
            mu, sd = POSITION[label]
            row[label] = cues[label] - 0.5 * ((p - mu) / sd) ** 2
        row["other"] = cues["other"] + OTHER_BASE
        out.append(row)
    return out


def viterbi(rows: list[dict[str, float]]) -> list[str]:
    if not rows:
        return []
    best = {lab: START[lab] + rows[0][lab] for lab in LABELS}
    back: list[dict[str, str]] = []
    for row in rows[1:]:
        prev_best, best, ptr = best, {}, {}
        for lab in LABELS:
            src = max(LABELS, key=lambda s, lab=lab: prev_best[s] + TRANS[s][lab])
            best[lab] = prev_best[src] + TRANS[src][lab] + row[lab]
            ptr[lab] = src
        back.append(ptr)
    path = [max(LABELS, key=lambda lab: best[lab])]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    return path[::-1]


def story_share(texts: list[str]) -> float:
    """Share of sentences that tell what happened once."""
    return sum(is_event(t) for t in texts) / len(texts) if texts else 0.0


def label_texts(texts: list[str], positions: list[float]) -> list[str]:
    """Labels for sentences given their relative positions (0..1) in the answer."""
    labels = viterbi(emissions(texts, positions))
    if story_share(texts) < STORY_MIN_SHARE:
        # A general answer has no Situation or Action of its own: its generic sentences are "other".
        # Without a story there is no Action or Result to time; background can stay Situation.
        labels = [lab if lab == "situation" and is_event(t) else "other" for lab, t in zip(labels, texts, strict=True)]
    return labels


# ---------------------------------------------------------------- checks

I_SUBJ = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|myself)\b")
WE_SUBJ = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our team|the team)\b")
OWNERSHIP = re.compile(
    r"\b(?:i was (?:responsible|in charge|accountable|tasked|asked|assigned|brought in|hired|given|chosen|handed|"
    r"picked|selected|the one|expected|supposed|the (?:lead|owner|only|point)|leading|running|managing|"
    r"on point)|my (?:job|role|task|goal|responsibility|assignment|mission|objective|challenge|part|remit|"
    r"brief|mandate|focus|priority|target|deal|project|call|decision)|(?:asked|tasked|assigned|charged|challenged|"
    r"trusted|wanted|expected|needed|hired|handed) me|(?:fell|was up|came down) to me|up to me|on me to|"
    r"i (?:needed|had|wanted|was determined|offered|volunteered|set out|committed) to|set myself|took it upon myself|"
    r"i (?:decided|chose) to take (?:on|ownership|charge|over)|i took (?:on|ownership|charge|the lead|"
    r"responsibility)|i owned|i'd have to be the one|(?:i want|we need|need|needed) you to|it was my \w+)\b")
VAGUE = re.compile(
    r"\b(?:went (?:really |very |pretty |quite )?(?:well|great|smoothly|fine)|worked out|turned out (?:well|"
    r"fine|great|okay)|(?:a|big|huge|great|real|total) success|successful|(?:was|were|everyone was|"
    r"they were|he was|she was|people were|all) (?:really |very |super )?(?:happy|pleased|satisfied|"
    r"impressed|thrilled|grateful)|positive feedback|good feedback|(?:improved|better|increased|helped) "
    r"(?:a lot|significantly|greatly|massively|a bunch|quite a bit|hugely|tremendously)|things got better|"
    r"made a (?:big |huge |real )?difference|(?:really|very) (?:well|good)|appreciated|good result|"
    r"strengthened|much better|a lot better|way better|it helped|(?:noticed|saw|felt|seen|see|notice) (?:a|the) "
    r"(?:difference|change|improvement)|felt (?:\w+ )?(?:better|good|great)|things (?:improved|were better))\b")
REFLECTION = re.compile(r"\b(?:i (?:learned|learnt|realized|realised|took away|came away)|taught me|the lesson|"
                        r"takeaway|looking back|in hindsight|next time|going forward|since then i)\b")
PRAISE = re.compile(r"\b(?:thanked|praised|appreciated|happy|pleased|grateful|impressed|liked it|loved it|"
                    r"(?:positive|good|great|nice) (?:feedback|comments|reviews)|said (?:thanks|thank you|"
                    r"(?:it|that) was (?:great|good)))\b")
CONCRETE = re.compile(
    r"\b(?:launched|shipped|released|signed|renewed|promoted|hired|won|adopted|approved|published|"
    r"accepted|awarded|closed the|passed|certified|went live|rolled out|became the|is now|are now|"
    r"still (?:use|uses|used|running|in place)|to this day|on time|ahead of schedule|under budget|"
    r"before the deadline|kept the (?:account|client|customer)|stayed with us|recommendation|"
    r"standard (?:process|practice)|template|every team|company-wide|across the company|chose|"
    r"resolved|fixed|no longer|never (?:missed|happened)|stopped|zero)\b")


def _sentences_with(sents: list[Sentence], label: str) -> list[Sentence]:
    return [s for s in sents if s.label == label]


def _check(passed: bool, detail: str, sentence: Sentence | None = None) -> Check:
    return Check(passed, detail, sentence.evidence if sentence else None)


def check_all_parts(parts: dict[str, Part]) -> Check:
    missing = [p for p in PARTS if parts[p].sentences == 0]
    if not missing:
        return _check(True, "Situation, Task, Action and Result are all there.")
    return _check(False, "Missing: " + ", ".join(m.capitalize() for m in missing) + ".")


def check_action_result_share(parts: dict[str, Part], settings: Settings) -> Check:
    share = parts["action"].share + parts["result"].share
    ok = share >= settings.action_result_target - 1e-9
    return _check(ok, f"Action and Result took {share:.0%} of the story (aim for {settings.action_result_target:.0%}"
                     " or more).")


def check_situation_brief(sents: list[Sentence], parts: dict[str, Part], settings: Settings) -> Check:
    sit = _sentences_with(sents, "situation")
    total = sum(s.duration for s in sents)
    share = parts["situation"].seconds / total if total else 0.0  # of the whole answer, not only the story
    ok = len(sit) <= settings.situation_max_sentences and share <= settings.situation_max_share + 1e-9
    detail = f"Situation: {len(sit)} sentence{'s' if len(sit) != 1 else ''}, {parts['situation'].seconds:.0f} s " \
             f"({share:.0%} of the answer)."
    return _check(ok, detail, sit[-1] if sit and not ok else None)


def check_task_ownership(sents: list[Sentence]) -> Check:
    # Ownership is usually stated before the results; a merged Situation/Task sentence counts as well.
    first_result = next((i for i, s in enumerate(sents) if s.label == "result"), len(sents))
    for s in sents[:first_result]:
        if s.label != "other" and OWNERSHIP.search(analysis_text(s.text)):
            return _check(True, f"Your own responsibility is stated: “{s.text}”", s)
    tasks = _sentences_with(sents, "task")
    if tasks:
        return _check(False, "The task is stated for the team only; say what you were responsible for.", tasks[0])
    return _check(False, "No task: say what you yourself had to achieve.", None)


def check_action_uses_i(sents: list[Sentence]) -> Check:
    acts = _sentences_with(sents, "action")
    if not acts:
        return _check(False, "No actions were found to check.")
    i_count = sum(len(I_SUBJ.findall(analysis_text(s.text))) for s in acts)
    we_count = sum(len(WE_SUBJ.findall(analysis_text(s.text))) for s in acts)
    ok = i_count > we_count
    we_first = next((s for s in acts if WE_SUBJ.search(analysis_text(s.text))), None)
    return _check(ok, f"In the actions you said “I” {i_count} times and “we” {we_count} times.",
                 None if ok else we_first)


def check_result_quantified(sents: list[Sentence]) -> Check:
    res = _sentences_with(sents, "result")
    for s in res:
        q = quantities(s.text)
        if q:
            return _check(True, f"Measured result: “{q[0]}”.", s)
    if not res:
        return _check(False, "No result to measure.")
    return _check(False, "The result has no number: no percentage, money, time or count.", res[0])


def check_result_specific(sents: list[Sentence], quantified: bool) -> Check:
    res = _sentences_with(sents, "result")
    if not res:
        return _check(False, "No result was stated.")
    texts = [analysis_text(s.text) for s in res]
    vague = next((s for s, t in zip(res, texts, strict=True) if VAGUE.search(t)), None)
    # Concrete: a named outcome, or something that happened that is neither vague, praise nor a lesson.
    concrete = any(CONCRETE.search(t) for t in texts) or any(
        is_event(s.text) and not VAGUE.search(t) and not REFLECTION.search(t) and not PRAISE.search(t)
        for s, t in zip(res, texts, strict=True))
    if quantified or concrete:
        return _check(True, "The result names a concrete outcome.", None)
    if vague:
        return _check(False, f"Vague result: “{vague.text}”.", vague)
    return _check(False, "The result does not say what changed.", res[-1])


def check_within_limit(duration_s: float, limit_s: float) -> Check:
    if duration_s <= limit_s + 1e-9:
        return _check(True, f"{clock(duration_s)} of {clock(limit_s)}.")
    return _check(False, f"{clock(duration_s)}: {duration_s - limit_s:.0f} s over the {clock(limit_s)} limit.")


def check_is_story(sents: list[Sentence]) -> Check:
    if not sents:
        return _check(False, "Nothing was said.")
    share = story_share([s.text for s in sents])
    if share >= STORY_MIN_SHARE and any(s.label in {"action", "result"} for s in sents):
        return _check(True, f"A specific past event ({share:.0%} of sentences tell what happened).")
    ev = next((s for s in sents if not is_event(s.text) and s.label == "other"), sents[0])
    return _check(False, "This sounds like a general approach, not one specific time it happened.", ev)


def score(checks: dict[CheckId, Check], parts: dict[str, Part], settings: Settings) -> int:
    total = weighted_score(checks, WEIGHTS)
    if not checks[CheckId.ACTION_RESULT_SHARE].passed:
        # Partial credit as the share approaches the target.
        share = parts["action"].share + parts["result"].share
        total += WEIGHTS[CheckId.ACTION_RESULT_SHARE] * max(0.0, (share - 0.3) / (settings.action_result_target - 0.3))
    if not checks[CheckId.IS_STORY].passed and not checks[CheckId.IS_STORY].unsure:
        total *= 0.5  # structure means little if the answer is not one real event
    return round(max(0.0, min(100.0, total)))


# ---------------------------------------------------------------- all together


def assess(chunks: list[list[Word]], duration_s: float, limit_s: float, settings: Settings = SETTINGS) -> Assessment:
    """Label the answer's sentences with STAR parts and make the checks."""
    t0, t1 = chunks[0][0].start, chunks[-1][-1].end
    span = max(t1 - t0, 1e-6)
    positions = [((c[0].start + c[-1].end) / 2 - t0) / span for c in chunks]
    texts = [sentence_text(c) for c in chunks]
    # A sentence heard only in doubt (every word hidden) is no part of the story: what it said is not known.
    labels = [lab if any(w.text != HIDDEN for w in c) else "other"
              for lab, c in zip(label_texts(texts, positions), chunks, strict=True)]
    sents = [Sentence(t, c[0].start, c[-1].end, lab, tuple(c)) for t, c, lab in zip(texts, chunks, labels,
                                                                                    strict=True)]
    return check(sents, duration_s, limit_s, settings)


def check(sents: list[Sentence], duration_s: float, limit_s: float, settings: Settings = SETTINGS) -> Assessment:
    """Parts, checks and score for sentences already labelled."""
    parts = parts_of(sents, PARTS)
    quant = check_result_quantified(sents)
    checks = {
        CheckId.ALL_PARTS_PRESENT: check_all_parts(parts),
        CheckId.ACTION_RESULT_SHARE: check_action_result_share(parts, settings),
        CheckId.SITUATION_BRIEF: check_situation_brief(sents, parts, settings),
        CheckId.TASK_OWNERSHIP: check_task_ownership(sents),
        CheckId.ACTION_USES_I: check_action_uses_i(sents),
        CheckId.RESULT_QUANTIFIED: quant,
        CheckId.RESULT_SPECIFIC: check_result_specific(sents, quant.passed),
        CheckId.WITHIN_LIMIT: check_within_limit(duration_s, limit_s),
        CheckId.IS_STORY: check_is_story(sents),
    }
    return Assessment(Rubric.STAR, tuple(sents), parts, checks, score(checks, parts, settings))
