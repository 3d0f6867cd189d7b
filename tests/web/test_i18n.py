"""The catalogues: every text of the pages has a Ukrainian translation; language negotiation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecoming.web.catalogue import extract, read
from homecoming.web.i18n import LANGUAGES, Translator, choose, negotiate

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _ids(message_id: str | tuple[str, ...]) -> tuple[str, ...]:
    return message_id if isinstance(message_id, tuple) else (message_id,)


def test_every_message_has_a_ukrainian_translation() -> None:
    used = {m.id for m in extract() if m.id}
    ukrainian = read("uk")
    missing = [i for i in used if not (m := ukrainian.get(i)) or not all(_ids(m.string or ""))]
    assert not missing, f"run scripts/update-catalogues and translate: {missing}"


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for message in read("uk"):
        if not message.id:
            continue
        wanted = set().union(*(set(PLACEHOLDER.findall(i)) for i in _ids(message.id)))
        forms = _ids(message.string)
        for form in forms:
            if set(PLACEHOLDER.findall(form)) - wanted - {"num"}:
                wrong.append((message.id, form))  # a value the page does not pass
        # Ukrainian's "few" and "many" forms always say how many.
        if isinstance(message.id, tuple) and "%(num)s" in message.id[1]:
            wrong += [(message.id, f) for f in forms[1:] if "%(num)s" not in f]
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "Знайдено 1 особу"),
        (3, "Знайдено 3 особи"),
        (5, "Знайдено 5 осіб"),
        (11, "Знайдено 11 осіб"),
        (21, "Знайдено 21 особу"),
        (1234, "Знайдено 1 234 особи"),
    ],
)
def test_ukrainian_plurals(n: int, text: str) -> None:
    words = Translator("uk")
    found = words.ngettext("%(num)s person found", "%(num)s persons found", n)
    assert found.replace("\xa0", " ") == text


def test_english_falls_back_to_the_message_itself() -> None:
    assert Translator("en").gettext("Dashboard") == "Dashboard"
    assert Translator("uk").gettext("Dashboard") == "Огляд"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "uk"),
        ("*", "uk"),
        ("en", "en"),
        ("en-GB,en;q=0.8", "en"),
        ("de-DE,de;q=0.9", "uk"),
        ("ru,en;q=0.5", "en"),
        ("en;q=0.4,uk;q=0.9", "uk"),
        ("uk-UA", "uk"),
        ("en;q=0,uk;q=0.1", "uk"),
        ("en;q=abc, uk", "uk"),
    ],
)
def test_accept_language(header: str, language: str) -> None:
    assert negotiate(header) == language


@given(st.text(max_size=200))
def test_any_header_gives_a_supported_language(header: str) -> None:
    assert negotiate(header) in LANGUAGES


@given(st.sampled_from(sorted(LANGUAGES)), st.text(max_size=60))
def test_a_picked_language_wins_over_the_browser(picked: str, header: str) -> None:
    assert choose(picked, header) == picked
