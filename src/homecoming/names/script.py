"""Which alphabet a name is written in and, for Cyrillic, whether it reads Ukrainian or Russian."""

from __future__ import annotations

import unicodedata
from typing import Literal

from homecoming.forgetting import forgettable

Script = Literal["cyrillic", "latin", "mixed", "other", "empty"]
Language = Literal["uk", "ru", "cyrillic", "latin", "other"]

# Letters only one of the two orthographies has.
UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
RUSSIAN_LETTERS = frozenset("ыэёъЫЭЁЪ")
_RUSSIAN_ENDINGS = ("ей", "ьевич", "ьевна", "еевич", "еевна")
# ʹ and ʺ: the soft and hard signs of scholarly transliteration (Demʺjanovyč), not letters.
APOSTROPHES = "'’ʼ`´ʹʺ′\"ʻ"

# Latin letters that look like Cyrillic ones: mixed-alphabet typing (a Latin "o" inside a
# Cyrillic word) is common in lists typed on two keyboard layouts.
_LATIN_TO_CYRILLIC = str.maketrans("aceiopxyAEIOPCXHKMTBY", "асеіорхуАЕІОРСХНКМТВУ")
_CYRILLIC_TO_LATIN = str.maketrans("асеіорхуАЕІОРСХНКМТВУ", "aceiopxyAEIOPCXHKMTBY")


def _char_script(ch: str) -> str | None:
    if not ch.isalpha() or ch in APOSTROPHES:
        return None
    code = ord(ch)
    if 0x0400 <= code <= 0x052F or 0x1C80 <= code <= 0x1C8F:
        return "cyrillic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    name = unicodedata.name(ch, "")
    return "latin" if name.startswith("LATIN") else "other"


@forgettable(maxsize=65536)
def detect_script(text: str) -> Script:
    """Return the script of `text`: cyrillic, latin, mixed, other or empty."""
    scripts = {s for s in map(_char_script, text) if s is not None}
    if not scripts:
        return "empty"
    if len(scripts) > 1:
        return "mixed"
    only = scripts.pop()
    return "cyrillic" if only == "cyrillic" else "latin" if only == "latin" else "other"


# Digits that scanning and hurried typing put in place of the letters they look like
# (Sech1n, I9or, Петр0в, 3ахаров): a name holds no digits.
_DIGITS_TO_LATIN = str.maketrans("013456789", "oieasbtbg")
_DIGITS_TO_CYRILLIC = str.maketrans("0346", "озчб")


def fix_homoglyphs(token: str) -> str:
    """Bring a token typed in two keyboard layouts, or misread digits, into its alphabet."""
    scripts = [s for s in map(_char_script, token) if s is not None]
    cyr = scripts.count("cyrillic")
    lat = scripts.count("latin")
    if cyr and lat:
        token = token.translate(_LATIN_TO_CYRILLIC if cyr >= lat else _CYRILLIC_TO_LATIN)
    if len(scripts) >= 2 and any(ch.isdigit() for ch in token):
        digits = sum(ch.isdigit() for ch in token)
        if digits < len(scripts):  # mostly letters: the digits are misread letters
            fixed = token.translate(_DIGITS_TO_CYRILLIC if cyr >= lat else _DIGITS_TO_LATIN)
            # A digit opening a word stood for a capital (3ахар = Захар).
            token = fixed[:1].upper() + fixed[1:] if token[:1].isdigit() else fixed
    return token


def cyrillic_language(text: str) -> Literal["uk", "ru"] | None:
    """Guess whether Cyrillic `text` is written the Ukrainian or the Russian way (None: unsure)."""
    uk = sum(ch in UKRAINIAN_LETTERS for ch in text)
    ru = sum(ch in RUSSIAN_LETTERS for ch in text)
    # An apostrophe inside a Cyrillic word is Ukrainian (В'ячеслав); Russian uses ъ.
    uk += sum(
        1 for i, ch in enumerate(text[1:-1], 1) if ch in APOSTROPHES and text[i - 1].isalpha()
    )
    # Endings only Russian name forms have: Сергей (uk Сергій), Васильевич and Сергеевна
    # (uk Васильович, Сергіївна).
    ru += sum(
        1 for word in text.lower().split() if len(word) > 3 and word.endswith(_RUSSIAN_ENDINGS)
    )
    if uk > ru:
        return "uk"
    if ru > uk:
        return "ru"
    return None


def language_of(text: str) -> Language:
    """Return uk, ru, cyrillic (undecided), latin or other for a name."""
    script = detect_script(text)
    if script == "cyrillic" or (
        script == "mixed" and detect_script(fix_homoglyphs(text)) == "cyrillic"
    ):
        return cyrillic_language(text) or "cyrillic"
    if script == "latin":
        return "latin"
    return "other"
