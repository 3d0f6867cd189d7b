"""Messages to families, in Ukrainian and English, Russian available. Plain `string.Template`s.

A death is never announced by a message: the "deceased" template asks the family to let a
liaison officer speak with them in person or by phone, and says nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Template

from homecoming.errors import InvalidInput
from homecoming.tracing.inquiry import LANGUAGES, FamilyStatus


class TemplateName(StrEnum):
    REGISTERED = "registered"
    INFORMATION_ADDED = "information_added"
    CONFIRMED_CAPTIVITY = "confirmed_captivity"
    RELEASED = "released"
    DECEASED = "deceased"


# No message says more than the evidence proves: evidence of life is "new information", and a
# reported death, like an identified one, only asks the family to let us speak in person.
TEMPLATE_FOR_STATUS = {
    FamilyStatus.REGISTERED: TemplateName.REGISTERED,
    FamilyStatus.INFORMATION_ADDED: TemplateName.INFORMATION_ADDED,
    FamilyStatus.SEEN_ALIVE: TemplateName.INFORMATION_ADDED,
    FamilyStatus.CONFIRMED_CAPTIVITY: TemplateName.CONFIRMED_CAPTIVITY,
    FamilyStatus.REPORTED_DECEASED: TemplateName.DECEASED,
    FamilyStatus.RELEASED: TemplateName.RELEASED,
    FamilyStatus.DECEASED: TemplateName.DECEASED,
}


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str


# (template, language) -> (subject, body); placeholders: $reference, $name, $office.
_TEXTS: dict[tuple[TemplateName, str], tuple[str, str]] = {
    (TemplateName.REGISTERED, "uk"): (
        "Ваше звернення зареєстровано: $reference",
        "Шановна родино!\n\n"
        "Ваше звернення про розшук зареєстровано за номером $reference (особа, яку ви шукаєте: "
        "$name). "
        "Будь ласка, зберігайте цей номер і називайте його, коли звертаєтеся до нас.\n\n"
        "Ми повідомимо вас, щойно з'явиться нова інформація.\n\n$office",
    ),
    (TemplateName.REGISTERED, "en"): (
        "Your inquiry is registered: $reference",
        "Dear family,\n\n"
        "Your inquiry about $name has been registered under the reference $reference. "
        "Please keep this reference and quote it whenever you contact us.\n\n"
        "We will let you know as soon as there is new information.\n\n$office",
    ),
    (TemplateName.REGISTERED, "ru"): (
        "Ваше обращение зарегистрировано: $reference",
        "Уважаемая семья!\n\n"
        "Ваше обращение о розыске зарегистрировано под номером $reference (кого вы ищете: "
        "$name). "
        "Пожалуйста, сохраните этот номер и называйте его, когда обращаетесь к нам.\n\n"
        "Мы сообщим вам, как только появится новая информация.\n\n$office",
    ),
    (TemplateName.INFORMATION_ADDED, "uk"): (
        "Нова інформація у справі $reference",
        "Шановна родино!\n\n"
        "До справи $reference (особа: $name) додано нову інформацію. Її ще перевіряють; "
        "ми зв'яжемося з вами, щойно вона буде підтверджена.\n\n$office",
    ),
    (TemplateName.INFORMATION_ADDED, "en"): (
        "New information in case $reference",
        "Dear family,\n\n"
        "New information about $name has been added to case $reference. It is still being "
        "checked; we will contact you as soon as it is confirmed.\n\n$office",
    ),
    (TemplateName.INFORMATION_ADDED, "ru"): (
        "Новая информация по делу $reference",
        "Уважаемая семья!\n\n"
        "В дело $reference (розыск: $name) добавлена новая информация. Она ещё проверяется; "
        "мы свяжемся с вами, как только она будет подтверждена.\n\n$office",
    ),
    (TemplateName.CONFIRMED_CAPTIVITY, "uk"): (
        "Підтверджено перебування в полоні: $reference",
        "Шановна родино!\n\n"
        "За перевіреними даними, $name перебуває в полоні. Ми продовжуємо роботу, "
        "щоб ваша рідна людина повернулася додому, і повідомимо вас про кожну зміну.\n\n"
        "Номер вашої справи: $reference.\n\n$office",
    ),
    (TemplateName.CONFIRMED_CAPTIVITY, "en"): (
        "Confirmed in captivity: $reference",
        "Dear family,\n\n"
        "According to verified information, $name is held in captivity. We continue our work "
        "to bring your relative home and will tell you of every change.\n\n"
        "Your case reference: $reference.\n\n$office",
    ),
    (TemplateName.CONFIRMED_CAPTIVITY, "ru"): (
        "Подтверждено нахождение в плену: $reference",
        "Уважаемая семья!\n\n"
        "По проверенным данным, $name находится в плену. Мы продолжаем работу, "
        "чтобы ваш близкий человек вернулся домой, и сообщим вам о каждом изменении.\n\n"
        "Номер вашего дела: $reference.\n\n$office",
    ),
    (TemplateName.RELEASED, "uk"): (
        "Повернення з полону: $reference",
        "Шановна родино!\n\n"
        "Раді повідомити: $name — серед звільнених під час обміну; передачу підтверджено. "
        "Зараз ваша рідна людина проходить медичне обстеження; найближчим часом "
        "із вами зв'яжуться, щоб домовитися про зустріч.\n\n"
        "Номер вашої справи: $reference.\n\n$office",
    ),
    (TemplateName.RELEASED, "en"): (
        "Return from captivity: $reference",
        "Dear family,\n\n"
        "We are glad to tell you that $name was released in an exchange; the handover has "
        "been confirmed. Your relative is now receiving medical care; you will be contacted "
        "shortly to arrange a meeting.\n\n"
        "Your case reference: $reference.\n\n$office",
    ),
    (TemplateName.RELEASED, "ru"): (
        "Возвращение из плена: $reference",
        "Уважаемая семья!\n\n"
        "Рады сообщить: $name — среди освобождённых в ходе обмена; передача подтверждена. "
        "Сейчас ваш близкий человек проходит медицинское обследование; в ближайшее время с вами "
        "свяжутся, чтобы договориться о встрече.\n\n"
        "Номер вашего дела: $reference.\n\n$office",
    ),
    (TemplateName.DECEASED, "uk"): (
        "Просимо зв'язатися з нами: $reference",
        "Шановна родино!\n\n"
        "У справі $reference (особа: $name) є важлива інформація, яку ми хочемо передати вам "
        "особисто. Наш працівник найближчим часом зателефонує вам, щоб домовитися про "
        "розмову. Якщо вам зручніше, зателефонуйте нам самі й назвіть номер справи.\n\n$office",
    ),
    (TemplateName.DECEASED, "en"): (
        "Please get in touch with us: $reference",
        "Dear family,\n\n"
        "There is important information in case $reference about $name that we would like "
        "to give you in person. A member of our staff will call you shortly to arrange a "
        "conversation. If you prefer, call us yourselves and quote the case reference.\n\n"
        "$office",
    ),
    (TemplateName.DECEASED, "ru"): (
        "Просим связаться с нами: $reference",
        "Уважаемая семья!\n\n"
        "По делу $reference (розыск: $name) есть важная информация, которую мы хотим передать вам "
        "лично. Наш сотрудник в ближайшее время позвонит вам, чтобы договориться о разговоре. "
        "Если вам удобнее, позвоните нам сами и назовите номер дела.\n\n$office",
    ),
}

DEFAULT_OFFICE = {
    "uk": "Національне інформаційне бюро, служба розшуку",
    "en": "National Information Bureau, tracing service",
    "ru": "Национальное информационное бюро, служба розыска",
}


def render(
    template: TemplateName, language: str, *, reference: str, name: str, office: str = ""
) -> Message:
    """The message in that language, every placeholder filled."""
    if language not in LANGUAGES:
        raise InvalidInput(f"language {language!r}: choose one of {', '.join(LANGUAGES)}")
    subject, body = _TEXTS[(template, language)]
    values = {
        "reference": reference,
        "name": name,
        "office": office or DEFAULT_OFFICE[language],
    }
    return Message(Template(subject).substitute(values), Template(body).substitute(values))
