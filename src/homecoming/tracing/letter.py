"""The letter a family is handed at registration: the case reference and the access code.

Printed once (the code is never kept, only its hash), in the family's language.
"""

from __future__ import annotations

from string import Template

from homecoming.errors import InvalidInput
from homecoming.tracing.inquiry import LANGUAGES
from homecoming.tracing.templates import DEFAULT_OFFICE

_LETTER = {
    "uk": (
        "$office\n\n"
        "Шановна родино!\n\n"
        "Ваше звернення про розшук зареєстровано.\n\n"
        "    Номер справи:  $reference\n"
        "    Код доступу:   $code\n\n"
        "Зі цими двома рядками ви можете будь-коли побачити стан справи на сторінці для "
        "родин: $page\n"
        "Там ви знайдете дату останньої зміни, що буде далі, і всі повідомлення, які ми вам "
        "надіслали.\n\n"
        "Бережіть цей лист. Код не можна відновити: якщо ви його загубите, зверніться до нас, "
        "і ми видамо новий. Ми ніколи не питаємо код телефоном чи в SMS.\n\n"
        "$contact"
    ),
    "en": (
        "$office\n\n"
        "Dear family,\n\n"
        "Your inquiry has been registered.\n\n"
        "    Case reference:  $reference\n"
        "    Access code:     $code\n\n"
        "With these two lines you can see the state of the case at any time on the family "
        "page: $page\n"
        "It shows the date of the last change, what happens next, and every message we "
        "have sent you.\n\n"
        "Keep this letter. The code cannot be recovered: if you lose it, contact us and we "
        "will issue a new one. We never ask for the code by phone or text message.\n\n"
        "$contact"
    ),
    "ru": (
        "$office\n\n"
        "Уважаемая семья!\n\n"
        "Ваше обращение о розыске зарегистрировано.\n\n"
        "    Номер дела:    $reference\n"
        "    Код доступа:   $code\n\n"
        "С этими двумя строками вы можете в любое время увидеть состояние дела на странице "
        "для семей: $page\n"
        "Там указаны дата последнего изменения, что будет дальше, и все сообщения, которые "
        "мы вам отправили.\n\n"
        "Сохраните это письмо. Код нельзя восстановить: если вы его потеряете, обратитесь к "
        "нам, и мы выдадим новый. Мы никогда не спрашиваем код по телефону или в SMS.\n\n"
        "$contact"
    ),
}


def family_letter(
    language: str, *, reference: str, code: str, page: str, contact: str = "", office: str = ""
) -> str:
    """The letter's text, every placeholder filled."""
    if language not in LANGUAGES:
        raise InvalidInput(f"language {language!r}: choose one of {', '.join(LANGUAGES)}")
    return (
        Template(_LETTER[language])
        .substitute(
            office=office or DEFAULT_OFFICE[language],
            reference=reference,
            code=code,
            page=page,
            contact=contact,
        )
        .rstrip()
        + "\n"
    )
