"""Tests for mockprep.banks: the built-in question banks and the loader's error reporting."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from pathlib import Path

import pytest

from mockprep.assessment import QuestionType
from mockprep.banks import (
    BankError,
    Question,
    builtin_banks_dir,
    competencies,
    load_bank,
    load_banks,
    pick,
    roles,
)
from mockprep.qtype import infer

ROLE_BANKS = (
    "software_engineering",
    "product_management",
    "data",
    "sales",
    "customer_support",
    "general",
)

GOOD_BANK = """\
bank: good
kind: role
role: sales
questions:
  - id: good-01
    text: Tell me about a deal you closed.
    competency: ownership
    probes:
      - What was it worth?
      - What did you do yourself?
  - id: good-02
    text: Tell me about a deal you lost.
    competency: failure
    probes:
      - When did you know?
      - What would you change?
"""


# --- built-in banks ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def builtin() -> list[Question]:
    questions, errors = load_banks([builtin_banks_dir()])
    assert errors == [], "\n".join(str(e) for e in errors)
    return questions


def test_builtin_dir_holds_the_yaml_banks() -> None:
    names = {p.stem for p in builtin_banks_dir().glob("*.yaml")}
    assert {"behavioral", *ROLE_BANKS} <= names


def test_builtin_banks_load_without_errors_and_are_large_enough(builtin: list[Question]) -> None:
    assert len(builtin) >= 150


def test_each_builtin_file_loads_on_its_own_with_bank_id_matching_file_name() -> None:
    for path in sorted(builtin_banks_dir().glob("*.yaml")):
        questions = load_bank(path)
        assert questions, path
        assert {q.bank for q in questions} == {path.stem}, path


def test_behavioral_bank_covers_many_competencies(builtin: list[Question]) -> None:
    behavioral = [q for q in builtin if q.kind == "behavioral"]
    per_competency = Counter(q.competency for q in behavioral)
    assert len(per_competency) >= 12, per_competency
    thin = {c: n for c, n in per_competency.items() if n < 6}
    assert thin == {}, f"competencies with fewer than 6 questions: {thin}"


def test_every_question_has_two_to_four_distinct_probes(builtin: list[Question]) -> None:
    wrong_count = [q.id for q in builtin if not 2 <= len(q.probes) <= 4]
    assert wrong_count == []
    repeated = [q.id for q in builtin if len(set(q.probes)) != len(q.probes)]
    assert repeated == []


def test_the_six_role_banks_exist_with_twelve_questions_each(builtin: list[Question]) -> None:
    role_counts = Counter(q.bank for q in builtin if q.kind == "role")
    for bank in ROLE_BANKS:
        assert role_counts[bank] >= 12, f"{bank}: {role_counts[bank]} questions"
    assert set(roles(builtin)) >= set(ROLE_BANKS)


def test_role_questions_use_the_behavioral_competency_tags(builtin: list[Question]) -> None:
    known = {q.competency for q in builtin if q.kind == "behavioral"} | {"motivation"}
    stray = {(q.id, q.competency) for q in builtin if q.competency not in known}
    assert stray == set()


def test_ids_and_texts_are_unique(builtin: list[Question]) -> None:
    ids = Counter(q.id for q in builtin)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(q.text for q in builtin)
    assert [t for t, n in texts.items() if n > 1] == []


# --- malformed files ---------------------------------------------------------------------------


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _assert_error_at(error: BankError, path: Path, line: int, fragment: str) -> None:
    assert error.path == path
    assert error.line == line, str(error)
    assert str(error).startswith(f"{path}, line {line}: "), str(error)
    assert fragment in str(error)


MALFORMED = {
    "bad_syntax": (
        """\
bank: bad_syntax
kind: role
questions:
  - id: bad-01
    text: What: happened here?
    competency: ownership
    probes: [first probe, second probe]
""",
        5,
        "invalid YAML",
    ),
    "no_text": (
        """\
bank: no_text
kind: role
questions:
  - id: fine-01
    text: A fine question?
    competency: ownership
    probes: [first probe, second probe]
  - id: sales-03
    competency: ownership
    probes: [first probe, second probe]
""",
        8,
        "question 'sales-03' has no text",
    ),
    "empty_text": (
        """\
bank: empty_text
kind: role
questions:
  - id: empty-01
    competency: ownership
    text: "  "
    probes: [first probe, second probe]
""",
        6,
        "question 'empty-01' has no text",
    ),
    "questions_not_list": (
        """\
# a comment first, so line numbers are not trivially 1
bank: questions_not_list
kind: behavioral
questions:
  id: x-01
  text: Not in a list?
""",
        5,
        "'questions' must be a list",
    ),
    "unknown_key": (
        """\
bank: unknown_key
kind: role
questions:
  - id: unknown-01
    text: A question?
    competency: ownership
    probes:
      - a?
      - b?
    difficulty: hard
""",
        10,
        "unknown key 'difficulty'",
    ),
    "duplicate_id": (
        """\
bank: duplicate_id
kind: role
questions:
  - id: dup-01
    text: First?
    competency: ownership
    probes: [first probe, second probe]
  - id: dup-02
    text: Second?
    competency: ownership
    probes: [first probe, second probe]
  - id: dup-01
    text: Third, reusing the first id?
    competency: ownership
    probes: [first probe, second probe]
""",
        12,
        "question id 'dup-01' is already used on line 4",
    ),
    "one_probe": (
        """\
bank: one_probe
kind: behavioral
questions:
  - id: probe-01
    text: A question?
    competency: ownership
    probes:
      - Only one follow-up?
""",
        8,
        "question 'probe-01' has 1 probe(s)",
    ),
    "unknown_top_key": (
        """\
bank: unknown_top_key
kind: role
questoins:
  - id: typo-01
""",
        3,
        "unknown key 'questoins'",
    ),
    "bad_kind": (
        """\
bank: bad_kind
kind: technical
questions:
  - id: kind-01
""",
        2,
        "kind 'technical' is not one of",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bank_names_file_and_line(tmp_path: Path, name: str) -> None:
    text, line, fragment = MALFORMED[name]
    path = _write(tmp_path, f"{name}.yaml", text)
    with pytest.raises(BankError) as caught:
        load_bank(path)
    _assert_error_at(caught.value, path, line, fragment)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bank_does_not_stop_the_others(tmp_path: Path, name: str) -> None:
    text, line, _fragment = MALFORMED[name]
    bad = _write(tmp_path, f"{name}.yaml", text)
    _write(tmp_path, "good.yaml", GOOD_BANK)
    _write(tmp_path, "zz_also_good.yml", GOOD_BANK.replace("good-0", "later-0"))
    _write(tmp_path, "notes.txt", "not a bank, ignored")

    questions, errors = load_banks([tmp_path])

    assert [(e.path, e.line) for e in errors] == [(bad, line)]
    assert sorted(q.id for q in questions) == ["good-01", "good-02", "later-01", "later-02"]


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.yaml", "")
    with pytest.raises(BankError) as caught:
        load_bank(path)
    assert caught.value.path == path
    assert "must be a mapping" in str(caught.value)


def test_duplicate_id_across_files_reports_the_later_file(tmp_path: Path) -> None:
    builtin_dir = tmp_path / "builtin"
    user_dir = tmp_path / "user"
    builtin_dir.mkdir()
    user_dir.mkdir()
    _write(builtin_dir, "good.yaml", GOOD_BANK)
    # The clash is the second question, on line 11 of the user's file.
    user = _write(user_dir, "mine.yaml", GOOD_BANK.replace("good-01", "mine-01"))

    questions, errors = load_banks([builtin_dir, user_dir])

    assert len(errors) == 1
    _assert_error_at(errors[0], user, 11, "question id 'good-02' is already used in")
    assert str(builtin_dir / "good.yaml") in str(errors[0])
    ids = [q.id for q in questions]
    assert ids == ["good-01", "good-02", "mine-01"]
    # The earlier (built-in) definition wins.
    assert next(q for q in questions if q.id == "good-02").bank == "good"


def test_missing_and_repeated_directories(tmp_path: Path) -> None:
    _write(tmp_path, "good.yaml", GOOD_BANK)
    questions, errors = load_banks([tmp_path, tmp_path / "absent", tmp_path])
    assert errors == []
    assert [q.id for q in questions] == ["good-01", "good-02"]


# --- loaded values and helpers -----------------------------------------------------------------


def test_question_fields_come_from_bank_and_entry(tmp_path: Path) -> None:
    text = GOOD_BANK.replace("competency: ownership", "competency: Customer focus")
    path = _write(tmp_path, "good.yaml", text)
    first = load_bank(path)[0]
    assert first == Question(
        id="good-01",
        text="Tell me about a deal you closed.",
        competency="customer_focus",
        bank="good",
        kind="role",
        role="sales",
        probes=("What was it worth?", "What did you do yourself?"),
        type=QuestionType.STORY,
        type_inferred=True,  # a user's bank may leave the type out: it is read from the wording
    )


def test_every_builtin_question_has_its_type_and_the_wording_agrees() -> None:
    questions, errors = load_banks([builtin_banks_dir()])
    assert not errors
    assert not [q.id for q in questions if q.type_inferred]
    wrong = [(q.id, q.type.value, infer(q.text).value) for q in questions if infer(q.text) != q.type]
    assert not wrong
    assert {q.type for q in questions} >= set(QuestionType) - {QuestionType.OPEN}  # every kind with a rubric


def test_a_type_that_is_not_one_of_the_kinds_is_named_with_its_line(tmp_path: Path) -> None:
    typed = GOOD_BANK.replace("competency: ownership", "competency: ownership\n    type: riddle")
    path = _write(tmp_path, "typed.yaml", typed)
    with pytest.raises(BankError, match=r"line \d+: question 'good-01' type 'riddle' is not one of: story"):
        load_bank(path)


def _sample() -> list[Question]:
    def q(qid: str, competency: str, role: str, bank: str) -> Question:
        return Question(qid, f"Question {qid}?", competency, bank, "role", role, ("a?", "b?"))

    return [
        q("a", "leadership", "sales", "sales"),
        q("b", "conflict", "sales", "sales"),
        q("c", "leadership", "data", "data"),
        q("d", "leadership", "general", "behavioral"),
    ]


def test_competencies_and_roles_are_sorted_and_distinct() -> None:
    assert competencies(_sample()) == ["conflict", "leadership"]
    assert roles(_sample()) == ["data", "general", "sales"]


def test_pick_respects_every_filter() -> None:
    rng = random.Random(7)
    sample = _sample()
    for _ in range(20):
        assert pick(sample, competency="leadership", role="sales", rng=rng).id == "a"
        assert pick(sample, bank="behavioral", rng=rng).id == "d"
    seen = {pick(sample, competency="leadership", rng=rng).id for _ in range(50)}
    assert seen == {"a", "c", "d"}


def test_pick_is_repeatable_with_a_seeded_rng() -> None:
    first = [pick(_sample(), rng=random.Random(3)).id for _ in range(5)]
    second = [pick(_sample(), rng=random.Random(3)).id for _ in range(5)]
    assert first == second


def test_pick_without_a_match_says_why() -> None:
    expected = "No question matches competency 'ambiguity' and role 'sales'"
    with pytest.raises(ValueError, match=expected):
        pick(_sample(), competency="ambiguity", role="sales")
    with pytest.raises(ValueError, match="no questions to choose from"):
        pick([])


def test_pick_by_type_and_never_the_question_just_asked_when_another_fits() -> None:
    rng = random.Random(5)
    sample = [*_sample(), dataclasses.replace(_sample()[0], id="e", type=QuestionType.MOTIVATION)]
    assert {pick(sample, qtype="motivation", rng=rng).id for _ in range(10)} == {"e"}
    assert {pick(sample, competency="leadership", exclude="a", rng=rng).id for _ in range(40)} == {"c", "d", "e"}
    assert pick(sample, qtype="motivation", exclude="e", rng=rng).id == "e"  # the only one: asked again
