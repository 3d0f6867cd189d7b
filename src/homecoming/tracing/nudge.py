"""What a Web Push or an SMS to a family says: that there is news, and nothing else.

No name, no case reference, no status: a scammer's copy of the text carries nothing, a
phone left on a table shows nothing, and a death can never be announced by it. The family
reads the message itself on the family page, after its reference and access code.
"""

from __future__ import annotations

from dataclasses import dataclass

from homecoming.tracing.inquiry import LANGUAGES

FAMILY_PAGE_PATH = "/family/case"


@dataclass(frozen=True, slots=True)
class Nudge:
    title: str
    text: str


_NUDGES = {
    "uk": Nudge("Служба розшуку", "У вашій справі є новини: відкрийте сторінку родини."),
    "en": Nudge("Tracing service", "There is news on your case: open the family page."),
    "ru": Nudge("Служба розыска", "В вашем деле есть новости: откройте страницу семьи."),
}


def nudge(language: str) -> Nudge:
    """The nudge in the family's language (Ukrainian when the language is not one we write)."""
    return _NUDGES[language if language in LANGUAGES and language in _NUDGES else "uk"]
