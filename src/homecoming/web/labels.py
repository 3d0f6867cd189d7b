"""Words the pages show for stored values (statuses, kinds of source, roles, match reasons).

Each label is an English msgid marked with `N_` so that Babel's extraction finds it; the
page translates it when it renders. A value with no label shows as stored.
"""

from __future__ import annotations

import re


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here."""
    return message


FATES: dict[str, str] = {
    "missing": N_("missing"),
    "captured": N_("captured"),
    "detained": N_("detained"),
    "listed": N_("listed for exchange"),
    "released": N_("released"),
    "hospitalised": N_("hospitalised"),
    "deceased": N_("deceased"),
    "found_alive": N_("found alive"),
}
NO_STATUS = N_("no status given")

SOURCE_KINDS: dict[str, str] = {
    "party_list": N_("a party's list"),
    "icrc_visit": N_("ICRC visit report"),
    "family_inquiry": N_("family inquiry"),
    "testimony": N_("testimony"),
    "pfif_feed": N_("PFIF feed"),
    "handover": N_("handover record"),
    "video": N_("video or photo"),
    "forensic": N_("forensic identification"),
    "other": N_("other source"),
}

ROLES: dict[str, str] = {
    "administrator": N_("administrator"),
    "registrar": N_("registrar"),
    "negotiator": N_("negotiator"),
    "tracing_officer": N_("tracing officer"),
    "family_liaison": N_("family liaison"),
    "auditor": N_("auditor"),
}

SEXES: dict[str, str] = {"male": N_("male"), "female": N_("female"), "other": N_("other")}

# Why a search hit matched (homecoming.search.index) and how name parts met (names/).
REASONS: dict[str, str] = {
    "same date of birth": N_("same date of birth"),
    "same year of birth": N_("same year of birth"),
    "date of birth compatible (one is partial)": N_("date of birth compatible (one is partial)"),
    "different sex": N_("different sex"),
    "same unit": N_("same unit"),
    "same service number": N_("same service number"),
}
RULES: dict[str, str] = {
    "same form": N_("same form"),
    "transliteration standard": N_("transliteration standard"),
    "ukrainian/russian form": N_("Ukrainian/Russian form"),
    "variant": N_("name variant"),
    "feminine form": N_("feminine form"),
    "initial": N_("initial"),
    "learned rendering": N_("learned rendering"),
    "edit distance": N_("spelling difference"),
    "unmatched": N_("no counterpart"),
}
NAME_ROLES: dict[str, str] = {
    "family": N_("family name"),
    "given": N_("given name"),
    "patronymic": N_("patronymic"),
}

# Fields of a record, for the import's column mapping and the row errors.
FIELDS: dict[str, str] = {
    "family_name": N_("family name"),
    "given_names": N_("given names"),
    "patronymic": N_("patronymic"),
    "full_name": N_("full name"),
    "mother_maiden_name": N_("mother's maiden name"),
    "sex": N_("sex"),
    "date_of_birth": N_("date of birth"),
    "place_of_birth": N_("place of birth"),
    "nationality": N_("nationality"),
    "last_residence": N_("last residence"),
    "rank": N_("rank"),
    "service_number": N_("service number"),
    "unit": N_("unit"),
    "category": N_("category"),
    "event_date": N_("date of capture or disappearance"),
    "event_place": N_("place of capture or disappearance"),
    "place_of_detention": N_("place of detention"),
    "health": N_("health"),
    "seriously_wounded": N_("seriously wounded"),
    "distinguishing_marks": N_("distinguishing marks"),
    "fate": N_("status"),
    "fate_date": N_("status date"),
    "photo_ref": N_("photo"),
    "notes": N_("notes"),
    "contact_name": N_("contact: name"),
    "contact_relation": N_("contact: relation"),
    "contact_phone": N_("contact: phone"),
    "contact_email": N_("contact: email"),
    "contact_address": N_("contact: address"),
    "external_id": N_("the source's own id"),
    "ignore": N_("(leave out)"),
}

CONTRADICTIONS: dict[str, str] = {
    "fate": N_("status"),
    "date_of_birth": N_("date of birth"),
    "sex": N_("sex"),
    "service_number": N_("service number"),
}

_NAME_SCORE = re.compile(r"^name (\d\.\d+)$")
NAME_SCORE = N_("name %(score)s")
# The match model's reasons (match.model.Scored.reasons): "comparison: level (+12.3)".
_MODEL_REASON = re.compile(r"^(?P<comparison>[a-z ]+): (?P<level>.+) \((?P<weight>[+-]\d+\.\d)\)$")
MODEL_REASON = N_("%(comparison)s: %(level)s (%(weight)s)")
COMPARISONS: dict[str, str] = {
    "name": N_("name"),
    "patronymic": N_("patronymic"),
    "date of birth": N_("date of birth"),
    "sex": N_("sex"),
    "service number": N_("service number"),
    "unit": N_("unit"),
    "place of birth": N_("place of birth"),
}
LEVELS: dict[str, str] = {
    "every part the same or a transliteration": N_("every part the same or a transliteration"),
    "a Ukrainian/Russian form or a learned rendering": N_(
        "a Ukrainian/Russian form or a learned rendering"
    ),
    "a variant, diminutive or feminine form": N_("a variant, diminutive or feminine form"),
    "one small slip": N_("one small slip"),
    "two parts, one differs more": N_("two parts, one differs more"),
    "one name part given, and it agrees": N_("one name part given, and it agrees"),
    "one part agrees, the other differs": N_("one part agrees, the other differs"),
    "names differ": N_("names differ"),
    "patronymic agrees": N_("patronymic agrees"),
    "patronymic a slip apart": N_("patronymic a slip apart"),
    "patronymic differs": N_("patronymic differs"),
    "exact": N_("exact"),
    "day and month transposed": N_("day and month transposed"),
    "one digit of the year differs or the year is one off, day and month exact": N_(
        "one digit of the year differs or the year is one off, day and month exact"
    ),
    "same year and month": N_("same year and month"),
    "same year, month unknown": N_("same year, month unknown"),
    "same year, month differs": N_("same year, month differs"),
    "year off by one": N_("year off by one"),
    "different": N_("different"),
    "sex agrees": N_("sex agrees"),
    "sex differs": N_("sex differs"),
    "service number agrees": N_("service number agrees"),
    "service number one edit apart": N_("service number one edit apart"),
    "differs": N_("differs"),
    "unit agrees": N_("unit agrees"),
    "unit differs": N_("unit differs"),
    "place of birth agrees": N_("place of birth agrees"),
    "place of birth differs": N_("place of birth differs"),
}


def reason_parts(reason: str) -> tuple[str, dict[str, str]]:
    """A search reason as a msgid and its values ("name 0.93" → "name %(score)s").

    A match model reason ("date of birth: exact (+13.5)") gives the msgids of its comparison
    and level as values: the page translates them before putting them in.
    """
    match = _NAME_SCORE.match(reason)
    if match:
        return NAME_SCORE, {"score": match.group(1)}
    match = _MODEL_REASON.match(reason)
    if match and match["comparison"] in COMPARISONS and match["level"] in LEVELS:
        return MODEL_REASON, {
            "comparison": COMPARISONS[match["comparison"]],
            "level": LEVELS[match["level"]],
            "weight": match["weight"],
        }
    return REASONS.get(reason, reason), {}


# What families are told (tracing.inquiry.FamilyStatus), and the sharing scopes they choose.
FAMILY_STATUSES: dict[str, str] = {
    "registered": N_("registered"),
    "information_added": N_("information added"),
    "seen_alive": N_("seen alive"),
    "confirmed_captivity": N_("confirmed in captivity"),
    "reported_deceased": N_("reported deceased (told in person)"),
    "released": N_("released"),
    "deceased": N_("deceased (identified)"),
    "withdrawn": N_("withdrawn"),
}
SCOPES: dict[str, str] = {
    "bureau": N_("the bureau only"),
    "icrc": N_("the bureau and the ICRC"),
    "other_party": N_("the bureau, the ICRC and the other party"),
}

# Agreements name their categories themselves; the usual English names are said in the page's
# language, any other name as the agreement wrote it.
AGREEMENT_CATEGORIES: dict[str, str] = {
    "soldiers": N_("soldiers"),
    "civilians": N_("civilians"),
    "seriously wounded": N_("seriously wounded"),
    "seriously_wounded": N_("seriously wounded"),
    "wounded": N_("wounded"),
    "aged 18-25": N_("aged 18-25"),
}

# The notes the domain puts on a contradiction (domain/person.py), for the catalogues.
CONTRADICTION_NOTES: frozenset[str] = frozenset(
    {N_("reported deceased, yet a later source reports the person alive")}
)

# A person's path through negotiations (services/negotiation.py): each kind of step, and the
# values its details name.
HISTORY_KINDS: dict[str, str] = {
    "offered": N_("offered"),
    "requested": N_("requested"),
    "accepted": N_("accepted by the other side"),
    "refused": N_("refused by the other side"),
    "struck_off": N_("struck off by the other side"),
    "under_prosecution": N_("under prosecution, says the other side"),
    "convicted": N_("convicted, says the other side"),
    "referred": N_("referred for a medical examination"),
    "examined": N_("examined"),
    "consent_given": N_("consented to repatriation"),
    "consent_refused": N_("refused repatriation"),
    "placed": N_("placed in a stage"),
    "removed": N_("removed from a stage"),
    "taken_back": N_("brought to the crossing and taken back"),
    "not_delivered": N_("not handed over"),
    "declined": N_("declined to go"),
    "substituted": N_("another person brought instead"),
    "handed_over": N_("handed over"),
    "handed_over_instead": N_("handed over in place of a listed person"),
    "deceased": N_("reported dead at the crossing"),
    "arrived_unlisted": N_("arrived on no list"),
    "returned": N_("handed over, then sent back"),
    "repatriated": N_("repatriated"),
}
HISTORY_VALUES: dict[str, str] = {
    "self": N_("himself"),
    "doctor": N_("a doctor"),
    "protecting_power": N_("the protecting power"),
    "icrc": N_("the ICRC"),
    "mixed_medical_commission": N_("a mixed medical commission"),
    "detaining_power_doctors": N_("the detaining power's doctors"),
    "repatriate": N_("repatriate"),
    "accommodate_neutral": N_("accommodate in a neutral country"),
    "not_eligible": N_("not seriously wounded or sick"),
    "documents": N_("documents"),
    "photo": N_("photo"),
    "questions": N_("questions"),
}
CROSSING_KINDS: dict[str, str] = {
    "list_differs": N_("the list brought differs from the agreed one"),
}
WOUNDED_STATES: dict[str, str] = {
    "referred": N_("referred, not yet examined"),
    "awaiting_consent": N_("to be repatriated, his consent not yet recorded"),
    "consent_refused": N_("to be repatriated, but he refused"),
    "ready": N_("to be repatriated, with his consent"),
    "repatriated": N_("repatriated"),
    "accommodate_neutral": N_("to be accommodated in a neutral country"),
    "not_eligible": N_("not seriously wounded or sick"),
}
CONSENT_ANSWERS: dict[str, str] = {
    "given": N_("he consents to go home"),
    "refused": N_("he refuses to go home"),
}
WOUNDED_OVERDUE: dict[str, str] = {
    "examination": N_("the examination is overdue"),
    "repatriation": N_("the repatriation is overdue"),
}
