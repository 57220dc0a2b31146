"""Recommendations: which pitches fit a structure, which structures fit a pitch.

A pitch (a buyer's need) and a structure (an ESS supplier) are scored from four signals:

- themes: the share of the pitch's themes the structure also has (weight 0.4);
- text: TF-IDF cosine of the pitch's and the profile's French text (weight 0.4): accents folded,
  French stop words dropped, words reduced by the Snowball French stemmer, so "restauration" and
  "restaurant" count as one word;
- territory (weight 0.2): 1 when a code of one side is a code of the other or contains it (a
  department contains its communes: "59" contains "59350"), 0.5 when they only share a department;
  codes that are neither communes nor departments (an EPCI such as the métropole) match exactly;
- route: a pitch's `route` is set only when its route restricts who may answer (a reserved
  route, L2113-12 to L2113-15), with the caller's own identifier; a structure whose
  `eligible_routes` do not hold it scores 0 and is never listed. The engine holds no list of
  routes and no eligibility rule: the application decides which routes restrict and which
  structures are eligible (Osez: `pitches.enums.RESERVED_ROUTES` and `pitches.rules.eligibility`).

Geography is for outreach only: it helps structures find buyers near them and buyers invite
structures around them; it is never presented as, nor used for, an award criterion.

Each match carries its reasons as codes with parameters, for the application to translate:

    ("themes", {"themes": [...]})     the themes both sides have, as the pitch names them
    ("same_area", {})                 one side's territory is or contains the other's
    ("same_department", {})           they only share a department
    ("eligible", {"route": ...})      eligible for the pitch's restricted route
    ("not_eligible", {"route": ...})  not eligible for it (score 0; `score_pair` only)
    ("words", {"words": [...]})       the rarest words in common, as the texts write them: per
                                      stem, its most frequent written form (never a stem)

Scores are in [0, 1].

Scale: pitches are scored in chunks against all structures with sparse matrices, so 1 000 pitches x
10 000 structures never build the full pitch x structure matrix; only the top-N of each side is kept.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer
from scipy import sparse

from .formats import FormatError

THEME_WEIGHT, TEXT_WEIGHT, TERRITORY_WEIGHT = 0.4, 0.4, 0.2
SAME_DEPARTMENT = 0.5
CHUNK = 128
COMMON_WORDS_SHOWN = 3

# A reason: a code and its parameters (see the module's docstring), translated by the caller.
Reason = tuple[str, dict[str, Any]]

FRENCH_STOP_WORDS = frozenset(
    [
        "a",
        "ai",
        "aie",
        "aient",
        "aies",
        "ait",
        "alors",
        "as",
        "au",
        "aucun",
        "aucune",
        "aupres",
        "auquel",
        "aura",
        "aurai",
        "auraient",
        "aurais",
        "aurait",
        "auras",
        "aurez",
        "auriez",
        "aurions",
        "aurons",
        "auront",
        "aussi",
        "autre",
        "autres",
        "aux",
        "auxquelles",
        "auxquels",
        "avaient",
        "avais",
        "avait",
        "avant",
        "avec",
        "avez",
        "aviez",
        "avions",
        "avoir",
        "avons",
        "ayant",
        "ayez",
        "ayons",
        "bon",
        "c",
        "ca",
        "car",
        "ce",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cependant",
        "certain",
        "certaines",
        "certains",
        "ces",
        "cet",
        "cette",
        "ceux",
        "chacun",
        "chaque",
        "chez",
        "ci",
        "comme",
        "comment",
        "d",
        "dans",
        "de",
        "des",
        "deja",
        "depuis",
        "dont",
        "donc",
        "du",
        "elle",
        "elles",
        "en",
        "encore",
        "entre",
        "es",
        "est",
        "et",
        "etaient",
        "etais",
        "etait",
        "etant",
        "etc",
        "ete",
        "etes",
        "etiez",
        "etions",
        "etre",
        "eu",
        "eue",
        "eues",
        "eurent",
        "eus",
        "eusse",
        "eut",
        "eux",
        "faire",
        "fait",
        "fois",
        "font",
        "hors",
        "ici",
        "il",
        "ils",
        "j",
        "je",
        "jusqu",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lors",
        "lorsque",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "memes",
        "mes",
        "moi",
        "moins",
        "mon",
        "n",
        "ne",
        "ni",
        "non",
        "nos",
        "notre",
        "nous",
        "on",
        "ont",
        "ou",
        "par",
        "parce",
        "pas",
        "peu",
        "peut",
        "plus",
        "pour",
        "pourquoi",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
        "s",
        "sa",
        "sans",
        "se",
        "selon",
        "ses",
        "si",
        "sien",
        "soi",
        "soient",
        "sois",
        "soit",
        "sommes",
        "son",
        "sont",
        "sous",
        "soyez",
        "soyons",
        "suis",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "tu",
        "un",
        "une",
        "unes",
        "uns",
        "vers",
        "via",
        "voici",
        "voila",
        "vos",
        "votre",
        "vous",
        "y",
    ]
)

_TOKEN = re.compile(r"[a-z0-9]+")
_WRITTEN = re.compile(r"[^\W_]+")
_DEPARTMENT = re.compile(r"^(\d{2}|2[ab]|97\d)$")
_COMMUNE = re.compile(r"^(\d{5}|2[ab]\d{3})$")


@dataclass(frozen=True)
class Pitch:
    id: str
    themes: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    route: str | None = None  # only when it restricts who may answer; None: open to all
    text: str = ""


@dataclass(frozen=True)
class Structure:
    id: str
    themes: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    eligible_routes: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Match:
    pitch: str
    structure: str
    score: float
    reasons: tuple[Reason, ...]
    eligible: bool = True


@dataclass
class Recommendations:
    for_structure: dict[str, list[Match]] = field(default_factory=dict)
    for_pitch: dict[str, list[Match]] = field(default_factory=dict)


# -- text ----------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case without accents: "Éligibilité" -> "eligibilite"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball French stem of a folded word (cached: a corpus repeats its words)."""
    return _stemmer().stemWord(word)


def _tokens(text: str) -> Iterable[tuple[str, str]]:
    """(folded, written) for each word of a text, the written form as the text has it."""
    for written in _WRITTEN.findall(unicodedata.normalize("NFC", text)):
        folded = fold(written)
        pieces = _TOKEN.findall(folded)
        if pieces == [folded]:
            yield folded, written
        else:  # a word folding into several (rare symbols): each piece stands for itself
            yield from ((piece, piece) for piece in pieces)


def words(text: str) -> list[tuple[str, str]]:
    """(stem, written word) for each meaningful word of a French text: the stem (of the folded
    word) is what is compared, the written form what may be shown."""
    return [
        (stem(folded), written)
        for folded, written in _tokens(text)
        if len(folded) > 1 and folded not in FRENCH_STOP_WORDS and not folded.isdigit()
    ]


def written_forms(texts_words: Iterable[Iterable[tuple[str, str]]]) -> dict[str, str]:
    """Per stem, the word the texts write most often, case aside (on a tie, the first met); shown
    in lower case when the texts ever write it so, since a capital may only start a sentence or a
    title, else as written ("ESAT", "Lille")."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, int] = {}
    for position, (s, written) in enumerate(pair for item in texts_words for pair in item):
        lower = written.lower()
        counts[s][lower] += 1
        variants[lower][written] += 1
        first.setdefault(lower, position)
        first.setdefault(written, position)
    out = {}
    for s, forms in counts.items():
        lower = min(forms, key=lambda w: (-forms[w], first[w]))
        seen = variants[lower]
        out[s] = lower if lower in seen else min(seen, key=lambda w: (-seen[w], first[w]))
    return out


# -- territory -----------------------------------------------------------------------------------
def department(code: str) -> str | None:
    code = fold(code.strip())
    if _DEPARTMENT.match(code):
        return code
    if _COMMUNE.match(code):
        return code[:3] if code.startswith("97") else code[:2]
    return None


def territory_match(a: Iterable[str], b: Iterable[str]) -> float:
    """1 if one side's code is or contains the other's, 0.5 if same department only, else 0."""
    codes_a, codes_b = {fold(c.strip()) for c in a}, {fold(c.strip()) for c in b}
    covers_a = codes_a | {d for c in codes_a if (d := department(c))}
    covers_b = codes_b | {d for c in codes_b if (d := department(c))}
    if codes_a & covers_b or codes_b & covers_a:
        return 1.0
    departments_a = {d for c in codes_a if (d := department(c))}
    departments_b = {d for c in codes_b if (d := department(c))}
    return SAME_DEPARTMENT if departments_a & departments_b else 0.0


# -- vectors -------------------------------------------------------------------------------------
class _Vocabulary:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def parts(
        self, items: Sequence[Iterable[str]], values: str = "binary"
    ) -> tuple[list[float], list[int], list[int]]:
        """CSR data, indices and indptr; the vocabulary grows as terms are met."""
        indptr: list[int] = [0]
        indices: list[int] = []
        data: list[float] = []
        for item in items:
            counts = Counter(self.index.setdefault(term, len(self.index)) for term in item)
            for column, count in sorted(counts.items()):
                indices.append(column)
                data.append(1.0 if values == "binary" else 1.0 + math.log(count))
            indptr.append(len(indices))
        return data, indices, indptr


def _to_csr(parts: tuple[list[float], list[int], list[int]], n_cols: int) -> sparse.csr_matrix:
    data, indices, indptr = parts
    return sparse.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, n_cols),
    )


def _normalise_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


@dataclass
class _Side:
    themes: sparse.csr_matrix
    text: sparse.csr_matrix
    codes: sparse.csr_matrix
    covers: sparse.csr_matrix
    departments: sparse.csr_matrix


def _territory_terms(codes: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    raw = sorted({fold(c.strip()) for c in codes})
    departments = sorted({d for c in raw if (d := department(c))})
    return raw, sorted(set(raw) | set(departments)), departments


def _sides(
    pitches: Sequence[Pitch],
    structures: Sequence[Structure],
    text_words: list[list[tuple[str, str]]],
) -> tuple[_Side, _Side, dict[str, int]]:
    """Sparse rows for pitches then structures; `text_words` holds `words()` of each, in order."""
    everyone: list[Pitch | Structure] = [*pitches, *structures]
    theme_vocabulary, word_vocabulary, area_vocabulary = _Vocabulary(), _Vocabulary(), _Vocabulary()
    themes = theme_vocabulary.parts([[fold(t) for t in x.themes] for x in everyone])
    stems = [[s for s, _ in item] for item in text_words]
    text = word_vocabulary.parts(stems, values="log")
    territory = [_territory_terms(x.territory) for x in everyone]
    parts = [area_vocabulary.parts([t[k] for t in territory]) for k in range(3)]
    n_areas = len(area_vocabulary.index)
    theme_matrix = _to_csr(themes, len(theme_vocabulary.index))
    text_matrix = _to_csr(text, len(word_vocabulary.index))
    document_frequency = np.bincount(text_matrix.indices, minlength=text_matrix.shape[1])
    idf = np.log((1 + len(everyone)) / (1 + document_frequency)) + 1.0
    text_matrix = _normalise_rows(text_matrix @ sparse.diags(idf)).tocsr()
    areas = [_to_csr(part, n_areas) for part in parts]
    n = len(pitches)

    def side(rows: slice) -> _Side:
        return _Side(
            themes=theme_matrix[rows],
            text=text_matrix[rows],
            codes=areas[0][rows],
            covers=areas[1][rows],
            departments=areas[2][rows],
        )

    return side(slice(0, n)), side(slice(n, None)), word_vocabulary.index


def _dense(matrix: sparse.spmatrix) -> np.ndarray:
    return np.asarray(matrix.todense())


def _chunk_scores(
    pitch_side: _Side, structure_side: _Side, rows: slice, eligibility: _Eligibility
) -> np.ndarray:
    themes = pitch_side.themes[rows]
    theme_counts = np.asarray(themes.sum(axis=1)).ravel()
    theme_counts[theme_counts == 0] = 1.0
    theme_score = _dense(themes @ structure_side.themes.T) / theme_counts[:, None]
    text_score = _dense(pitch_side.text[rows] @ structure_side.text.T)
    full = _dense(pitch_side.codes[rows] @ structure_side.covers.T) + _dense(
        pitch_side.covers[rows] @ structure_side.codes.T
    )
    same_department = _dense(pitch_side.departments[rows] @ structure_side.departments.T)
    territory = np.where(full > 0, 1.0, np.where(same_department > 0, SAME_DEPARTMENT, 0.0))
    score = THEME_WEIGHT * theme_score + TEXT_WEIGHT * text_score + TERRITORY_WEIGHT * territory
    return np.clip(score, 0.0, 1.0) * eligibility.rows(rows)


class _Eligibility:
    """1 where the structure may answer the pitch, 0 where a reserved route excludes it."""

    def __init__(self, pitches: Sequence[Pitch], structures: Sequence[Structure]) -> None:
        self.pitches = pitches
        self.by_route = {
            route: np.array([route in s.eligible_routes for s in structures], dtype=np.float64)
            for route in {p.route for p in pitches if _is_restricted(p)}
        }
        self.n_structures = len(structures)

    def rows(self, rows: slice) -> np.ndarray:
        chunk = self.pitches[rows]
        out = np.ones((len(chunk), self.n_structures))
        for k, pitch in enumerate(chunk):
            if pitch.route in self.by_route:
                out[k] = self.by_route[pitch.route]
        return out


def _top(values: np.ndarray, top: int) -> np.ndarray:
    """Indices of the `top` largest positive values, best first, ties by index."""
    positive = np.flatnonzero(values > 0)
    if len(positive) > top:
        keep = np.argpartition(-values[positive], top - 1)[:top]
        positive = positive[keep]
    return positive[np.lexsort((positive, -values[positive]))]


# -- reasons -------------------------------------------------------------------------------------
def _is_restricted(pitch: Pitch) -> bool:
    return pitch.route is not None


def _common_words(
    pitch_words: list[tuple[str, str]],
    structure_words: list[tuple[str, str]],
    idf_rank: dict[str, int],
    written: dict[str, str],
) -> list[str]:
    """The rarest shared words, each in its most frequent written form."""
    shared = {s for s, _ in pitch_words} & {s for s, _ in structure_words}
    ordered = sorted(shared, key=lambda s: (idf_rank.get(s, 0), s))
    return [written[s] for s in ordered[:COMMON_WORDS_SHOWN]]


def reasons(
    pitch: Pitch, structure: Structure, idf_rank: dict[str, int] | None = None
) -> tuple[Reason, ...]:
    """Why a pitch and a structure fit (or do not), as codes with parameters."""
    pitch_words, structure_words = words(pitch.text), words(structure.text)
    written = written_forms([pitch_words, structure_words])
    return _explain(pitch, structure, pitch_words, structure_words, idf_rank, written)


def _explain(
    pitch: Pitch,
    structure: Structure,
    pitch_words: list[tuple[str, str]],
    structure_words: list[tuple[str, str]],
    idf_rank: dict[str, int] | None,
    written: dict[str, str],
) -> tuple[Reason, ...]:
    if _is_restricted(pitch) and pitch.route not in structure.eligible_routes:
        return (("not_eligible", {"route": pitch.route}),)
    out: list[Reason] = []
    common_themes = {fold(t) for t in pitch.themes} & {fold(t) for t in structure.themes}
    if common_themes:
        out.append(("themes", {"themes": [t for t in pitch.themes if fold(t) in common_themes]}))
    territory = territory_match(pitch.territory, structure.territory)
    if territory == 1.0:
        out.append(("same_area", {}))
    elif territory > 0:
        out.append(("same_department", {}))
    if _is_restricted(pitch):
        out.append(("eligible", {"route": pitch.route}))
    common = _common_words(pitch_words, structure_words, idf_rank or {}, written)
    if common:
        out.append(("words", {"words": common}))
    return tuple(out)


def score_pair(pitch: Pitch, structure: Structure) -> Match:
    """One pair's score and reasons (the same numbers as `recommend`, for a single pair)."""
    side_p, side_s, _ = _sides([pitch], [structure], [words(pitch.text), words(structure.text)])
    eligibility = _Eligibility([pitch], [structure])
    score = float(_chunk_scores(side_p, side_s, slice(0, 1), eligibility)[0, 0])
    return Match(
        pitch.id,
        structure.id,
        round(score, 4),
        reasons(pitch, structure),
        eligible=bool(eligibility.rows(slice(0, 1))[0, 0]),
    )


# -- the whole recommendation --------------------------------------------------------------------
def recommend(
    pitches: Sequence[Pitch],
    structures: Sequence[Structure],
    top: int = 10,
) -> Recommendations:
    """For each structure its top pitches, for each pitch its top structures (score > 0 only)."""
    result = Recommendations(
        for_structure={s.id: [] for s in structures}, for_pitch={p.id: [] for p in pitches}
    )
    if not pitches or not structures or top <= 0:
        return result
    text_words = [words(x.text) for x in [*pitches, *structures]]
    pitch_side, structure_side, vocabulary = _sides(pitches, structures, text_words)
    idf_rank = _idf_rank(pitch_side, structure_side, vocabulary)
    explain = _Explainer(pitches, structures, text_words, idf_rank)
    eligibility = _Eligibility(pitches, structures)
    best_pitches: list[list[tuple[float, int]]] = [[] for _ in structures]
    for begin in range(0, len(pitches), CHUNK):
        rows = slice(begin, min(begin + CHUNK, len(pitches)))
        scores = _chunk_scores(pitch_side, structure_side, rows, eligibility)
        for offset, row in enumerate(scores):
            i = begin + offset
            result.for_pitch[pitches[i].id] = [explain.match(i, j, row[j]) for j in _top(row, top)]
        _merge_columns(best_pitches, scores, begin, top)
    for j, ranked in enumerate(best_pitches):
        result.for_structure[structures[j].id] = [
            explain.match(i, j, -negative) for negative, i in sorted(ranked)
        ]
    return result


def _merge_columns(
    best: list[list[tuple[float, int]]], scores: np.ndarray, begin: int, top: int
) -> None:
    """Keep, per structure (column), the `top` best pitches seen so far as (-score, pitch)."""
    rows_kept = min(top, scores.shape[0])
    candidates = np.argpartition(-scores, rows_kept - 1, axis=0)[:rows_kept]
    for j in np.flatnonzero(scores.max(axis=0) > 0):
        merged = best[j] + [
            (-float(scores[i, j]), begin + int(i)) for i in candidates[:, j] if scores[i, j] > 0
        ]
        best[j] = sorted(merged)[:top]


def _idf_rank(side_p: _Side, side_s: _Side, vocabulary: dict[str, int]) -> dict[str, int]:
    """Stems ranked rarest first, to show the most telling common words."""
    frequency = np.bincount(side_p.text.indices, minlength=len(vocabulary)) + np.bincount(
        side_s.text.indices, minlength=len(vocabulary)
    )
    return {stem: int(frequency[column]) for stem, column in vocabulary.items()}


class _Explainer:
    """Builds matches with reasons, each pair explained once and each text read once."""

    def __init__(
        self,
        pitches: Sequence[Pitch],
        structures: Sequence[Structure],
        text_words: list[list[tuple[str, str]]],
        idf_rank: dict[str, int],
    ) -> None:
        self.pitches, self.structures = pitches, structures
        self.text_words = text_words
        self.idf_rank = idf_rank
        self.written: dict[str, str] | None = None  # read from every text on the first need
        self.cache: dict[tuple[int, int], tuple[Reason, ...]] = {}

    def match(self, i: int, j: int, score: float) -> Match:
        if (i, j) not in self.cache:
            if self.written is None:
                self.written = written_forms(self.text_words)
            self.cache[i, j] = _explain(
                self.pitches[i],
                self.structures[j],
                self.text_words[i],
                self.text_words[len(self.pitches) + j],
                self.idf_rank,
                self.written,
            )
        pitch, structure = self.pitches[i], self.structures[j]
        return Match(pitch.id, structure.id, round(float(score), 4), self.cache[i, j])


# -- JSON ----------------------------------------------------------------------------------------
def _strings(item: dict, key: str, label: str, errors: list[str]) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{label}: {key} is not a list of strings")
        return ()
    return tuple(value)


def _entries(doc: dict, key: str, errors: list[str]) -> list[dict]:
    items = doc.get(key)
    if not isinstance(items, list):
        errors.append(f"{key}: missing or not a list")
        return []
    seen: set[str] = set()
    kept = []
    for position, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str) or not item_id:
            errors.append(f"{key}[{position}]: not an object with a string id")
        elif item_id in seen:
            errors.append(f"{key} {item_id}: duplicate id")
        else:
            seen.add(item_id)
            kept.append(item)
    return kept


def load_input(doc: object) -> tuple[list[Pitch], list[Structure]]:
    """Read {"pitches": [...], "structures": [...]}; raise `FormatError` listing every error.

    A pitch is {"id", "themes", "territory", "route", "text"}, where "route" is given only when it
    restricts who may answer (null or absent: open to all); a structure is {"id", "themes",
    "territory", "eligible_routes", "text"}, "eligible_routes" naming the restricted routes it
    may answer, in the caller's own identifiers."""
    if not isinstance(doc, dict):
        raise FormatError(["input: not a JSON object"])
    errors: list[str] = []
    pitches, structures = [], []
    for item in _entries(doc, "pitches", errors):
        label = f"pitch {item['id']}"
        route = item.get("route")
        if route is not None and not isinstance(route, str):
            errors.append(f"{label}: route is not a string")
            route = None
        text = item.get("text", "")
        if not isinstance(text, str):
            errors.append(f"{label}: text is not a string")
            text = ""
        pitches.append(
            Pitch(
                item["id"],
                _strings(item, "themes", label, errors),
                _strings(item, "territory", label, errors),
                route,
                text,
            )
        )
    for item in _entries(doc, "structures", errors):
        label = f"structure {item['id']}"
        text = item.get("text", "")
        if not isinstance(text, str):
            errors.append(f"{label}: text is not a string")
            text = ""
        structures.append(
            Structure(
                item["id"],
                _strings(item, "themes", label, errors),
                _strings(item, "territory", label, errors),
                _strings(item, "eligible_routes", label, errors),
                text,
            )
        )
    if errors:
        raise FormatError(errors)
    return pitches, structures


def dump(result: Recommendations) -> dict[str, Any]:
    def entries(matches: list[Match], key: str) -> list[dict[str, Any]]:
        return [
            {
                key: getattr(m, key),
                "score": m.score,
                "reasons": [{"code": code, "params": params} for code, params in m.reasons],
            }
            for m in matches
        ]

    return {
        "for_structure": {s: entries(ms, "pitch") for s, ms in result.for_structure.items()},
        "for_pitch": {p: entries(ms, "structure") for p, ms in result.for_pitch.items()},
    }
