"""The words generated people are made of: Faker's name pools, places, ranks, units, facilities.

Names come only from Faker's `uk_UA` and `ru_RU` person providers. Places, ranks and unit
kinds are small hand-written tables (real towns and generic unit kinds, never real people).
"""

from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple

from faker.providers.address.ru_RU import Provider as RuAddress
from faker.providers.address.uk_UA import Provider as UkAddress
from faker.providers.person.ru_RU import Provider as RuPerson
from faker.providers.person.uk_UA import Provider as UkPerson


class Localized(NamedTuple):
    """One thing written in Ukrainian, in Russian and in English."""

    uk: str
    ru: str
    en: str


class NamePool(NamedTuple):
    """Faker's names of one locale and sex, with weights favouring the common ones."""

    locale: str  # "uk" or "ru": the language the pool's names are written in
    given: tuple[str, ...]
    given_cum_weights: tuple[float, ...]
    family: tuple[str, ...]
    patronymic: tuple[str, ...]
    patronymic_cum_weights: tuple[float, ...]


# Given names that real rosters are full of; Faker's lists are alphabetical and flat.
COMMON_GIVEN = frozenset(
    [
        "Олександр",
        "Сергій",
        "Андрій",
        "Дмитро",
        "Володимир",
        "Віктор",
        "Микола",
        "Іван",
        "Юрій",
        "Олег",
        "Максим",
        "Василь",
        "Михайло",
        "Віталій",
        "Ігор",
        "Роман",
        "Богдан",
        "Денис",
        "Євген",
        "Артем",
        "Олексій",
        "Вадим",
        "Павло",
        "Руслан",
        "Ярослав",
        "Тарас",
        "Петро",
        "Анатолій",
        "Валерій",
        "Владислав",
        "Костянтин",
        "Степан",
        "Григорій",
        "Назар",
        "Антон",
        "Олена",
        "Наталія",
        "Тетяна",
        "Ірина",
        "Світлана",
        "Оксана",
        "Юлія",
        "Марія",
        "Анна",
        "Катерина",
        "Людмила",
        "Ольга",
        "Галина",
        "Вікторія",
        "Анастасія",
        "Валентина",
        "Александр",
        "Сергей",
        "Дмитрий",
        "Андрей",
        "Алексей",
        "Максим",
        "Евгений",
        "Иван",
        "Михаил",
        "Артем",
        "Николай",
        "Владимир",
        "Денис",
        "Павел",
        "Роман",
        "Игорь",
        "Виктор",
        "Олег",
        "Юрий",
        "Антон",
        "Илья",
        "Кирилл",
        "Никита",
        "Вадим",
        "Василий",
        "Анатолий",
        "Станислав",
        "Руслан",
        "Константин",
        "Елена",
        "Наталья",
        "Татьяна",
        "Ирина",
        "Светлана",
        "Ольга",
        "Юлия",
        "Мария",
        "Анна",
        "Екатерина",
        "Людмила",
        "Анастасия",
        "Галина",
        "Виктория",
        "Валентина",
    ]
)
COMMON_WEIGHT = 25.0


def _given_weights(names: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(accumulate(COMMON_WEIGHT if n in COMMON_GIVEN else 1.0 for n in names))


def _patronymic_weights(names: tuple[str, ...]) -> tuple[float, ...]:
    stems = tuple(c[:-1] for c in COMMON_GIVEN if len(c) > 3)
    return tuple(accumulate(COMMON_WEIGHT if n.startswith(stems) else 1.0 for n in names))


def _pool(
    locale: str, given: tuple[str, ...], family: tuple[str, ...], patronymic: tuple[str, ...]
) -> NamePool:
    return NamePool(
        locale,
        given,
        _given_weights(given),
        family,
        patronymic,
        _patronymic_weights(patronymic),
    )


# Women's Ukrainian surnames are made from the men's by the feminine-form rules (forms.py),
# since Faker's female-only list is short; the pool here holds masculine forms.
UK_MALE = _pool(
    "uk",
    tuple(UkPerson.first_names_male),
    tuple(UkPerson.last_names_male),
    tuple(UkPerson.middle_names_male),
)
UK_FEMALE = _pool(
    "uk",
    tuple(UkPerson.first_names_female),
    tuple(UkPerson.last_names_male),
    tuple(UkPerson.middle_names_female),
)
RU_MALE = _pool(
    "ru",
    tuple(RuPerson.first_names_male),
    tuple(RuPerson.last_names_male),
    tuple(RuPerson.middle_names_male),
)
RU_FEMALE = _pool(
    "ru",
    tuple(RuPerson.first_names_female),
    tuple(RuPerson.last_names_female),
    tuple(RuPerson.middle_names_female),
)

# Faker's town lists, for variety beyond the curated places below.
UK_TOWNS: tuple[str, ...] = tuple(UkAddress.city_names)
RU_TOWNS: tuple[str, ...] = tuple(n for n in RuAddress.city_names if "(" not in n)

# Places written the way each language writes them (Latin comes from transliteration).
UK_CITIES: tuple[Localized, ...] = tuple(
    Localized(uk, ru, "")
    for uk, ru in (
        ("Київ", "Киев"),
        ("Харків", "Харьков"),
        ("Одеса", "Одесса"),
        ("Дніпро", "Днепр"),
        ("Львів", "Львов"),
        ("Запоріжжя", "Запорожье"),
        ("Миколаїв", "Николаев"),
        ("Маріуполь", "Мариуполь"),
        ("Херсон", "Херсон"),
        ("Полтава", "Полтава"),
        ("Чернігів", "Чернигов"),
        ("Черкаси", "Черкассы"),
        ("Суми", "Сумы"),
        ("Житомир", "Житомир"),
        ("Вінниця", "Винница"),
        ("Рівне", "Ровно"),
        ("Тернопіль", "Тернополь"),
        ("Луцьк", "Луцк"),
        ("Ужгород", "Ужгород"),
        ("Івано-Франківськ", "Ивано-Франковск"),
        ("Хмельницький", "Хмельницкий"),
        ("Чернівці", "Черновцы"),
        ("Кривий Ріг", "Кривой Рог"),
        ("Краматорськ", "Краматорск"),
        ("Словʼянськ", "Славянск"),
        ("Мелітополь", "Мелитополь"),
        ("Бердянськ", "Бердянск"),
        ("Кременчук", "Кременчуг"),
        ("Біла Церква", "Белая Церковь"),
        ("Кропивницький", "Кропивницкий"),
        ("Павлоград", "Павлоград"),
        ("Нікополь", "Никополь"),
        ("Конотоп", "Конотоп"),
        ("Умань", "Умань"),
        ("Бровари", "Бровары"),
    )
)
RU_CITIES: tuple[Localized, ...] = tuple(
    Localized(uk, ru, "")
    for uk, ru in (
        ("Москва", "Москва"),
        ("Санкт-Петербург", "Санкт-Петербург"),
        ("Ростов-на-Дону", "Ростов-на-Дону"),
        ("Воронеж", "Воронеж"),
        ("Курськ", "Курск"),
        ("Бєлгород", "Белгород"),
        ("Брянськ", "Брянск"),
        ("Краснодар", "Краснодар"),
        ("Новосибірськ", "Новосибирск"),
        ("Єкатеринбург", "Екатеринбург"),
        ("Самара", "Самара"),
        ("Казань", "Казань"),
        ("Уфа", "Уфа"),
        ("Челябінськ", "Челябинск"),
        ("Омськ", "Омск"),
        ("Волгоград", "Волгоград"),
        ("Саратов", "Саратов"),
        ("Перм", "Пермь"),
        ("Тюмень", "Тюмень"),
        ("Іркутськ", "Иркутск"),
        ("Улан-Уде", "Улан-Удэ"),
        ("Кизил", "Кызыл"),
        ("Махачкала", "Махачкала"),
        ("Грозний", "Грозный"),
        ("Псков", "Псков"),
        ("Смоленськ", "Смоленск"),
        ("Тамбов", "Тамбов"),
        ("Ставрополь", "Ставрополь"),
        ("Оренбург", "Оренбург"),
        ("Красноярськ", "Красноярск"),
    )
)

# Where people were captured or went missing, by the side they belong to.
FRONT_UA: tuple[Localized, ...] = tuple(
    Localized(uk, ru, "")
    for uk, ru in (
        ("Маріуполь", "Мариуполь"),
        ("Бахмут", "Бахмут"),
        ("Авдіївка", "Авдеевка"),
        ("Соледар", "Соледар"),
        ("Вугледар", "Угледар"),
        ("Марʼїнка", "Марьинка"),
        ("Попасна", "Попасная"),
        ("Сєвєродонецьк", "Северодонецк"),
        ("Лисичанськ", "Лисичанск"),
        ("Торецьк", "Торецк"),
        ("Часів Яр", "Часов Яр"),
        ("Покровськ", "Покровск"),
        ("Курахове", "Курахово"),
        ("Вовчанськ", "Волчанск"),
        ("Кремінна", "Кременная"),
        ("Купʼянськ", "Купянск"),
        ("Гостомель", "Гостомель"),
        ("Ізюм", "Изюм"),
    )
)
FRONT_RU: tuple[Localized, ...] = tuple(
    Localized(uk, ru, "")
    for uk, ru in (
        ("Суджа", "Суджа"),
        ("Кринки", "Крынки"),
        ("Роботине", "Работино"),
        ("Вовчанськ", "Волчанск"),
        ("Бахмут", "Бахмут"),
        ("Авдіївка", "Авдеевка"),
        ("Балаклія", "Балаклея"),
        ("Херсон", "Херсон"),
        ("Купʼянськ", "Купянск"),
        ("Ізюм", "Изюм"),
        ("Глушково", "Глушково"),
        ("Кремінна", "Кременная"),
    )
)

# Places of detention, by the side that holds the person.
DETENTION_BY_RU: tuple[Localized, ...] = tuple(
    Localized(f"СІЗО-{n}, м. {uk}", f"СИЗО-{n}, г. {ru}", f"Pre-trial detention centre {n}, {en}")
    for n, uk, ru, en in (
        (1, "Таганрог", "Таганрог", "Taganrog"),
        (2, "Таганрог", "Таганрог", "Taganrog"),
        (1, "Курськ", "Курск", "Kursk"),
        (2, "Брянськ", "Брянск", "Bryansk"),
        (3, "Бєлгород", "Белгород", "Belgorod"),
        (1, "Ростов-на-Дону", "Ростов-на-Дону", "Rostov-on-Don"),
        (3, "Новозибков", "Новозыбков", "Novozybkov"),
        (2, "Воронеж", "Воронеж", "Voronezh"),
        (1, "Рязань", "Рязань", "Ryazan"),
    )
) + tuple(
    Localized(f"ВК-{n}, {uk}", f"ИК-{n}, {ru}", f"Penal colony {n}, {en}")
    for n, uk, ru, en in (
        (10, "Мордовія", "Мордовия", "Mordovia"),
        (7, "Карелія", "Карелия", "Karelia"),
        (3, "Тверська область", "Тверская область", "Tver Oblast"),
        (6, "Пензенська область", "Пензенская область", "Penza Oblast"),
    )
)
DETENTION_BY_UA: tuple[Localized, ...] = tuple(
    Localized(
        f"Табір для військовополонених № {n}, {uk} обл.",
        f"Лагерь для военнопленных № {n}, {ru} обл.",
        f"POW camp No. {n}, {en} Oblast",
    )
    for n, uk, ru, en in (
        (1, "Львівська", "Львовская", "Lviv"),
        (2, "Львівська", "Львовская", "Lviv"),
        (3, "Київська", "Киевская", "Kyiv"),
        (4, "Волинська", "Волынская", "Volyn"),
        (5, "Вінницька", "Винницкая", "Vinnytsia"),
        (6, "Черкаська", "Черкасская", "Cherkasy"),
    )
)


class RankTable(NamedTuple):
    ranks: tuple[Localized, ...]
    cum_weights: tuple[float, ...]


UA_RANKS = RankTable(
    (
        Localized("солдат", "солдат", "Private"),
        Localized("старший солдат", "старший солдат", "Senior Private"),
        Localized("молодший сержант", "младший сержант", "Junior Sergeant"),
        Localized("сержант", "сержант", "Sergeant"),
        Localized("старший сержант", "старший сержант", "Senior Sergeant"),
        Localized("головний сержант", "главный сержант", "Chief Sergeant"),
        Localized("штаб-сержант", "штаб-сержант", "Staff Sergeant"),
        Localized("молодший лейтенант", "младший лейтенант", "Junior Lieutenant"),
        Localized("лейтенант", "лейтенант", "Lieutenant"),
        Localized("старший лейтенант", "старший лейтенант", "Senior Lieutenant"),
        Localized("капітан", "капитан", "Captain"),
        Localized("майор", "майор", "Major"),
    ),
    tuple(accumulate((40, 18, 10, 8, 6, 3, 2, 2, 4, 3, 2, 1))),
)
RU_RANKS = RankTable(
    (
        Localized("рядовий", "рядовой", "Private"),
        Localized("єфрейтор", "ефрейтор", "Lance Corporal"),
        Localized("молодший сержант", "младший сержант", "Junior Sergeant"),
        Localized("сержант", "сержант", "Sergeant"),
        Localized("старший сержант", "старший сержант", "Senior Sergeant"),
        Localized("старшина", "старшина", "Sergeant Major"),
        Localized("прапорщик", "прапорщик", "Warrant Officer"),
        Localized("лейтенант", "лейтенант", "Lieutenant"),
        Localized("старший лейтенант", "старший лейтенант", "Senior Lieutenant"),
        Localized("капітан", "капитан", "Captain"),
        Localized("майор", "майор", "Major"),
    ),
    tuple(accumulate((45, 15, 10, 8, 6, 3, 3, 4, 3, 2, 1))),
)


class UnitKind(NamedTuple):
    """A kind of formation; templates take the unit's number as {n} and English {nth}."""

    full: Localized
    abbreviation: Localized
    numbers: range


UA_UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind(
        Localized(
            "{n}-та окрема механізована бригада",
            "{n}-я отдельная механизированная бригада",
            "{nth} Separate Mechanized Brigade",
        ),
        Localized("{n} ОМБр", "{n} ОМБр", "{n} SMB"),
        range(14, 160),
    ),
    UnitKind(
        Localized(
            "{n}-та окрема бригада морської піхоти",
            "{n}-я отдельная бригада морской пехоты",
            "{nth} Separate Marine Brigade",
        ),
        Localized("{n} ОБрМП", "{n} ОБрМП", "{n} SMBr"),
        range(35, 40),
    ),
    UnitKind(
        Localized(
            "{n}-та окрема штурмова бригада",
            "{n}-я отдельная штурмовая бригада",
            "{nth} Separate Assault Brigade",
        ),
        Localized("{n} ОШБр", "{n} ОШБр", "{n} SAB"),
        range(3, 6),
    ),
    UnitKind(
        Localized(
            "{n}-та окрема десантно-штурмова бригада",
            "{n}-я отдельная десантно-штурмовая бригада",
            "{nth} Separate Air Assault Brigade",
        ),
        Localized("{n} ОДШБр", "{n} ОДШБр", "{n} SAAB"),
        range(25, 96),
    ),
    UnitKind(
        Localized(
            "{n}-та окрема бригада територіальної оборони",
            "{n}-я отдельная бригада территориальной обороны",
            "{nth} Separate Territorial Defense Brigade",
        ),
        Localized("{n} ОБрТрО", "{n} ОБрТрО", "{n} TDB"),
        range(100, 130),
    ),
)
RU_UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind(
        Localized(
            "{n}-та окрема мотострілецька бригада",
            "{n}-я отдельная мотострелковая бригада",
            "{nth} Separate Motor Rifle Brigade",
        ),
        Localized("{n} омсбр", "{n} омсбр", "{n} SMRB"),
        range(1, 200),
    ),
    UnitKind(
        Localized(
            "{n}-й мотострілецький полк", "{n}-й мотострелковый полк", "{nth} Motor Rifle Regiment"
        ),
        Localized("{n} мсп", "{n} мсп", "{n} MRR"),
        range(1, 1500),
    ),
    UnitKind(
        Localized(
            "{n}-та окрема бригада морської піхоти",
            "{n}-я отдельная бригада морской пехоты",
            "{nth} Separate Naval Infantry Brigade",
        ),
        Localized("{n} обрмп", "{n} обрмп", "{n} NIB"),
        range(55, 62),
    ),
    UnitKind(
        Localized(
            "{n}-та десантно-штурмова дивізія",
            "{n}-я десантно-штурмовая дивизия",
            "{nth} Air Assault Division",
        ),
        Localized("{n} дшд", "{n} дшд", "{n} AAD"),
        range(7, 77),
    ),
    UnitKind(
        Localized(
            "{n}-й окремий штурмовий батальйон",
            "{n}-й отдельный штурмовой батальон",
            "{nth} Separate Assault Battalion",
        ),
        Localized("{n} ошб", "{n} ошб", "{n} SAB"),
        range(1, 40),
    ),
)

RELATIONS: tuple[Localized, ...] = (
    Localized("мати", "мать", "mother"),
    Localized("дружина", "жена", "wife"),
    Localized("батько", "отец", "father"),
    Localized("сестра", "сестра", "sister"),
    Localized("брат", "брат", "brother"),
    Localized("донька", "дочь", "daughter"),
    Localized("син", "сын", "son"),
)
RELATION_CUM_WEIGHTS: tuple[float, ...] = tuple(accumulate((35, 30, 10, 10, 7, 5, 3)))

COUNTRIES = {
    "UA": Localized("Україна", "Украина", "Ukraine"),
    "RU": Localized("Російська Федерація", "Российская Федерация", "Russian Federation"),
}
