"""Reconciliation figures: agreed vs listed vs delivered, declared counts, the running total."""

from __future__ import annotations

from homecoming.exchange.reconciliation import Mismatch, StageFacts, reconcile, running_total

from .test_parity import MAY


def test_the_first_day_of_may_2025() -> None:
    delivered = {
        ("UA", "soldiers"): 270,
        ("RU", "soldiers"): 270,
        ("UA", "civilians"): 120,
        ("RU", "civilians"): 120,
    }
    facts = StageFacts(
        number=1,
        listed=delivered,
        delivered=delivered,
        declared={("RU", "UA", "soldiers"): 273},
    )
    result = reconcile(MAY, [facts])
    assert result.running["UA"] == "390 of 1000: 270 of 880 soldiers, 120 of 120 civilians"
    line = next(x for x in result.lines if x.stage == 1 and x.category == "soldiers")
    ua, ru = line.sides
    assert (ua.agreed, ua.listed, ua.delivered) == (270, 270, 270)
    assert [(d.by, d.count, d.differs_by) for d in ua.declared] == [("RU", 273, 3)]
    assert ru.declared == ()
    assert line.balanced


def test_a_shortfall_shows_by_name_and_in_the_totals() -> None:
    listed = {("UA", "soldiers"): 2, ("RU", "soldiers"): 2, ("UA", "sick"): 1}
    delivered = {("UA", "soldiers"): 1, ("RU", "soldiers"): 2, ("UA", "sick"): 1}
    miss = Mismatch(2, "UA", "soldiers", 42, "Petrov Aleksei", "declined", "ICRC interview")
    result = reconcile(MAY, [StageFacts(2, listed, delivered, mismatches=[miss])])
    total = next(x for x in result.lines if x.stage is None and x.category == "soldiers")
    assert [s.delivered for s in total.sides] == [1, 2] and not total.balanced
    assert result.mismatches == (miss,)
    assert running_total(MAY, delivered, "UA") == (
        "1 of 1000: 1 of 880 soldiers, 0 of 120 civilians, "
        "1 seriously wounded (not counted against the total)"
    )
