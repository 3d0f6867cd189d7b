"""Bring Latin spellings from any romanisation standard to one comparable form.

"Nekhir", "Nehir", "Nechir" and "Nexir" all become "nehir"; "Shchukina", "Ščukina",
"Schtschukina" and "Chtchoukina" meet too. Upper-case letters in a common form are
merged sounds: S = ш/щ (sh, sch, shch, š, ŝ), C = ч (ch, tch, tsch, č), Z = ж (zh, ž),
T = ц (ts, tz, c before e/i/y).
"""

from __future__ import annotations

import re
import unicodedata

from homecoming.forgetting import forgettable

# Letters that carry a sound of their own in ISO 9 / scholarly systems: spell them out
# before diacritics are stripped.
_SPECIAL = str.maketrans(
    {
        "ž": "zh",
        "š": "sh",
        "č": "ch",
        "ŝ": "shch",
        "ĉ": "ch",
        "ẑ": "zh",
        "û": "yu",
        "â": "ya",
        "ê": "ye",
        "ë": "yo",
        "ï": "yi",
        "ì": "i",
        "è": "e",
        "ĭ": "y",
        "ǵ": "g",
        "ğ": "h",
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "dzh",
        "ş": "sh",
        "ș": "sh",
        "ţ": "ts",
        "ț": "ts",
        "ő": "o",
        "ű": "u",
        "ı": "i",
        "ё": "yo",
        "ʹ": "",
        "ʺ": "",
        "′": "",
        "″": "",
    }
)

# Ordered rewrites over a lower-case ASCII token; longest spellings first. "ch" is
# decided between the two passes: ч in English and French, х in German.
_BEFORE_CH = (
    (r"schtsch|shtch|chtch|shch", "S"),
    (r"tsch|tch", "C"),
    (r"shh|sch|sh|sz", "S"),
    (r"cz", "C"),
)
_AFTER_CH = (
    (r"zh", "Z"),
    (r"gu(?=[eiy])", "g"),  # French: Guennadi, Gueorgui
    (r"kh|gh|g", "h"),
    (r"x", "ks"),
    (r"ck", "k"),
    (r"ts|tz|tc|c(?=[eiy])|c$", "T"),  # tc: GOST R 52535.1 (Vorontcov = Воронцов)
    (r"c", "k"),
    (r"ph", "f"),
    (r"th", "t"),
    (r"w", "v"),
    (r"q", "k"),
    (r"ou", "u"),  # French ou (Oumierov = Умєров)
    (r"(?<=[^aeiou])ine$", "in"),  # French -ine for -ин (Poutine, Koutlouguildine = Кутлугільдін)
    (r"^mc", "mak"),  # McCrane = Маккрейн
    (r"(?<=[aeo])ff?$", "v"),
    (r"[yj]", "i"),
    (r"i+", "i"),
    (r"ie(?!$)", "e"),
    (r"ie$", "i"),  # English -ie is и (Dottie = Дотти)
    # German ä written ae (Michelstaedter = Михельштедтер), and so the -аєв, -аев of Russian and
    # Ukrainian names however written (Vakhaev, Vakhaiev, Vakhayev = Вахаєв): after the y and ie
    # rules, which make an "ae" of "aye" and "aie".
    (r"(?<=.)ae", "e"),
    (r"(?<=[^aeiou])io", "o"),
    (r"(.)\1+", r"\1"),
)


def _compile(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), repl) for pattern, repl in rules)


_BEFORE = _compile(_BEFORE_CH)
_AFTER = _compile(_AFTER_CH)
_NOT_LETTER = re.compile(r"[^a-z]")
_BARE_C = re.compile(r"c(?=[aeiouy]|$)")
_ENGLISH_J = re.compile(r"^j(?=[aeiou])|(?<=[aeiou])j(?=[aeiou])")
_VOWELS = re.compile(r"[aeiou]+")
_X_FOR_KH = re.compile(r"x(?=[aeiouy])")
_JAPANESE_SYLLABLE = re.compile(r"[CS]i")
MAX_FORMS = 4


def ascii_fold(text: str) -> str:
    """Lower-case, spell out ISO 9 letters, drop other diacritics and everything not a-z."""
    text = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return _NOT_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _apply(rules: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str:
    for pattern, repl in rules:
        text = pattern.sub(repl, text)
    return text


@forgettable(maxsize=500_000)
def common_forms(token: str) -> tuple[str, ...]:
    """Common forms of one Latin token, most likely first ("ch" is ч in English, х in German)."""
    folded = ascii_fold(token)
    if not folded:
        return ()
    middle = _apply(_BEFORE, folded)
    readings = [middle.replace("ch", "C")]
    if "ch" in middle:
        readings.append(middle.replace("ch", "h"))
    if _X_FOR_KH.search(middle):
        # Scholarly systems and GOST 7.79 write х as "x" (Nexir = Нехір); elsewhere x is ks.
        readings += [_X_FOR_KH.sub("h", r) for r in readings]
    if _ENGLISH_J.search(middle):
        # English "j" is дж (Jesson = Джессон); Slavic spellings use it as a glide (Jaroslav).
        readings += [_ENGLISH_J.sub("dZ", r) for r in readings]
    if _JAPANESE_SYLLABLE.search(readings[0]):
        # Russian writes Japanese chi/shi as ти/си (Ichiyo = Итиё).
        readings.append(
            _JAPANESE_SYLLABLE.sub(lambda m: "ti" if m[0] == "Ci" else "si", readings[0])
        )
    if _BARE_C.search(readings[0]):
        # ISO 9 and Polish-style spellings write ц as a bare "c" (Cushko = Цушко).
        readings += [_BARE_C.sub("T", r) for r in readings]
    forms: list[str] = []
    for reading in readings:
        form = _apply(_AFTER, reading)
        if form not in forms:
            forms.append(form)
    return tuple(forms[:MAX_FORMS])


def common_form(token: str) -> str:
    """The most likely common form of one Latin token ("" for no letters)."""
    forms = common_forms(token)
    return forms[0] if forms else ""


def vowel_class(form: str) -> str:
    """A common form with every vowel run as one "a": Russian renders foreign vowels loosely."""
    return _VOWELS.sub("a", form)


# Feminine and masculine endings of East Slavic surnames, in common form.
_GENDER_ENDINGS: tuple[tuple[str, str], ...] = (
    ("skaia", "ski"),
    ("skaa", "ski"),
    ("ska", "ski"),
    ("ckaia", "cki"),
    ("ckaa", "cki"),
    ("cka", "cki"),
    ("ova", "ov"),
    ("eva", "ev"),
    ("ina", "in"),
    ("aia", "oi"),
)


def gender_neutral(form: str) -> str:
    """Map a feminine surname form to its masculine one (kovalska -> kovalski)."""
    for ending, masculine in _GENDER_ENDINGS:
        if form.endswith(ending) and len(form) > len(ending) + 1:
            return form[: -len(ending)] + masculine
    return form
