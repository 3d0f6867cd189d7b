"""Messages to families: every template in every language, filled, and no death by message."""

from __future__ import annotations

import pytest

from homecoming.errors import InvalidInput
from homecoming.tracing.inquiry import LANGUAGES
from homecoming.tracing.templates import TemplateName, render


@pytest.mark.parametrize("template", list(TemplateName))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders(template: TemplateName, language: str) -> None:
    message = render(template, language, reference="HC-2026-000007", name="Нехір Олександр")
    assert "HC-2026-000007" in message.subject + message.body
    assert "Нехір Олександр" in message.body or template is TemplateName.DECEASED
    assert "$" not in message.subject + message.body


def test_languages_differ() -> None:
    texts = {
        render(TemplateName.RELEASED, lang, reference="R", name="N").body for lang in LANGUAGES
    }
    assert len(texts) == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_death_is_never_announced_by_message(language: str) -> None:
    body = render(TemplateName.DECEASED, language, reference="R", name="N").body.casefold()
    for word in ("загин", "помер", "смерт", "died", "dead", "death", "погиб", "умер"):
        assert word not in body


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput, match="uk, en, ru"):
        render(TemplateName.RELEASED, "de", reference="R", name="N")
