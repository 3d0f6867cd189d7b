"""Sharing scope with consent and Art. 137; the family-facing status never moves backwards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecoming.tracing.evidence import STATUS_RANK, is_news, next_status
from homecoming.tracing.inquiry import (
    FamilyStatus,
    Recipient,
    Sharing,
    SharingScope,
    case_reference,
    may_share,
    parse_reference,
)


def test_no_consent_keeps_the_report_with_the_bureau() -> None:
    sharing = Sharing(consent=False, scope=SharingScope.OTHER_PARTY)
    assert may_share(sharing, Recipient.BUREAU)
    assert not may_share(sharing, Recipient.ICRC)
    assert not may_share(sharing, Recipient.OTHER_PARTY)


def test_scope_is_followed_step_by_step() -> None:
    icrc = Sharing(consent=True, scope=SharingScope.ICRC)
    assert may_share(icrc, Recipient.ICRC) and not may_share(icrc, Recipient.OTHER_PARTY)
    wide = Sharing(consent=True, scope=SharingScope.OTHER_PARTY)
    assert may_share(wide, Recipient.OTHER_PARTY)


def test_art_137_withholds_from_the_other_party_never_from_the_icrc() -> None:
    sharing = Sharing(consent=True, scope=SharingScope.OTHER_PARTY, harm_risk=True)
    assert may_share(sharing, Recipient.ICRC)
    assert not may_share(sharing, Recipient.OTHER_PARTY)


@given(
    consent=st.booleans(),
    scope=st.sampled_from(SharingScope),
    harm=st.booleans(),
    recipient=st.sampled_from(Recipient),
)
def test_nothing_goes_where_the_family_did_not_allow(
    consent: bool, scope: SharingScope, harm: bool, recipient: Recipient
) -> None:
    allowed = may_share(Sharing(consent, scope, harm), recipient)
    if recipient is Recipient.OTHER_PARTY:
        assert allowed == (consent and scope is SharingScope.OTHER_PARTY and not harm)
    if recipient is Recipient.ICRC:
        assert allowed == (consent and scope is not SharingScope.BUREAU)
    if recipient is Recipient.BUREAU:
        assert allowed


@given(st.lists(st.sampled_from(FamilyStatus), max_size=8), st.sampled_from(FamilyStatus))
def test_status_never_moves_backwards(readings: list[FamilyStatus], start: FamilyStatus) -> None:
    after = next_status(start, readings)
    assert STATUS_RANK[after] >= STATUS_RANK[start]
    if start is FamilyStatus.WITHDRAWN:
        assert after is start


def test_status_steps() -> None:
    registered, held = FamilyStatus.REGISTERED, FamilyStatus.CONFIRMED_CAPTIVITY
    released, reported = FamilyStatus.RELEASED, FamilyStatus.REPORTED_DECEASED
    assert next_status(registered, [held]) is held
    assert next_status(registered, [held, released]) is released
    assert next_status(registered, [FamilyStatus.SEEN_ALIVE, held]) is held
    # A late identification does not override a verified release (Person Finder's lesson).
    assert next_status(released, [FamilyStatus.DECEASED]) is released
    # People reported dead have come home: a return moves past a reported death.
    assert next_status(reported, [released]) is released
    assert is_news(held, released) and is_news(held, reported)
    assert not is_news(held, FamilyStatus.SEEN_ALIVE)


def test_case_references() -> None:
    assert case_reference(2026, 123) == "HC-2026-000123"
    assert parse_reference("hc-2026-000123") == 123
    assert parse_reference("42") == 42
    assert parse_reference("HC-26-1") is None
