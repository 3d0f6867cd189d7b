"""What a family writes in the circumstances, read as evidence: an age and a place.

"45 років, зник під Вугледаром у 2023" says the person was born in 1977 or 1978 and went
missing near Vuhledar. `birth_years` turns an age ("йому 23 роки", "23 года", "aged 31")
or a year of birth ("1990 р.н.", "1990 г.р.", "born 1990") into a range of years of birth,
with the age's reference year taken from the text ("у 2023", "in 2022", "12.03.2023") or
else from the inquiry's date. `read_circumstances` adds the place named after "під",
"біля", "near"... Pure functions: no store, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# A family that gives no year may give the age the person had when they went missing,
# up to this many years before the inquiry.
YEARS_MISSING_BEFORE_INQUIRY = 3
_MIN_AGE, _MAX_AGE = 14, 90
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2100

# "1990 р.н.", "1990 р. н.", "1990 року народження", "1990 г.р.", "1990 года рождения",
# "born 1990", "b. 1990", "нар. 1990", "р.н. 1990".
_BIRTH_YEAR = re.compile(
    r"(?ix)"
    r"(?:\b(?P<y1>(?:19|20)\d\d)\s*(?:р\.?\s*н\.?|г\.?\s*р\.?|року\s+народження|"
    r"года\s+рождения|рік\s+народження|year\s+of\s+birth))"
    r"|(?:(?:\bborn(?:\s+in)?|\bb\.|\bнар\.|\bнародився(?:\s+у|\s+в)?|\bнародилася(?:\s+у|\s+в)?|"
    r"\bродился(?:\s+в)?|\bродилась(?:\s+в)?|р\.\s*н\.|г\.\s*р\.)\s*(?P<y2>(?:19|20)\d\d)\b)"
)
# "45 років", "23 роки", "21 рік", "23 года", "25 лет", "31 years old", "31 y.o.", "31 yrs".
_AGE_AFTER = re.compile(
    r"(?ix)(?<![\d.,/-])(?P<age>\d{1,2})\s*"
    r"(?:-?\s*(?:ти|ми|и|х))?\s*"
    r"(?:рок(?:ів|и|у)?\b|рік\b|р\.(?!\s*н)|год(?:а|ов)?\b|лет\b|"
    r"years?(?:\s+old)?\b|y\.?\s*o\.?|yrs?\b)"
)
# "aged 31", "age 31", "вік 45", "віком 45", "возраст 45", "age: 31".
_AGE_BEFORE = re.compile(
    r"(?ix)\b(?:aged?|вік(?:ом)?|возраст(?:ом)?)\s*[:\-]?\s*(?P<age>\d{1,2})\b"
)
# A year said in the text: "у 2023", "в 2022 році", "in 2023", "2023 року", "12.03.2023".
_YEAR = re.compile(
    r"(?ix)(?:\b(?:у|в|in|since|з|с|до)\s+(?P<y1>(?:19|20)\d\d)\b)"
    r"|(?:\b(?P<y2>(?:19|20)\d\d)\s*(?:року|році|рік|году|года|р\.|г\.))"
    r"|(?:\b\d{1,2}[./]\d{1,2}[./](?P<y3>(?:19|20)\d\d)\b)"
)
# A place after "під", "біля", "поблизу", "в районі", "near", "под", "возле": a capitalised word
# (two for "Велика Новосілка").
_PLACE = re.compile(
    r"(?x)(?:\b(?:під|біля|поблизу|коло|в\s+районі|у\s+районі|неподалік|near|around|outside|"
    r"под|возле|около|в\s+районе|у|в|in)\s+"
    r"(?:(?:м\.|с\.|смт|г\.|село|місто|селище|город|city\s+of)\s*)?)"
    r"(?P<place>[A-ZА-ЯІЇЄҐ][\w'ʼ’-]+(?:\s+[A-ZА-ЯІЇЄҐ][\w'ʼ’-]+)?)"
)
# Case endings of a place name after a preposition, longest first: Вугледаром -> Вугледар,
# Бахмутом -> Бахмут, Авдіївки -> Авдіївк(а), Покровська -> Покровськ.
_PLACE_ENDINGS = ("ом", "ем", "ою", "ею", "ій", "ої", "ого", "ому", "ах", "і", "у", "ю", "а", "и")
_NOT_PLACES = frozenset({"Україні", "Украине", "Україна", "Украина", "Ukraine", "Росії", "России"})


@dataclass(frozen=True, slots=True)
class Circumstances:
    """What the circumstances say about the sought person."""

    birth_years: tuple[int, int] | None = None  # earliest, latest possible year of birth
    age: int | None = None  # the age said, when one was
    reference_year: int | None = None  # the year the age was given for
    year_said: bool = False  # the reference year is in the text, not the inquiry's date
    place: str = ""  # the place named, as written ("Вугледаром")
    place_stem: str = ""  # without its case ending ("Вугледар"), for comparing

    def reason(self) -> str:
        """A short English reason for a lead, e.g. 'age 45 in 2023: born 1977-1978'."""
        if self.birth_years is None:
            return ""
        first, last = self.birth_years
        years = str(first) if first == last else f"{first}-{last}"
        if self.age is None:
            return f"born {years}"
        if not self.year_said:
            return f"age {self.age} (inquiry of {self.reference_year}): born {years}"
        return f"age {self.age} in {self.reference_year}: born {years}"


def birth_years(text: str, inquiry_date: date | None = None) -> tuple[int, int] | None:
    """The years of birth an age or a year of birth in `text` allows, or None.

    "45 років, зник під Вугледаром у 2023" -> (1977, 1978); "йому 23 роки" written in
    2024 -> (1997, 2001), since the age may be the one he had when he went missing (up to
    YEARS_MISSING_BEFORE_INQUIRY years earlier); "1990 р.н." -> (1990, 1990).
    """
    return read_circumstances(text, inquiry_date).birth_years


def read_circumstances(text: str, inquiry_date: date | None = None) -> Circumstances:
    """Read an age or year of birth and a place from a family's free text."""
    if not text or not text.strip():
        return Circumstances()
    place = _place(text)
    stem = place_stem(place) if place else ""
    born = _BIRTH_YEAR.search(text)
    if born:
        year = int(born.group("y1") or born.group("y2"))
        if _EARLIEST_YEAR <= year <= _LATEST_YEAR:
            return Circumstances((year, year), place=place, place_stem=stem)
    age = _age(text)
    if age is None:
        return Circumstances(place=place, place_stem=stem)
    said = _reference_year(text)
    if said is not None:
        return Circumstances((said - age - 1, said - age), age, said, True, place, stem)
    if inquiry_date is None:
        return Circumstances(age=age, place=place, place_stem=stem)
    year = inquiry_date.year
    earliest = year - YEARS_MISSING_BEFORE_INQUIRY - age - 1
    return Circumstances((earliest, year - age), age, year, False, place, stem)


def _age(text: str) -> int | None:
    for pattern in (_AGE_BEFORE, _AGE_AFTER):
        for match in pattern.finditer(text):
            age = int(match.group("age"))
            if _MIN_AGE <= age <= _MAX_AGE:
                return age
    return None


def _reference_year(text: str) -> int | None:
    years = []
    for match in _YEAR.finditer(text):
        value = match.group("y1") or match.group("y2") or match.group("y3")
        year = int(value)
        if 2000 <= year <= _LATEST_YEAR:
            years.append(year)
    # The latest year said is when the age was given ("з 2014 ... зник у 2023").
    return max(years) if years else None


def _place(text: str) -> str:
    for match in _PLACE.finditer(text):
        place = match.group("place")
        if place not in _NOT_PLACES and not place.isupper():
            return place
    return ""


def place_stem(place: str) -> str:
    """A place name without its case ending: Вугледаром -> Вугледар, Бахмуті -> Бахмут."""
    words = place.split()
    if not words:
        return ""
    last = words[-1]
    for ending in _PLACE_ENDINGS:
        if last.lower().endswith(ending) and len(last) - len(ending) >= 4:
            last = last[: -len(ending)]
            break
    last = last.rstrip("ьЬ")  # Маріуполь and Маріуполем meet as Маріупол
    return " ".join([*words[:-1], last])
