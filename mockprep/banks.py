"""Question banks: YAML files of interview questions, loaded and validated.

Banks are data that users may edit, so every problem is reported as a BankError that names the
file and the line, and one bad file never stops the others from loading.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mockprep.assessment import QuestionType

# libyaml's safe loader when it is there: the banks load at every start, and it is several times faster.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "BANK_KINDS",
    "MAX_TEXT_CHARS",
    "MIN_PROBES",
    "BankError",
    "Question",
    "builtin_banks_dir",
    "competencies",
    "load_all",
    "load_bank",
    "load_banks",
    "pick",
    "roles",
]

BANK_KINDS = ("behavioral", "role")
# A question is read aloud in a few seconds; anything longer is almost certainly a pasting mistake.
MAX_TEXT_CHARS = 400
# Every question gets interviewer follow-ups, so candidates practise the second layer of a story.
MIN_PROBES = 2

_BANK_KEYS = frozenset({"bank", "title", "kind", "role", "questions"})
_QUESTION_KEYS = frozenset({"id", "text", "competency", "probes", "type"})
TYPES = tuple(t.value for t in QuestionType)
_REQUIRED_BANK_KEYS = ("bank", "kind", "questions")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    competency: str
    bank: str
    kind: str
    role: str
    probes: tuple[str, ...]
    type: QuestionType = QuestionType.STORY
    type_inferred: bool = False  # the type was guessed from the wording, not given


class BankError(ValueError):
    """A problem with one bank file; `line` is 1-based, or None when no line applies."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")


def builtin_banks_dir() -> Path:
    """The banks shipped inside the package (mockprep/question_banks/), wherever it is installed."""
    return Path(str(resources.files("mockprep") / "question_banks"))


def load_all(data_dir: str | Path) -> tuple[list[Question], list[BankError]]:
    """The built-in banks, then the user's own (data_dir/banks/*.yaml)."""
    return load_banks([builtin_banks_dir(), Path(data_dir) / "banks"])


def load_bank(path: str | Path) -> list[Question]:
    """Load and validate one bank file; raise BankError on the first problem found."""
    return [question for question, _line in _load_with_lines(Path(path))]


def load_banks(dirs: Iterable[str | Path]) -> tuple[list[Question], list[BankError]]:
    """Load every *.yaml / *.yml in `dirs`, in order (built-in first, then the user's).

    Missing directories are skipped, since a user's bank directory is optional. A question whose id
    was already loaded from an earlier file is skipped and reported against the later file.
    """
    questions: list[Question] = []
    errors: list[BankError] = []
    seen_ids: dict[str, Path] = {}
    seen_dirs: set[Path] = set()
    for directory in map(Path, dirs):
        resolved = directory.resolve()
        # The same directory given twice would otherwise report every id as a duplicate.
        if resolved in seen_dirs or not directory.is_dir():
            continue
        seen_dirs.add(resolved)
        files = sorted(
            p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
        for path in files:
            try:
                loaded = _load_with_lines(path)
            except BankError as error:
                errors.append(error)
                continue
            for question, line in loaded:
                first = seen_ids.get(question.id)
                if first is not None:
                    problem = f"question id '{question.id}' is already used in {first}"
                    errors.append(BankError(path, line, problem))
                    continue
                seen_ids[question.id] = path
                questions.append(question)
    return questions, errors


def competencies(questions: Iterable[Question]) -> list[str]:
    """Sorted distinct competency tags."""
    return sorted({q.competency for q in questions})


def roles(questions: Iterable[Question]) -> list[str]:
    """Sorted distinct roles."""
    return sorted({q.role for q in questions})


def pick(
    questions: Sequence[Question],
    *,
    competency: str | None = None,
    role: str | None = None,
    bank: str | None = None,
    qtype: str | None = None,
    exclude: str | None = None,
    rng: random.Random | None = None,
) -> Question:
    """A random question among those matching every filter given (other than `exclude`, the id of the one
    just asked, when another matches); ValueError if none match."""
    matches = [
        q
        for q in questions
        if (competency is None or q.competency == competency)
        and (role is None or q.role == role)
        and (bank is None or q.bank == bank)
        and (qtype is None or q.type.value == qtype)
    ]
    if not questions:
        raise ValueError("There are no questions to choose from.")
    if not matches:
        filters = [
            f"{name} '{value}'"
            for name, value in (("competency", competency), ("role", role), ("bank", bank), ("type", qtype))
            if value is not None
        ]
        raise ValueError(
            f"No question matches {' and '.join(filters)} among {len(questions)} questions."
        )
    matches = [q for q in matches if q.id != exclude] or matches
    # The module-level generator when no rng is given, so random.seed() still makes runs repeatable.
    return rng.choice(matches) if rng is not None else random.choice(matches)


# --- parsing and validation -------------------------------------------------------------------


def _load_with_lines(path: Path) -> list[tuple[Question, int]]:
    """Questions with the 1-based line of each question's entry (needed for cross-file errors)."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BankError(path, None, f"cannot be read ({error})") from error
    try:
        data = yaml.load(source, Loader=LOADER)  # LOADER is a safe loader
        # safe_load gives the values; the node tree gives the line of each value for messages.
        root = yaml.compose(source, Loader=LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise BankError(path, line, f"invalid YAML: {problem}") from error
    return _validate(path, data, root)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _mapping_entries(
    path: Path, node: yaml.MappingNode, what: str
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Key -> (key node, value node); a repeated key is an error, not silently the last one."""
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in entries:
            raise BankError(path, _line(key_node), f"{what} has the key '{key}' twice")
        entries[key] = (key_node, value_node)
    return entries


def _validate(path: Path, data: Any, root: yaml.Node | None) -> list[tuple[Question, int]]:
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        problem = "the file must be a mapping with bank, kind and questions"
        raise BankError(path, _line(root), problem)
    top = _mapping_entries(path, root, "the bank")

    for key, (key_node, _value) in top.items():
        if key not in _BANK_KEYS:
            allowed = ", ".join(sorted(_BANK_KEYS))
            raise BankError(path, _line(key_node), f"unknown key '{key}' (allowed: {allowed})")
    for key in _REQUIRED_BANK_KEYS:
        if key not in data:
            raise BankError(path, 1, f"the bank has no '{key}'")

    bank = _text_field(path, data, top, "bank", "the bank")
    kind = _text_field(path, data, top, "kind", "the bank")
    if kind not in BANK_KINDS:
        raise BankError(
            path, _line(top["kind"][1]), f"kind '{kind}' is not one of: {', '.join(BANK_KINDS)}"
        )
    role = _text_field(path, data, top, "role", "the bank") if "role" in data else "general"
    if "title" in data:
        _text_field(path, data, top, "title", "the bank")

    questions_node = top["questions"][1]
    items = data["questions"]
    if not isinstance(items, list) or not isinstance(questions_node, yaml.SequenceNode):
        raise BankError(path, _line(questions_node), "'questions' must be a list")
    if not items:
        raise BankError(path, _line(questions_node), "'questions' is empty")

    loaded: list[tuple[Question, int]] = []
    first_line: dict[str, int] = {}
    for index, (item, node) in enumerate(zip(items, questions_node.value, strict=True), start=1):
        question = _question(path, item, node, index, bank=bank, kind=kind, role=role)
        if question.id in first_line:
            raise BankError(
                path,
                _line(node),
                f"question id '{question.id}' is already used on line {first_line[question.id]}",
            )
        first_line[question.id] = _line(node)
        loaded.append((question, _line(node)))
    return loaded


def _question(
    path: Path, item: Any, node: yaml.Node, index: int, *, bank: str, kind: str, role: str
) -> Question:
    if not isinstance(item, dict) or not isinstance(node, yaml.MappingNode):
        raise BankError(path, _line(node), f"question #{index} must be a mapping (id, text, ...)")
    fields = _mapping_entries(path, node, f"question #{index}")

    # Name the question by its id when it has a usable one, so the message can be searched for.
    raw_id = item.get("id")
    has_id = isinstance(raw_id, str) and raw_id.strip()
    label = f"question '{raw_id.strip()}'" if has_id else f"question #{index}"
    for key, (key_node, _value) in fields.items():
        if key not in _QUESTION_KEYS:
            allowed = ", ".join(sorted(_QUESTION_KEYS))
            problem = f"{label} has unknown key '{key}' (allowed: {allowed})"
            raise BankError(path, _line(key_node), problem)

    for key in ("id", "text", "competency"):
        if key not in item:
            raise BankError(path, _line(node), f"{label} has no {key}")
    qid = _text_field(path, item, fields, "id", label)
    text = _text_field(path, item, fields, "text", label)
    if len(text) > MAX_TEXT_CHARS:
        raise BankError(
            path,
            _line(fields["text"][1]),
            f"{label} text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}",
        )
    # Normalised so "Customer focus" in a user's bank groups with the built-in "customer_focus".
    competency = "_".join(
        _text_field(path, item, fields, "competency", label).lower().replace("-", " ").split()
    )

    if "probes" not in fields or item.get("probes") is None:
        raise BankError(
            path, _line(node), f"{label} has no probes; at least {MIN_PROBES} follow-ups are needed"
        )
    probes_node = fields["probes"][1]
    probes_value = item["probes"]
    if not isinstance(probes_value, list) or not isinstance(probes_node, yaml.SequenceNode):
        raise BankError(path, _line(probes_node), f"{label} probes must be a list of questions")
    probes: list[str] = []
    for probe, probe_node in zip(probes_value, probes_node.value, strict=True):
        if not isinstance(probe, str) or not probe.strip():
            raise BankError(path, _line(probe_node), f"{label} has a probe that is not text")
        probes.append(" ".join(probe.split()))
    if len(probes) < MIN_PROBES:
        raise BankError(
            path,
            _line(probes_node),
            f"{label} has {len(probes)} probe(s); at least {MIN_PROBES} follow-ups are needed",
        )
    if "type" in item:
        qtype = _text_field(path, item, fields, "type", label)
        if qtype not in TYPES:
            raise BankError(path, _line(fields["type"][1]),
                            f"{label} type '{qtype}' is not one of: {', '.join(TYPES)}")
        inferred = False
    else:  # a user's bank may leave it out: read it from the wording
        from mockprep.qtype import infer

        qtype, inferred = infer(text).value, True
    return Question(
        id=qid,
        text=text,
        competency=competency,
        bank=bank,
        kind=kind,
        role=role,
        probes=tuple(probes),
        type=QuestionType(qtype),
        type_inferred=inferred,
    )


def _text_field(
    path: Path,
    data: dict[str, Any],
    entries: dict[str, tuple[yaml.Node, yaml.Node]],
    key: str,
    label: str,
) -> str:
    """A required non-empty string, whitespace collapsed (block scalars keep line breaks)."""
    value = data.get(key)
    line = _line(entries[key][1]) if key in entries else 1
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BankError(path, line, f"{label} has no {key}")
    if not isinstance(value, str):
        raise BankError(path, line, f"{label} {key} must be text (quote it)")
    return " ".join(value.split())
