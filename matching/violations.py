"""The engine's hard-rule violations, as organisers read them: in their language, with names.

The engine (matching/engine/check.py, pure Python, no Django) reports each violation as one line
in English with ids, e.g. "rule 1: participant 5 is unavailable in slot 6 (request 35)". Those
lines are the engine's stable output, kept as they are for its command line and its tests; this
module turns each known shape into a translated sentence naming the people, slots and tables
(`Names`, filled by matching.bridge from the database). A line of an unknown shape is shown as is,
introduced as coming from the engine."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Names:
    """How to name what the engine's ids stand for (each returns a label for an id string)."""

    participant: Callable[[str], str]
    slot: Callable[[str], str]
    table: Callable[[str], str]
    request: Callable[[str], str]  # e.g. "the meeting of A and B"


def _requests(ids: str, names: Names) -> str:
    return get_text_list([names.request(i.strip()) for i in ids.split(",") if i.strip()], _("and"))


def _unavailable(m, names: Names) -> str:
    return _("%(person)s is unavailable at %(slot)s but has %(meeting)s then.") % {
        "person": names.participant(m["p"]),
        "slot": names.slot(m["s"]),
        "meeting": names.request(m["r"]),
    }


def _two_in_a_slot(m, names: Names) -> str:
    count = int(m["n"])
    return ngettext(
        "%(person)s has %(count)d meeting at %(slot)s: %(meetings)s.",
        "%(person)s has %(count)d meetings at %(slot)s: %(meetings)s.",
        count,
    ) % {
        "person": names.participant(m["p"]),
        "count": count,
        "slot": names.slot(m["s"]),
        "meetings": _requests(m["rs"], names),
    }


def _table_shared(m, names: Names) -> str:
    count = int(m["n"])
    return ngettext(
        "Table %(table)s holds %(count)d meeting at %(slot)s: %(meetings)s.",
        "Table %(table)s holds %(count)d meetings at %(slot)s: %(meetings)s.",
        count,
    ) % {
        "table": names.table(m["t"]),
        "count": count,
        "slot": names.slot(m["s"]),
        "meetings": _requests(m["rs"], names),
    }


def _over_cap(m, names: Names) -> str:
    count, cap = int(m["n"]), int(m["cap"])
    return ngettext(
        "%(person)s has %(count)d meetings but asked for at most %(cap)d.",
        "%(person)s has %(count)d meetings but asked for at most %(cap)d.",
        cap,
    ) % {"person": names.participant(m["p"]), "count": count, "cap": cap}


def _not_accessible(m, names: Names) -> str:
    return _("%(person)s needs an accessible table, but %(meeting)s is at table %(table)s.") % {
        "person": names.participant(m["p"]),
        "meeting": names.request(m["r"]),
        "table": names.table(m["t"]),
    }


def _not_home(m, names: Names) -> str:
    return _(
        "%(person)s meets at their own table %(home)s, but %(meeting)s is at table %(table)s."
    ) % {
        "person": names.participant(m["p"]),
        "home": names.table(m["h"]),
        "meeting": names.request(m["r"]),
        "table": names.table(m["t"]),
    }


def _locked_moved(m, names: Names) -> str:
    return _("%(meeting)s is locked at %(slot)s, table %(table)s, but is no longer there.") % {
        "meeting": names.request(m["r"]),
        "slot": names.slot(m["s"]),
        "table": names.table(m["t"]),
    }


SHAPES = [
    (
        re.compile(
            r"rule 1: participant (?P<p>\S+) is unavailable in slot (?P<s>\S+) "
            r"\(request (?P<r>[^)]+)\)$"
        ),
        _unavailable,
    ),
    (
        re.compile(
            r"rule 1: participant (?P<p>\S+) has (?P<n>\d+) meetings in slot (?P<s>\S+) "
            r"\(requests (?P<rs>[^)]+)\)$"
        ),
        _two_in_a_slot,
    ),
    (
        re.compile(
            r"rule 2: table (?P<t>\S+) holds (?P<n>\d+) meetings in slot (?P<s>\S+) "
            r"\(requests (?P<rs>[^)]+)\)$"
        ),
        _table_shared,
    ),
    (
        re.compile(
            r"rule 3: participant (?P<p>\S+) has (?P<n>\d+) meetings, "
            r"max_meetings (?P<cap>\d+)$"
        ),
        _over_cap,
    ),
    (
        re.compile(
            r"rule 4: participant (?P<p>\S+) needs an accessible table, "
            r"request (?P<r>\S+) is at table (?P<t>\S+)$"
        ),
        _not_accessible,
    ),
    (
        re.compile(
            r"rule 4: participant (?P<p>\S+) meets at home table (?P<h>\S+), "
            r"request (?P<r>\S+) is at table (?P<t>\S+)$"
        ),
        _not_home,
    ),
    (
        re.compile(
            r"rule 5: locked request (?P<r>\S+) is not at slot (?P<s>\S+), "
            r"table (?P<t>\S+)$"
        ),
        _locked_moved,
    ),
]


def describe(line: str, names: Names) -> str:
    """One engine line as a sentence for organisers (see the module docstring)."""
    for shape, sentence in SHAPES:
        match = shape.match(line)
        if match:
            try:
                return sentence(match, names)
            except (KeyError, ValueError):
                break  # an id the database no longer knows: show the engine's words
    return _("The engine reports: %(line)s") % {"line": line}
