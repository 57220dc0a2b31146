"""Hypothesis strategies for hostile input, shared by the fuzz tests (forms, views, engine).

`FUZZ` is the settings every fuzz test uses: a moderate number of examples (30; set
OSEZ_FUZZ_EXAMPLES to explore more), derandomized so that a run is reproducible, no deadline (the
first example of a test pays for its imports and queries), no example database (nothing is
written next to the repository).
"""

import datetime as dt
import os
from html.parser import HTMLParser

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("OSEZ_FUZZ_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What people (and robots) type where they should not: empty, blanks, numbers out of any range,
# not-numbers, impossible dates and times, control characters, markup, very long text.
ABSURD = [
    "",
    " ",
    "\t\n",
    "-1",
    "0",
    "-0",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "1e-400",
    "9" * 30,
    "-" + "9" * 30,
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "𝟘",  # a mathematical digit
    "²",  # a digit to str.isdigit(), not to int()
    "1.5",
    "1,5",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-30",
    "2026-13-45T25:61",
    "99:99",
    "24:00",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "null",
    "[]",
    "{}",
    "true",
    "x" * 5000,
    "é" * 300,
]

CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
JUNK = st.one_of(
    st.sampled_from(ABSURD),
    st.text(max_size=60),
    CONTROL,
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)


def _choice_values(field) -> list[str]:
    """The submitted values of a choice field's options (groups flattened)."""
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _ in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return values


def valid_values(field: forms.Field):
    """Values of the right kind for `field` (not necessarily valid: in or out of its bounds)."""
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return st.sampled_from(["on", "true", "false", "1", "0", "unknown", "True"])
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        values = _choice_values(field)
        return st.sampled_from(values) if values else JUNK
    if isinstance(field, forms.IntegerField):
        return st.integers(min_value=-(2**64), max_value=2**64).map(str)
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.floats().map(str),
        )
    if isinstance(field, forms.DateTimeField):
        return st.datetimes().map(lambda d: d.isoformat(sep=" "))
    if isinstance(field, forms.DateField):
        return st.one_of(
            st.dates().map(dt.date.isoformat), st.dates().map(lambda d: d.strftime("%d/%m/%Y"))
        )
    if isinstance(field, forms.TimeField):
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, forms.DurationField):
        return st.timedeltas().map(str)
    if isinstance(field, forms.EmailField):
        return st.emails()
    if isinstance(field, forms.URLField):
        return st.text(max_size=40).map(lambda s: f"https://{s}")
    return st.text(max_size=300)


def uploads():
    """A file of random bytes with a random (or lying) name and type."""
    names = st.one_of(
        st.sampled_from(["logo.png", "doc.pdf", "people.csv", "people.xlsx", "a", ".png", "x.exe"]),
        st.text(min_size=1, max_size=40).map(lambda s: s.replace("/", "_") or "f"),
    )
    contents = st.one_of(
        st.binary(max_size=2000),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        st.just(b"%PDF-1.4\n%%EOF"),
        st.just(b"PK\x03\x04" + b"\x00" * 60),
        st.just(b"name,email\n\xff\xfe,\x00\n"),
    )
    types = st.sampled_from(["image/png", "application/pdf", "text/csv", "", "application/x-foo"])
    return st.builds(SimpleUploadedFile, names, contents, types)


def value_strategy(field: forms.Field):
    """One submitted value (or several) for `field`: right kind, junk, or a list of both."""
    one = st.one_of(valid_values(field), JUNK)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(one, max_size=5)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


def form_data(form: forms.BaseForm):
    """Data and files for `form`, drawn from its fields: each field missing, junk or of its kind;
    plus an unknown field."""
    data_parts, file_parts = {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            file_parts[key] = st.one_of(st.none(), uploads())
            data_parts[key] = st.one_of(st.none(), JUNK)
        elif isinstance(field, forms.MultiValueField):
            for index, subfield in enumerate(field.fields):
                data_parts[f"{key}_{index}"] = st.one_of(st.none(), value_strategy(subfield))
        else:
            data_parts[key] = st.one_of(st.none(), value_strategy(field))
    data_parts["unexpected-field"] = st.one_of(st.none(), JUNK)
    return st.tuples(st.fixed_dictionaries(data_parts), st.fixed_dictionaries(file_parts))


def as_multivalue(values: dict):
    """{name: value or [values] or None} -> a MultiValueDict as a request gives (None: absent)."""
    from django.utils.datastructures import MultiValueDict

    result = MultiValueDict()
    for key, value in values.items():
        if value is None:
            continue
        result.setlist(key, list(value) if isinstance(value, list) else [value])
    return result


def assert_messages(errors) -> None:
    """Every error is a non-empty text, with its placeholders filled."""
    for field, messages in errors.items():
        assert messages, field
        for message in messages:
            text = str(message)
            assert isinstance(text, str), (field, message)
            assert text.strip(), (field, message)
            assert "%(" not in text, (field, text)


# --- Through the views ----------------------------------------------------------------------------

# The roles a view is fuzzed as, most powerful first: the first one the access matrix lets in.
FUZZ_ROLES = ("organiser", "ess_admin", "buyer", "ess_member")
# Forms that lead away from the page's own work (signing out, the language): not fuzzed.
NOT_FUZZED_ACTIONS = ("/accounts/logout/", "/i18n/")


class _Forms(HTMLParser):
    """The forms of a page: method, action and fields (name -> input type and offered values)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            field = self.forms[-1]["fields"].setdefault(
                attrs["name"], {"type": attrs.get("type", tag), "values": []}
            )
            if attrs.get("value") is not None:
                field["values"].append(attrs["value"])
            self._select = field if tag == "select" else None
        elif tag == "option" and self._select is not None and attrs.get("value") is not None:
            self._select["values"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _html_field_values(field: dict):
    kind = field["type"]
    if kind == "file":
        return uploads()
    typed = {
        "number": st.integers(min_value=-(2**64), max_value=2**64).map(str),
        "date": st.dates().map(dt.date.isoformat),
        "time": st.times().map(lambda t: t.strftime("%H:%M")),
        "email": st.emails(),
    }.get(kind, st.text(max_size=200))
    offered = st.sampled_from(field["values"]) if field["values"] else typed
    return st.one_of(offered, offered, typed, JUNK)


def request_data(fields: dict, known: dict):
    """Data for a request: each field of the form (or of `known`, the access matrix's data)
    missing, as the page offers it, of its type, junk, or repeated; plus an unknown field."""
    parts = {}
    for name, field in fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        one = _html_field_values(field)
        parts[name] = st.one_of(st.none(), one, st.lists(one, min_size=2, max_size=3))
    for name, value in known.items():
        one = st.one_of(st.just(str(value)), JUNK)
        parts.setdefault(name, st.one_of(st.none(), one, st.lists(one, min_size=2, max_size=3)))
    parts["unexpected-field"] = st.one_of(st.none(), JUNK)
    # First (hypothesis starts from the simplest choice): a NUL in every field, which PostgreSQL
    # cannot compare (see core.middleware).
    nul_everywhere = dict.fromkeys(parts, "a\x00b")
    return st.one_of(
        st.just(nul_everywhere),
        st.fixed_dictionaries(parts).map(
            lambda drawn: {key: value for key, value in drawn.items() if value is not None}
        ),
    )


# Views cost a request or two per example: fewer examples (OSEZ_FUZZ_VIEW_EXAMPLES for more).
FUZZ_VIEWS = settings(FUZZ, max_examples=int(os.environ.get("OSEZ_FUZZ_VIEW_EXAMPLES", "6")))
