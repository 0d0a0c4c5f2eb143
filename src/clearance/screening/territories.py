"""Embargoed countries and regions in a payment: a country field, a BIC or IBAN country, an address and
free text, against the territories of the dataset (`datasets/data/territories.yaml`).

What a hit does, per measure that covers the territory (its state on the date, `domain.timeline`, and
`screening.decide.measure_effect`, the rule entity hits follow): in force and restricting the activity
-> block; signed, not yet in effect -> review; not yet signed, revoked (Syria from July 1, 2025) ->
clear, shown as context. A block stands only on structured evidence that places the payment in the
territory; it becomes review when
* the name is found in free text: naming a place does not show that the payment involves it;
* the territory covers only part of the area named (a town of Donetsk oblast, of which the so-called DNR
  holds a part): the address has to be placed first (OFAC FAQ 1009);
* an address line names a whole country ("..., Cuba"): its country field is the better evidence;
* the address's country is another one (Havana, Florida; Sebastopol, California).

Names are matched folded (case, accents and punctuation set aside) and as whole words. Free text is never
searched for ISO codes ("IR", "CU" and "SY" are ordinary letters), for names shorter than four letters, or
for adjectives of nationality: "Cuban-style", "Persian rug" and "syrian hamster" name no place, and a
payment that truly involves the country names a place or has a country field. A name in another language
(from pycountry's translations) is looked for in free text only when it is not a frequent word of
English, French, Spanish or German (wordfreq, `datasets/words`): Polish "Kuba" is also a given name,
Spanish "cuba" a vat, and Portuguese "Irã" folds to "ira". Licences are shown with each measure, never
applied: the filter stops the payment and the analyst applies a licence.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pycountry

from clearance.datasets.builtin import Dataset
from clearance.datasets.words import words
from clearance.domain.enums import Activity, Decision, parse
from clearance.domain.model import Coverage, Measure, PlaceName, Territory
from clearance.domain.timeline import EntityState, entity_state
from clearance.errors import DataError, InputError
from clearance.screening.countries import country_name, given_country
from clearance.screening.decide import measure_effect

# what each kind of evidence is called in an explanation
HOW = {
    "country": "country",
    "bic_country": "BIC country",
    "iban_country": "IBAN country",
    "address_country": "address country",
}
# languages whose country names (pycountry's gettext catalogues) payments plausibly write; scripts written
# without spaces (Chinese, Japanese, Thai) are left out: whole words cannot be found in them
LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "pl", "tr", "ru", "uk", "ar", "fa", "ko")
TEXT_CAP = "a name in free text does not show that the payment involves the place, so it asks for review"
PARTIAL_CAP = "the measure covers only part of that area, so the address has to be placed: review"
COUNTRY_CAP = "a country's name in an address line is weaker evidence than the country field: review"
_APOSTROPHES = frozenset("'’‘ʼʻ`´")
_LETTERS = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th"}
_NONWORD = re.compile(r"[\W_]+")
_NEXT_WORD = re.compile(r"[\W_]+(\w+)")
_SUBDIVISION_CODE = re.compile(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return ""
    if ch in _LETTERS:
        return _LETTERS[ch]
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return "".join(_LETTERS.get(c, c) for c in bare.casefold())


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text folded for matching (lower case, accents and apostrophes dropped), and for each folded
    character the index of the original one it comes from (None: the same index, for plain ASCII)."""
    if text.isascii() and "'" not in text and "`" not in text:
        return text.lower(), None
    out: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        piece = _fold_char(ch)
        out.append(piece)
        starts.extend([i] * len(piece))
    return "".join(out), starts


def subdivision_name(code: str) -> str | None:
    """The ISO 3166-2 name of a subdivision code ("UA-14" -> "Donetska oblast"), or None."""
    found = pycountry.subdivisions.get(code=code.upper())  # type: ignore[no-untyped-call]  # untyped upstream
    return str(found.name) if found is not None else None


def key(text: str) -> str:
    """A name as the lookups hold it: folded, its words separated by single spaces."""
    return " ".join(w for w in _NONWORD.split(fold(text)[0]) if w)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One name of one territory: `kind` is `country` (a whole country's name), `name` (a region's own
    name: Crimea, DNR) or `place` (a town or subdivision)."""

    territory: Territory
    kind: str
    place: PlaceName | None = None


@dataclass(frozen=True)
class TerritoryMeasure:
    """One measure that covers the territory: its state on the date, what it does to the decision
    (`effect`: clear means context only) and why, with its licences."""

    state: EntityState
    effect: Decision
    reason: str

    def to_dict(self) -> dict[str, Any]:
        m = self.state.measure
        event = self.state.measure_state.event
        return {
            "id": m.id,
            "short": m.short,
            "title": m.title,
            "state": self.state.state,
            "since": self.state.since.isoformat() if self.state.since else None,
            "citation": m.citation,
            "effect": self.effect,
            "reason": self.reason,
            "restricts": sorted(m.restricts),
            "event": event.to_dict() if event else None,
            "licences": [
                {"id": lic.id, "citation": lic.citation, "note": lic.note, "certainty": lic.certainty}
                for lic in m.licences
            ],
        }


@dataclass(frozen=True)
class TerritoryHit:
    """A territory the evidence points to, decided: `matched` the text that matched, `how` the evidence
    (country, bic_country, iban_country, address_country, place, text), `span` (start, end) of the first
    occurrence in the value or text and `spans` all of them."""

    territory: Territory
    matched: str
    how: str
    decision: Decision
    measures: tuple[TerritoryMeasure, ...]
    explanation: str
    span: tuple[int, int] | None = None
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        t = self.territory
        return {
            "territory": t.id,
            "name": t.name,
            "country": t.country,
            "subdivisions": list(t.subdivisions),
            "whole_country": t.whole_country,
            "partial": t.partial,
            "matched": self.matched,
            "how": self.how,
            "decision": self.decision,
            "explanation": self.explanation,
            "measures": [m.to_dict() for m in self.measures],
            "span": {"start": self.span[0], "end": self.span[1]} if self.span else None,
            "spans": [{"start": s, "end": e} for s, e in self.spans],
        }


def _country_names(code: str) -> tuple[set[str], set[str]]:
    """(English, other languages): a country's ISO names, official and common, and the uninverted form
    of "Iran, Islamic Republic of", in English and in `LANGUAGES`."""
    country = pycountry.countries.get(alpha_2=code)
    english = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
    names = [n for n in english if n]
    other: list[str] = []
    for lang in LANGUAGES:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        other.extend(catalogue.gettext(n) for n in names)

    def forms(values: Iterable[str]) -> set[str]:
        out = set()
        for value in values:
            out.add(key(value))
            if value.count(",") == 1:
                head, tail = value.split(",")
                out.add(key(f"{tail} {head}"))
        return {f for f in out if f}

    english_forms = forms(names)
    return english_forms, forms(other) - english_forms


class Territories:
    """The territories of one dataset, with their names folded into lookups once."""

    def __init__(self, dataset: Dataset) -> None:
        self.territories = dataset.territories
        self.measures: dict[str, tuple[Measure, ...]] = {}
        for t in self.territories:
            missing = [m for m in t.measures if m not in dataset.measures]
            if missing:
                raise DataError(f"territory '{t.id}': unknown measure '{missing[0]}'")
            self.measures[t.id] = tuple(dataset.measures[m] for m in t.measures)
        common = words("everyday_words") | words("frequent_words")
        self._exact: dict[str, list[_Entry]] = {}  # a whole country field
        self._text: dict[str, list[_Entry]] = {}  # free text
        self._place: dict[str, list[_Entry]] = {}  # an address or a town
        self._codes: dict[str, list[Territory]] = {}
        self._subdivisions: dict[str, list[Territory]] = {}
        for t in self.territories:
            own = "country" if t.whole_country else "name"
            if t.whole_country:
                self._codes.setdefault(t.country, []).append(t)
                english, other = _country_names(t.country)
                for form in english:
                    self._add(form, _Entry(t, "country"), exact=True, text=True, place=True)
                for form in other:  # a frequent word is too often something else outside a country field
                    rare = " " in form or (len(form) >= 4 and form not in common)
                    self._add(form, _Entry(t, "country"), exact=True, text=rare, place=rare)
            for code in t.subdivisions:
                self._subdivisions.setdefault(code, []).append(t)
                iso = PlaceName(subdivision_name(code) or code, f"ISO 3166-2:{code} (pycountry)")
                self._add(key(iso.name), _Entry(t, "place", iso), exact=False, text=True, place=True)
            for name in t.names:
                self._add(key(name.name), _Entry(t, own, name), exact=True, text=name.text, place=True)
            for p in t.places:
                self._add(key(p.name), _Entry(t, "place", p), exact=False, text=p.text, place=True)
        self._text_re = self._pattern(self._text)
        self._place_re = self._pattern(self._place)

    def _add(self, form: str, entry: _Entry, *, exact: bool, text: bool, place: bool) -> None:
        """File a name in the lookups it belongs to: never a name under three letters, and in free text
        never one under four (no ISO code can ever match there)."""
        for table, wanted in ((self._exact, exact), (self._text, text), (self._place, place)):
            if not wanted or len(form) < (4 if table is self._text else 3):
                continue
            entries = table.setdefault(form, [])
            if not any(e.territory.id == entry.territory.id and e.kind == entry.kind for e in entries):
                entries.append(entry)

    @staticmethod
    def _pattern(table: dict[str, list[_Entry]]) -> re.Pattern[str] | None:
        if not table:
            return None
        forms = sorted(table, key=lambda f: (-len(f), f))
        alternatives = "|".join(r"[\W_]+".join(re.escape(w) for w in f.split(" ")) for f in forms)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    # ----------------------------------------------------------------------------------- the three reads

    def country(
        self, value: str, *, as_of: date | datetime, activity: Activity | str, how: str = "country"
    ) -> list[TerritoryHit]:
        """A country field (an ISO alpha-2 or alpha-3 code or a name, in English or another language, or
        a region's own name: "Crimea"). Raises `InputError` for a value that names no country."""
        if how not in HOW:
            raise InputError(f"unknown evidence '{how}': use one of {', '.join(HOW)}")
        act = parse(Activity, activity, "activity")
        entries = self._exact.get(key(value))
        if entries is None:
            code = given_country(value)
            entries = [_Entry(t, "country") for t in self._codes.get(code, ())]
        return [self._hit(e, value.strip(), how, as_of, act) for e in _first_per_territory(entries)]

    def place(
        self,
        value: str,
        *,
        as_of: date | datetime,
        activity: Activity | str,
        country: str | None = None,
    ) -> list[TerritoryHit]:
        """A town, region or address line: the territories' names as whole words, or an ISO 3166-2 code
        alone ("UA-43"). `country`, when given, is the address's country: when it is neither the
        territory's country nor one that claims it (Havana, US), a hit asks for review."""
        act = parse(Activity, activity, "activity")
        other = given_country(country) if country else None
        stripped = value.strip()
        if _SUBDIVISION_CODE.fullmatch(stripped):
            code = stripped.upper()
            known = subdivision_name(code) is not None
            found = self._subdivisions.get(code) or (self._codes.get(code[:2], []) if known else [])
            entries = [_Entry(t, "place") for t in found]
            return [self._hit(e, stripped, "place", as_of, act, other=other) for e in entries]
        return self._search(value, self._place_re, self._place, "place", as_of, act, other)

    def in_text(self, text: str, *, as_of: date | datetime, activity: Activity | str) -> list[TerritoryHit]:
        """Free text (remittance information, a purpose of payment): a country's or territory's name or
        one of its places as whole words. Every hit is at most review."""
        act = parse(Activity, activity, "activity")
        return self._search(text, self._text_re, self._text, "text", as_of, act, None)

    # ------------------------------------------------------------------------------------------- inside

    def _search(
        self,
        text: str,
        pattern: re.Pattern[str] | None,
        table: dict[str, list[_Entry]],
        how: str,
        as_of: date | datetime,
        activity: Activity,
        other: str | None,
    ) -> list[TerritoryHit]:
        if pattern is None:
            return []
        folded, starts = fold(text)
        best: dict[str, tuple[_Entry, tuple[int, int]]] = {}  # per territory, its strongest occurrence
        spans: dict[str, list[tuple[int, int]]] = {}
        for m in pattern.finditer(folded):
            after = _NEXT_WORD.match(folded, m.end())
            following = after.group(1) if after else ""
            start, end = (
                (m.start(), m.end()) if starts is None else (starts[m.start()], starts[m.end() - 1] + 1)
            )
            for entry in table[" ".join(w for w in _NONWORD.split(m.group()) if w)]:
                if entry.place is not None and following in entry.place.not_followed_by:
                    continue
                tid = entry.territory.id
                if tid not in best or _strength(entry) > _strength(best[tid][0]):
                    best[tid] = (entry, (start, end))
                if (start, end) not in spans.setdefault(tid, []):
                    spans[tid].append((start, end))
        return [
            self._hit(entry, text[s:e], how, as_of, activity, other, (s, e), tuple(spans[tid]))
            for tid, (entry, (s, e)) in best.items()
        ]

    def _hit(
        self,
        entry: _Entry,
        matched: str,
        how: str,
        as_of: date | datetime,
        activity: Activity,
        other: str | None = None,
        span: tuple[int, int] | None = None,
        spans: tuple[tuple[int, int], ...] = (),
    ) -> TerritoryHit:
        t = entry.territory
        findings = []
        for measure in self.measures[t.id]:
            state = entity_state(measure, Coverage(measure=measure.id), as_of)
            effect, reason = measure_effect(state, activity)
            findings.append(TerritoryMeasure(state, effect, reason))
        findings.sort(key=lambda f: -f.effect.severity)
        decision = Decision.most_severe([f.effect for f in findings])
        lead, cap = self._lead(entry, matched, how, other)
        tail = ""
        if decision is Decision.BLOCK and cap:
            decision, tail = Decision.REVIEW, f"; {cap}"
        said = "; ".join(f.reason for f in findings)
        return TerritoryHit(t, matched, how, decision, tuple(findings), f"{lead}: {said}{tail}", span, spans)

    @staticmethod
    def _lead(entry: _Entry, matched: str, how: str, other: str | None) -> tuple[str, str]:
        """The start of the explanation, and why the hit may not block (empty when it may)."""
        t = entry.territory
        if how == "text":
            return f"the text names '{matched}' ({t.name})", TEXT_CAP
        if how in HOW:
            cap = PARTIAL_CAP if t.partial and entry.kind == "place" else ""
            return f"{HOW[how]} '{matched}' is {t.name}", cap
        what = "address subdivision" if _SUBDIVISION_CODE.fullmatch(matched) else "address place"
        if entry.kind == "country":
            lead, cap = f"the address names the country '{matched}' ({t.name})", COUNTRY_CAP
        elif t.partial and entry.kind == "place":
            area = ", ".join(subdivision_name(c) or c for c in t.subdivisions)
            lead, cap = f"{what} '{matched}' is in {area}, of which {t.name} is a part", PARTIAL_CAP
        else:
            lead, cap = f"{what} '{matched}' is in {t.name}", ""
        if other and other != t.country and other not in t.claimed_by:
            cap = f"but the address's country is {country_name(other)}, so it asks for review"
        return lead, cap


def _strength(entry: _Entry) -> int:
    """How well a name places an address: a region's own name or a town of a territory that covers all
    of its area (2) over a country's name or a town of a partly covered area (1)."""
    return 2 if entry.kind == "name" or (entry.kind == "place" and not entry.territory.partial) else 1


def _first_per_territory(entries: Iterable[_Entry]) -> list[_Entry]:
    out: dict[str, _Entry] = {}
    for entry in entries:
        out.setdefault(entry.territory.id, entry)
    return list(out.values())
