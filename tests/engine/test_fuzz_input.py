"""The engine's loaders fed hostile documents (hypothesis): only `FormatError` comes out, with one
non-empty line per error; what loads is a document the same loader reads back from its dump.

Documents are valid ones (osez-schedule/1, osez-workshops/1, the recommendation input) with a few
mutations each: a value replaced by any JSON (wrong types, huge, negative, NaN, unicode), a key
removed, a list entry duplicated, a deep nest; or any JSON at all. The loaders are the engine's
front door for the app and the CLI; the CLI itself is tried on a few files (exit 2, one line per
error, no traceback).
"""

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from matching.engine import cli, formats, recommend, workshops
from matching.engine.formats import FormatError, dump_problem, load_problem, load_schedule
from tests.fuzz import FUZZ

from .conftest import problem_doc


def nest(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"id": value}
    return value


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**400, -(10**400), 2**63, 11]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "s1", "T1", "a", "r1", "𝔰𝔩𝔬𝔱", "\x00", "\u202e", "2019-11-26T14:00:00"]),
    st.sampled_from(["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "2019-02-30"]),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
HOSTILE = st.one_of(ANY_JSON, st.integers(min_value=20, max_value=60).map(nest))


def _paths(doc, max_depth=8):
    """Where a mutation may go: every key and index down to `max_depth`."""
    todo = [((), doc)]
    while todo:
        prefix, value = todo.pop()
        yield prefix
        if len(prefix) >= max_depth:
            continue
        if isinstance(value, dict):
            todo += [((*prefix, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            todo += [((*prefix, index), item) for index, item in enumerate(value)]


@st.composite
def mutated(draw, valid: dict):
    """`valid` with 1 to 4 mutations at random places."""
    doc = json.loads(json.dumps(valid))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [path for path in _paths(doc) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "unicode id"]))
        if action == "replace":
            parent[last] = draw(HOSTILE)
        elif action == "delete":
            del parent[last]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(parent[last])  # the same object twice: read-only for the loaders
        elif isinstance(parent[last], dict):
            parent[last]["id"] = draw(st.text(min_size=0, max_size=8))
    return doc


def assert_refusal(error: FormatError) -> None:
    assert error.errors
    assert all(isinstance(line, str) and line.strip() for line in error.errors), error.errors
    assert str(error) == "\n".join(error.errors)


PROBLEM = problem_doc(
    n_slots=3,
    tables=[{"id": "T1", "accessible": True}, {"id": "T2"}],
    participants=[
        {"id": "mel", "max_meetings": 2, "home_table": "T1"},
        {"id": "cocagne", "unavailable": ["s1"]},
        {"id": "esat", "needs_accessible_table": True},
    ],
    requests=[("mel", "cocagne", 5), ("mel", "esat", 3), ("cocagne", "esat", 2)],
    locked=[{"request": "r1", "slot": "s2", "table": "T1"}],
    previous=[{"request": "r2", "slot": "s3", "table": "T1"}],
)
SCHEDULE = {
    "format": "osez-schedule/1",
    "meetings": [{"request": "r1", "slot": "s2", "table": "T1"}],
    "unscheduled": ["r2", "r3"],
    "stats": {
        "method": "milp",
        "seconds": 0.5,
        "weight": 5,
        "weight_upper_bound": 10,
        "participants_met": 2,
        "participants_with_requests": 3,
        "moved": 0,
    },
}
WORKSHOP_PROBLEM = {
    "format": "osez-workshops/1",
    "blocks": ["b1", "b2"],
    "rooms": [{"id": "R1", "capacity": 20}, {"id": "R2", "capacity": 10}],
    "workshops": [{"id": "w1", "capacity": 15}, {"id": "w2", "capacity": 10, "duration": 2}],
    "people": [{"id": "p1", "wishes": ["w1", "w2"], "wants": 2}, {"id": "p2", "wishes": ["w2"]}],
    "fixed": [{"workshop": "w2", "room": "R2", "block": "b1"}],
}
PLAN = {
    "format": "osez-workshops/1",
    "placements": [{"workshop": "w1", "room": "R1", "block": "b1"}],
    "seats": [{"person": "p1", "workshop": "w1"}],
    "unplaced": ["w2"],
}
RECOMMEND_INPUT = {
    "pitches": [
        {"id": "p1", "themes": ["food"], "territory": ["59"], "route": None, "text": "Goûters"},
        {"id": "p2", "themes": [], "territory": [], "route": "reserved", "text": ""},
    ],
    "structures": [
        {"id": "s1", "themes": ["food"], "territory": ["59350"], "eligible_routes": ["reserved"]},
        {"id": "s2", "text": "Traiteur bio"},
    ],
}


def test_the_valid_documents_load():
    """The fuzz starts from documents the loaders accept."""
    load_problem(PROBLEM)
    load_schedule(SCHEDULE)
    workshops.load_problem(WORKSHOP_PROBLEM)
    workshops.load_plan(PLAN)
    recommend.load_input(RECOMMEND_INPUT)


def documents(valid: dict):
    return st.one_of(mutated(valid), HOSTILE)


@FUZZ
@given(doc=documents(PROBLEM))
@example(doc={**PROBLEM, "requests": [{"id": "r1", "a": "mel", "b": "esat", "weight": 1e309}]})
@example(doc={**PROBLEM, "participants": [{"id": "mel", "max_meetings": float("nan")}]})
def test_load_problem_refuses_with_format_errors_only(doc):
    try:
        problem = load_problem(doc)
    except FormatError as error:
        assert_refusal(error)
    else:
        assert load_problem(dump_problem(problem)) == problem


@FUZZ
@given(doc=documents(SCHEDULE))
@example(doc={**SCHEDULE, "stats": {**SCHEDULE["stats"], "weight": 10**400}})
def test_load_schedule_refuses_with_format_errors_only(doc):
    try:
        load_schedule(doc)
    except FormatError as error:
        assert_refusal(error)


@FUZZ
@given(doc=documents(WORKSHOP_PROBLEM))
@example(doc={**WORKSHOP_PROBLEM, "blocks": [["b1"], {"b": 2}]})
def test_workshops_load_problem_refuses_with_format_errors_only(doc):
    try:
        problem = workshops.load_problem(doc)
    except FormatError as error:
        assert_refusal(error)
    else:
        assert problem.workshops or problem.people or problem.rooms or not problem.blocks


@FUZZ
@given(doc=documents(PLAN))
def test_workshops_load_plan_refuses_with_format_errors_only(doc):
    try:
        workshops.load_plan(doc)
    except FormatError as error:
        assert_refusal(error)


@FUZZ
@given(doc=documents(RECOMMEND_INPUT))
@example(doc={"pitches": [{"id": "p", "themes": [1, None]}], "structures": [None]})
def test_recommend_load_input_refuses_with_format_errors_only(doc):
    try:
        pitches, structures = recommend.load_input(doc)
    except FormatError as error:
        assert_refusal(error)
    else:
        recommend.recommend(pitches, structures, top=3)  # what loads can be scored


# Hypothesis cannot print documents nested hundreds deep: those are tried here, at every place of
# the documents where the loaders look, as deep as Python's json module reads (about 990 levels).
DEEP = nest(980)


def _everywhere(valid: dict):
    for path in _paths(valid, max_depth=3):
        if not path:
            continue
        doc = json.loads(json.dumps(valid))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = DEEP
        yield doc


@pytest.mark.parametrize(
    ("loader", "valid"),
    [
        (load_problem, PROBLEM),
        (load_schedule, SCHEDULE),
        (workshops.load_problem, WORKSHOP_PROBLEM),
        (workshops.load_plan, PLAN),
        (recommend.load_input, RECOMMEND_INPUT),
    ],
    ids=["problem", "schedule", "workshops", "plan", "recommend"],
)
def test_loaders_refuse_deep_nests_anywhere(loader, valid):
    for doc in _everywhere(valid):
        try:
            loader(doc)
        except FormatError as error:
            assert_refusal(error)
            if hasattr(formats, "shown"):  # the error lines quote a cut value
                assert all(len(line) < 500 for line in error.errors), error.errors


# --- Through the command line: exit 2, one line per error, never a traceback ----------------------


def run(tmp_path, command: str, *texts: str) -> subprocess.CompletedProcess[str]:
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"doc{index}.json"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, "-m", "matching.engine", command, *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


MALFORMED = [
    ("solve", [json.dumps({**PROBLEM, "slots": "none"})]),
    ("solve", [json.dumps({**PROBLEM, "participants": [{"id": "ü"}, {"id": "ü"}]})]),
    ("solve", [json.dumps([PROBLEM])]),
    ("check", [json.dumps(PROBLEM), json.dumps({**SCHEDULE, "meetings": [{"slot": 1}]})]),
    ("workshops", [json.dumps({**WORKSHOP_PROBLEM, "rooms": [{"id": "R", "capacity": -5}]})]),
    ("recommend", [json.dumps({"pitches": "p", "structures": [{"id": 3}]})]),
    ("solve", ["\ufeff{"]),
    ("solve", ["\x00"]),
]


@pytest.mark.parametrize(("command", "texts"), MALFORMED)
def test_cli_refuses_malformed_documents_with_exit_2(tmp_path, command, texts):
    result = run(tmp_path, command, *texts)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() and result.stdout == ""


# Numbers of 4,300+ digits and nests deeper than the interpreter's recursion limit break Python's
# json module with ValueError and RecursionError: the CLI's reader turns them into refusals
# (matching/engine/cli.py, with its size limit).
@pytest.mark.skipif(
    not hasattr(cli, "MAX_FILE_BYTES"), reason="the CLI's reader without its limits"
)
@pytest.mark.parametrize(
    "text",
    [
        json.dumps(PROBLEM).replace('"weight": 5', '"weight": ' + "9" * 5000),
        "[" * 100_000 + "]" * 100_000,
        json.dumps(PROBLEM).replace('"weight": 5', '"weight": NaN'),
    ],
    ids=["huge-number", "deep-nest", "nan"],
)
def test_cli_refuses_what_json_cannot_hold(tmp_path, text):
    result = run(tmp_path, "solve", text)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
