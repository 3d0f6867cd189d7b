"""Military units as people write and say them: "36th brigade", "36 ОБрМП", "36-я бригада".

A unit reference is reduced to what can be compared across languages: its number, the kind of
formation (brigade, regiment, battalion, division), the branch when it is said (marines,
mechanised, assault, air assault, territorial defence, motor rifle), a unit code (в/ч А0666,
or А0666 alone) and, for territorial defence named by its city ("тероборона Київ",
"ТрО м. Києва", "Kyiv TDF"), the city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from homecoming.domain.record import service_number_key


class UnitKind(StrEnum):
    BRIGADE = "brigade"
    REGIMENT = "regiment"
    BATTALION = "battalion"
    DIVISION = "division"


class Branch(StrEnum):
    MARINES = "marines"
    MECHANISED = "mechanised"
    ASSAULT = "assault"
    AIR_ASSAULT = "air_assault"
    TERRITORIAL = "territorial"
    MOTOR_RIFLE = "motor_rifle"


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit reduced to comparable parts; every part may be unknown."""

    number: int | None = None
    kind: UnitKind | None = None
    branch: Branch | None = None
    code: str = ""  # a unit code such as А0666 (в/ч, military unit), look-alikes folded
    place: str = ""  # the city a territorial defence unit is named by (Kyiv), when said

    @property
    def known(self) -> bool:
        return self.number is not None or bool(self.code) or bool(self.place)

    def label(self) -> str:
        """A short English label, e.g. '36 brigade (marines)' or 'unit A0666'."""
        if self.code:
            return f"unit {self.code}"
        if self.number is None:
            return f"territorial defence ({self.place})" if self.place else ""
        text = f"{self.number} {self.kind.value if self.kind else 'unit'}"
        text += f" ({self.branch.value.replace('_', ' ')})" if self.branch else ""
        return text + (f", {self.place}" if self.place else "")


# Unit codes: "в/ч А0666", "в/ч 3002", "military unit A0666", "unit А-0666".
_CODE = re.compile(
    r"(?:в\s*/\s*ч|військова частина|воинская часть|military unit|unit)\s*"
    r"([A-ZА-ЯІЇЄҐ]?\s*-?\s*\d{3,5})",
    re.IGNORECASE,
)
# A unit code alone: "А0666", "A0666", "А-0666" (a letter and four digits).
_BARE_CODE = re.compile(r"(?<![^\W\d_])([AА]\s*-?\s*\d{4})(?!\d)")
_NUMBER = re.compile(r"(?<![\d])(\d{1,4})(?![\d])")
# Abbreviations, as whole words (case-folded): Ukrainian/Russian and English.
_T = TypeVar("_T")
_B, _K = Branch, UnitKind
_ABBREVIATIONS: dict[str, tuple[UnitKind | None, Branch | None]] = {
    "омбр": (_K.BRIGADE, _B.MECHANISED),
    "обрмп": (_K.BRIGADE, _B.MARINES),
    "ошбр": (_K.BRIGADE, _B.ASSAULT),
    "одшбр": (_K.BRIGADE, _B.AIR_ASSAULT),
    "обртро": (_K.BRIGADE, _B.TERRITORIAL),
    "тро": (None, _B.TERRITORIAL),
    "трo": (None, _B.TERRITORIAL),
    "зсу": (None, None),
    "омсбр": (_K.BRIGADE, _B.MOTOR_RIFLE),
    "мсп": (_K.REGIMENT, _B.MOTOR_RIFLE),
    "дшд": (_K.DIVISION, _B.AIR_ASSAULT),
    "ошб": (_K.BATTALION, _B.ASSAULT),
    "обр": (_K.BRIGADE, None),
    "бр": (_K.BRIGADE, None),
    "smb": (_K.BRIGADE, _B.MECHANISED),
    "smbr": (_K.BRIGADE, _B.MARINES),
    "sab": (None, _B.ASSAULT),  # a brigade on one side, a battalion on the other
    "saab": (_K.BRIGADE, _B.AIR_ASSAULT),
    "tdb": (_K.BRIGADE, _B.TERRITORIAL),
    "tdf": (None, _B.TERRITORIAL),
    "smrb": (_K.BRIGADE, _B.MOTOR_RIFLE),
    "nib": (_K.BRIGADE, _B.MARINES),
    "mrr": (_K.REGIMENT, _B.MOTOR_RIFLE),
    "aad": (_K.DIVISION, _B.AIR_ASSAULT),
    "bde": (_K.BRIGADE, None),
    "bn": (_K.BATTALION, None),
    "regt": (_K.REGIMENT, None),
    "div": (_K.DIVISION, None),
}
# Stems of the words written out, checked on the case-folded text.
_KIND_STEMS: tuple[tuple[UnitKind, tuple[str, ...]], ...] = (
    (_K.BRIGADE, ("бригад", "brigade", "brig")),
    (_K.REGIMENT, ("полк", "regiment")),
    (_K.BATTALION, ("батальй", "батальо", "battalion")),
    (_K.DIVISION, ("дивіз", "дивиз", "division")),
)
_BRANCH_STEMS: tuple[tuple[Branch, tuple[str, ...]], ...] = (
    (_B.MARINES, ("морськ", "морск", "морпіх", "морпех", "marine", "naval infantry")),
    (_B.AIR_ASSAULT, ("десантно", "air assault", "airborne", "десантн")),
    (_B.TERRITORIAL, ("територіальн", "территориальн", "тероборон", "теробороні", "territorial")),
    (_B.MOTOR_RIFLE, ("мотостріл", "мотострел", "motor rifle")),
    (_B.MECHANISED, ("механіз", "механиз", "mechani")),
    (_B.ASSAULT, ("штурмов", "assault")),
)
_WORD = re.compile(r"[^\W\d_]+")
# Cities territorial defence units are named by: stems of their Ukrainian, Russian and Latin
# forms in any case ("Київ", "Києва", "Киев", "Kyiv", "Kiev"), matched at a word start.
_CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Kyiv", ("київ", "києв", "киев", "kyiv", "kiev", "kyjiv")),
    ("Kharkiv", ("харків", "харков", "харьков", "kharkiv", "kharkov")),
    ("Lviv", ("львів", "львов", "lviv", "lvov")),
    ("Odesa", ("одес", "odes")),
    ("Dnipro", ("дніпр", "днепр", "dnipr", "dnepr")),
    ("Zaporizhzhia", ("запоріж", "запорож", "zaporiz")),
    ("Sumy", ("суми", "сумсь", "сумах", "сумы", "sumy")),
    ("Chernihiv", ("черніг", "чернигов", "chernihiv", "chernigov")),
    ("Poltava", ("полтав", "poltav")),
    ("Mykolaiv", ("миколаїв", "миколаєв", "николаев", "mykolaiv", "nikolaev")),
    ("Kherson", ("херсон", "kherson")),
    ("Zhytomyr", ("житомир", "zhytomyr", "zhitomir")),
    ("Vinnytsia", ("вінниц", "винниц", "vinnyts", "vinnits")),
    ("Rivne", ("рівн", "ровн", "rivne", "rovno")),
    ("Lutsk", ("луцьк", "луцк", "lutsk")),
    ("Ternopil", ("терноп", "ternop")),
    ("Khmelnytskyi", ("хмельниц", "khmelnyts")),
    ("Ivano-Frankivsk", ("франків", "франков", "frankivsk", "frankovsk")),
    ("Uzhhorod", ("ужгород", "uzhhorod", "uzhgorod")),
    ("Chernivtsi", ("чернівц", "черновц", "chernivts", "chernovts")),
    ("Cherkasy", ("черкас", "cherkas")),
    ("Kropyvnytskyi", ("кропивниц", "kropyvnyts")),
    ("Kramatorsk", ("краматорськ", "краматорск", "kramatorsk")),
    ("Bila Tserkva", ("білоцерк", "біла церкв", "білої церкв", "bila tserkv")),
)
# Words beside a city that are not the city: kinds, branches, "м." / "г." / "city of".
_NOT_A_PLACE = frozenset(
    {"м", "г", "міста", "місто", "города", "город", "city", "of", "the", "defence", "defense"}
)


@lru_cache(maxsize=100_000)
def parse_unit(text: str) -> UnitRef:
    """Read a unit reference in Ukrainian, Russian or English; unknown parts stay None."""
    if not text.strip():
        return UnitRef()
    code = _CODE.search(text) or _BARE_CODE.search(text)
    if code:
        return UnitRef(code=service_number_key(code.group(1)))
    folded = text.casefold()
    number = _NUMBER.search(folded)
    kind: UnitKind | None = None
    branch: Branch | None = None
    for word in _WORD.findall(folded):
        found_kind, found_branch = _ABBREVIATIONS.get(word, (None, None))
        kind, branch = kind or found_kind, branch or found_branch
    branch = branch or _stem(_BRANCH_STEMS, folded)
    return UnitRef(
        number=int(number.group(1)) if number else None,
        kind=kind or _stem(_KIND_STEMS, folded),
        branch=branch,
        place=_place(text, folded) if branch == Branch.TERRITORIAL else "",
    )


def _place(text: str, folded: str) -> str:
    """The city a territorial defence unit is named by: from the table, else a capitalised word."""
    for city, stems in _CITIES:
        if any(re.search(r"(?<![^\W\d_])" + re.escape(stem), folded) for stem in stems):
            return city
    for word in _WORD.findall(text):
        lower = word.casefold()
        if (
            word[0].isupper()
            and lower not in _ABBREVIATIONS
            and lower not in _NOT_A_PLACE
            and not _stem(_KIND_STEMS, lower)
            and not _stem(_BRANCH_STEMS, lower)
            and not any(ch.isupper() for ch in word[1:])  # ТрО, ЗСУ: abbreviations
        ):
            return str(word)
    return ""


def _stem(table: tuple[tuple[_T, tuple[str, ...]], ...], text: str) -> _T | None:
    for value, stems in table:
        if any(re.search(r"(?<![^\W\d_])" + re.escape(stem), text) for stem in stems):
            return value
    return None


def unit_agreement(a: UnitRef, b: UnitRef) -> tuple[float, str]:
    """+1 the same unit, -1 different units, 0 unknown; with the reason in words."""
    if a.code and b.code:
        return (1.0, "same unit code") if a.code == b.code else (-1.0, "different unit code")
    if a.number is None or b.number is None:
        return _place_agreement(a, b)
    if a.number != b.number:
        return -1.0, f"different unit ({a.label()} / {b.label()})"
    if a.kind and b.kind and a.kind != b.kind:
        return 0.0, f"same number, different formation ({a.label()} / {b.label()})"
    if a.branch and b.branch and a.branch != b.branch:
        return 0.0, f"same number, different branch ({a.label()} / {b.label()})"
    return 1.0, f"same unit ({(a if a.kind else b).label()})"


def _place_agreement(a: UnitRef, b: UnitRef) -> tuple[float, str]:
    """Territorial defence named by its city on both sides, without both numbers."""
    if not (a.place and b.place) or Branch.TERRITORIAL not in (a.branch, b.branch):
        return 0.0, ""
    if a.place.casefold() == b.place.casefold():
        return 1.0, f"same unit (territorial defence, {a.place})"
    return -1.0, f"different unit (territorial defence, {a.place} / {b.place})"
