"""PFIF feeds written after Google Person Finder's own test feeds (its tests/*.pfif-*.xml).

Not copies: the same shapes (which fields each record has and lacks, the older field names,
nested and top-level notes, a note-only feed, a note without entry_date, the 1.4 feed's
`first_name` in a 1.4 namespace and multi-line full_name), with generated people instead
of Person Finder's placeholders. Person Finder is Apache-2.0 (github.com/google/personfinder).
"""

from __future__ import annotations

DOMAIN = "finder.example.org"
PERSON = f"{DOMAIN}/person.4108"

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/{v}">\n'
)

PFIF_11 = (
    _HEAD.format(v="1.1")
    + f"""  <pfif:person>
    <pfif:author_email>author@example.org</pfif:author_email>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:author_phone>+380 00 000 0000</pfif:author_phone>
    <pfif:first_name>Марина</pfif:first_name>
    <!-- surrounding whitespace is trimmed -->
    <pfif:home_city>  Прилуки

    </pfif:home_city>
    <pfif:home_street>вул. Вишнева, 3</pfif:home_street>
    <pfif:home_zip>17500</pfif:home_zip>
    <pfif:last_name>Ткачук</pfif:last_name>
    <pfif:other>description:
    родимка над бровою
</pfif:other>
    <pfif:person_record_id>{PERSON}</pfif:person_record_id>
    <pfif:photo_url>https://{DOMAIN}/photo/4108.jpg</pfif:photo_url>
    <pfif:source_name>Finder</pfif:source_name>
    <pfif:source_url>https://{DOMAIN}/view/4108</pfif:source_url>
    <pfif:source_date>2024-03-01T00:00:00Z</pfif:source_date>
    <pfif:entry_date>2024-03-16T02:07:57Z</pfif:entry_date>
    <pfif:note>
      <pfif:author_email>author@example.org</pfif:author_email>
      <pfif:author_name>Ганна Зозуля</pfif:author_name>
      <pfif:email_of_found_person>found@example.org</pfif:email_of_found_person>
      <pfif:last_known_location>Прилуки, автовокзал</pfif:last_known_location>
      <pfif:note_record_id>{DOMAIN}/note.7001</pfif:note_record_id>
      <pfif:text>Бачили на автовокзалі.</pfif:text>
      <pfif:source_date>2024-03-16T01:02:03Z</pfif:source_date>
      <pfif:entry_date>2024-03-16T17:32:05Z</pfif:entry_date>
      <pfif:found>true</pfif:found>
    </pfif:note>
    <pfif:note>
      <pfif:author_name>Волонтер</pfif:author_name>
      <pfif:email_of_found_person></pfif:email_of_found_person>
      <pfif:last_known_location>50.59 32.38</pfif:last_known_location>
      <pfif:note_record_id>{DOMAIN}/note.7002</pfif:note_record_id>
      <pfif:text>Шукаємо далі.</pfif:text>
      <pfif:source_date>2024-03-17T11:12:13Z</pfif:source_date>
      <pfif:entry_date>2024-03-17T11:13:17Z</pfif:entry_date>
    </pfif:note>
  </pfif:person>
</pfif:pfif>
"""
)

_NOTES_12 = f"""    <pfif:note>
      <pfif:note_record_id>{DOMAIN}/note.7001</pfif:note_record_id>
      <pfif:person_record_id>{PERSON}</pfif:person_record_id>
      <pfif:linked_person_record_id>{DOMAIN}/person.999</pfif:linked_person_record_id>
      <pfif:author_name>Ганна Зозуля</pfif:author_name>
      <pfif:last_known_location>Прилуки, автовокзал</pfif:last_known_location>
      <pfif:text>Можливо, це та сама людина, що й person.999.</pfif:text>
      <pfif:source_date>2024-03-16T04:05:06Z</pfif:source_date>
      <pfif:entry_date>2024-03-16T17:32:05Z</pfif:entry_date>
      <pfif:found>false</pfif:found>
      <pfif:status>believed_missing</pfif:status>
    </pfif:note>
    <pfif:note>
      <pfif:author_name>Волонтер</pfif:author_name>
      <pfif:note_record_id>{DOMAIN}/note.7002</pfif:note_record_id>
      <pfif:text>Шукаємо далі.</pfif:text>
      <pfif:source_date>2024-03-17T14:15:16Z</pfif:source_date>
      <pfif:entry_date>2024-03-17T20:13:17Z</pfif:entry_date>
      <pfif:found>true</pfif:found>
    </pfif:note>
    <pfif:note>
      <pfif:author_email>relative@example.org</pfif:author_email>
      <pfif:note_record_id>{DOMAIN}/note.7003</pfif:note_record_id>
      <pfif:text>Лише статус.</pfif:text>
      <pfif:source_date>2024-03-18T20:21:22Z</pfif:source_date>
      <pfif:entry_date>2024-03-18T23:13:17Z</pfif:entry_date>
      <pfif:status>is_note_author</pfif:status>
    </pfif:note>
    <pfif:note>
      <pfif:note_record_id>{DOMAIN}/note.7004</pfif:note_record_id>
      <pfif:author_email>relative@example.org</pfif:author_email>
      <pfif:text>Запис заднім числом.</pfif:text>
      <pfif:source_date>2024-03-18T20:00:00Z</pfif:source_date>
      <pfif:entry_date>2024-03-18T23:13:20Z</pfif:entry_date>
      <pfif:found>false</pfif:found>
      <pfif:status>believed_missing</pfif:status>
    </pfif:note>
"""


def _person_12(person_id: str, notes: str) -> str:
    return f"""  <pfif:person>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:first_name>Марина</pfif:first_name>
    <pfif:last_name>Ткачук</pfif:last_name>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>1981-04</pfif:date_of_birth>
    <pfif:age>40-45</pfif:age>
    <pfif:home_city>Прилуки</pfif:home_city>
    <pfif:home_postal_code>17500</pfif:home_postal_code>
    <pfif:home_country>UA</pfif:home_country>
    <pfif:other>description:
    родимка над бровою
</pfif:other>
    <pfif:person_record_id>{person_id}</pfif:person_record_id>
    <pfif:source_name>Finder</pfif:source_name>
    <pfif:source_date>2024-03-01T00:00:00Z</pfif:source_date>
    <pfif:entry_date>2024-03-16T02:07:57Z</pfif:entry_date>
{notes}  </pfif:person>
"""


PFIF_12 = _HEAD.format(v="1.2") + _person_12(PERSON, _NOTES_12) + "</pfif:pfif>\n"

# Person Finder refuses the second person (a domain it is not authorised for); we hold any.
PFIF_12_BADRECORD = (
    _HEAD.format(v="1.2")
    + _person_12(PERSON, _NOTES_12)
    + "\n"
    + _person_12("other.example.net/person.666", "")
    + "\n</pfif:pfif>\n"
)

PFIF_12_NOTE = (
    _HEAD.format(v="1.2")
    + f"""  <pfif:note>
    <pfif:note_record_id>{DOMAIN}/note.7001</pfif:note_record_id>
    <pfif:person_record_id>{PERSON}</pfif:person_record_id>
    <pfif:linked_person_record_id>{DOMAIN}/person.999</pfif:linked_person_record_id>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:text>Знайшлася, жива.</pfif:text>
    <pfif:source_date>2025-01-16T16:17:18Z</pfif:source_date>
    <pfif:entry_date>2025-01-16T17:32:05Z</pfif:entry_date>
    <pfif:found>true</pfif:found>
    <pfif:status>believed_alive</pfif:status>
  </pfif:note>
  <pfif:note>
    <pfif:person_record_id>{DOMAIN}/person.4109</pfif:person_record_id>
    <pfif:author_name>Волонтер</pfif:author_name>
    <pfif:note_record_id>{DOMAIN}/note.7002</pfif:note_record_id>
    <pfif:text>Про іншу людину, якої тут немає.</pfif:text>
    <pfif:source_date>2025-01-17T11:13:17Z</pfif:source_date>
    <pfif:entry_date>2025-01-17T11:13:17Z</pfif:entry_date>
    <pfif:found>false</pfif:found>
  </pfif:note>
</pfif:pfif>
"""
)

PFIF_12_BELIEVED_DEAD = (
    _HEAD.format(v="1.2")
    + f"""  <pfif:note>
    <pfif:note_record_id>{DOMAIN}/note.218</pfif:note_record_id>
    <pfif:person_record_id>{PERSON}</pfif:person_record_id>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:text>Повідомили про загибель.</pfif:text>
    <pfif:source_date>2025-09-20T17:08:09Z</pfif:source_date>
    <pfif:entry_date>2025-09-20T17:32:05Z</pfif:entry_date>
    <pfif:found>false</pfif:found>
    <pfif:status>believed_dead</pfif:status>
  </pfif:note>
</pfif:pfif>
"""
)

PFIF_12_NOTIFICATION = (
    _HEAD.format(v="1.2")
    + f"""  <pfif:note>
    <pfif:note_record_id>{DOMAIN}/note.7001</pfif:note_record_id>
    <pfif:person_record_id>{PERSON}</pfif:person_record_id>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:text>Без дати внесення.</pfif:text>
    <pfif:source_date>2024-01-16T04:05:06Z</pfif:source_date>
    <pfif:status>believed_missing</pfif:status>
  </pfif:note>
  </pfif:pfif>
"""
)


def _source_12(person_id: str) -> str:
    return (
        _HEAD.format(v="1.2")
        + f"""  <pfif:person>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:first_name>Марина</pfif:first_name>
    <pfif:last_name>Ткачук</pfif:last_name>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>1981-04</pfif:date_of_birth>
    <pfif:age>40-45</pfif:age>
    <pfif:person_record_id>{person_id}</pfif:person_record_id>
    <pfif:source_name>Finder</pfif:source_name>
    <pfif:source_date>2024-03-01T00:00:00Z</pfif:source_date>
    <pfif:entry_date>2024-03-16T02:07:57Z</pfif:entry_date>
  </pfif:person>
</pfif:pfif>
"""
    )


PFIF_12_SOURCE = _source_12("mirror.example.org/person.4108")
GLOBAL_PFIF_12_SOURCE = _source_12("global.example.org/person.4108")

PFIF_14 = (
    _HEAD.format(v="1.4")
    + f"""  <pfif:person>
    <pfif:author_name>Ганна Зозуля</pfif:author_name>
    <pfif:full_name>Марина Ткачук
Maryna Tkachuk</pfif:full_name>
    <pfif:first_name>Марина</pfif:first_name>
    <pfif:last_name>Ткачук</pfif:last_name>
    <pfif:alternate_names>Марина Ткачук-Зозуля
Maryna Tkachuk-Zozulia</pfif:alternate_names>
    <pfif:description>Родимка над бровою.</pfif:description>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>1981-04</pfif:date_of_birth>
    <pfif:age>40-45</pfif:age>
    <pfif:home_city>  Прилуки

    </pfif:home_city>
    <pfif:home_postal_code>17500</pfif:home_postal_code>
    <pfif:home_country>UA</pfif:home_country>
    <pfif:person_record_id>{PERSON}</pfif:person_record_id>
    <pfif:photo_url>https://{DOMAIN}/photo/4108.jpg</pfif:photo_url>
    <pfif:profile_urls>https://social.example.org/maryna
https://social.example.net/mt</pfif:profile_urls>
    <pfif:source_name>Finder</pfif:source_name>
    <pfif:source_url>https://{DOMAIN}/view/4108</pfif:source_url>
    <pfif:source_date>2024-03-01T00:00:00Z</pfif:source_date>
    <pfif:entry_date>2024-03-16T02:07:57Z</pfif:entry_date>
"""
    + _NOTES_12.replace("<pfif:found>", "<pfif:author_made_contact>")
    .replace("</pfif:found>", "</pfif:author_made_contact>")
    .replace(
        "      <pfif:source_date>2024-03-16T04:05:06Z",
        f"      <pfif:photo_url>https://{DOMAIN}/photo/7001.jpg</pfif:photo_url>\n"
        "      <pfif:source_date>2024-03-16T04:05:06Z",
    )
    + """  </pfif:person>
</pfif:pfif>
"""
)

# Named as Person Finder names its feeds.
FEEDS: dict[str, str] = {
    "global-test.pfif-1.2-source.xml": GLOBAL_PFIF_12_SOURCE,
    "test.pfif-1.1.xml": PFIF_11,
    "test.pfif-1.2-badrecord.xml": PFIF_12_BADRECORD,
    "test.pfif-1.2-believed-dead.xml": PFIF_12_BELIEVED_DEAD,
    "test.pfif-1.2-note.xml": PFIF_12_NOTE,
    "test.pfif-1.2-notification.xml": PFIF_12_NOTIFICATION,
    "test.pfif-1.2-source.xml": PFIF_12_SOURCE,
    "test.pfif-1.2.xml": PFIF_12,
    "test.pfif-1.4.xml": PFIF_14,
}
