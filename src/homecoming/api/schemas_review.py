"""Request and response models of /review and /judgements."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

MAX_ID = 2_147_483_647  # row ids fit a 32-bit integer on both databases (http.deps.MAX_ID)


class ReviewDecision(StrEnum):
    same = "same"
    not_same = "not_same"
    unsure = "unsure"


class RunOut(BaseModel):
    """The linkage run a queue comes from."""

    id: int = Field(description="The run's id", examples=[3])
    finished_at: str = Field(description="When it finished (ISO 8601, UTC)")
    actor: str = Field(description="Who ran it", examples=["registrar"])
    engine: str = Field(description="duckdb or spark", examples=["duckdb"])
    threshold: float = Field(description="Match probability at which records link", examples=[0.9])
    review_floor: float = Field(
        description="Lowest probability kept for review (the band is [floor, threshold))",
        examples=[0.2],
    )
    records: int = Field(description="Records clustered", examples=[120000])
    persons: int = Field(description="Persons they made", examples=[41000])
    links: int = Field(description="Pairs at or above the threshold", examples=[150000])
    review_pairs: int = Field(description="Uncertain pairs the run stored", examples=[830])


class RecordSideOut(BaseModel):
    """One record of a pair."""

    id: int = Field(description="Record id", examples=[17])
    person_id: int | None = Field(description="The person it belongs to now", examples=[9])
    source: str = Field(description="Its source's name", examples=["UA list 2025-05-20"])
    name: str = Field(description="The name as recorded", examples=["Нехір Олександр Іванович"])
    date_of_birth: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD", examples=["1987-05-23"])
    sex: str = Field(description="male, female or empty", examples=["male"])
    place_of_birth: str = Field(examples=["Рівне"])
    service_number: str = Field(examples=["ВТ-444079"])
    unit: str = Field(examples=["в/ч А1234"])


class QueueItemOut(BaseModel):
    """A pair waiting for a decision."""

    pair_id: int = Field(description="Use it with /review/{pair_id}", examples=[42])
    probability: float = Field(ge=0, le=1, description="Match probability", examples=[0.55])
    match_weight: float = Field(description="log2 of the match odds", examples=[0.3])
    records_affected: int = Field(
        description="Records whose person a decision would change", examples=[5]
    )
    priority: float = Field(
        description="(1 − 2·|probability − 0.5|) × records affected", examples=[4.5]
    )
    left: RecordSideOut
    right: RecordSideOut


class QueuePageOut(BaseModel):
    """A page of the review queue, most consequential pair first."""

    run: RunOut | None = Field(description="The latest linkage run; null before the first")
    total: int = Field(description="Open pairs in the queue", examples=[830])
    items: list[QueueItemOut]


class ComparisonWeightOut(BaseModel):
    """What one comparison said about a pair."""

    comparison: str = Field(examples=["name"])
    level: str = Field(examples=["family agrees, given name a variant"])
    gamma: int = Field(description="Splink's comparison vector value (-1: missing)", examples=[4])
    match_weight: float = Field(description="log2 Bayes factor of that level", examples=[6.2])


class WaterfallBar(BaseModel):
    """One bar of Splink's waterfall chart (Splink's own fields, plus running totals)."""

    model_config = {"extra": "allow"}

    column_name: str = Field(examples=["Prior", "name", "Final score"])
    label_for_charts: str = Field(examples=["Starting match weight (prior)"])
    log2_bayes_factor: float | None = Field(description="The bar's match weight", examples=[5.1])
    bayes_factor: float | None = Field(examples=[34.3])
    comparison_vector_value: int | None = Field(default=None, examples=[2])
    m_probability: float | None = Field(default=None)
    u_probability: float | None = Field(default=None)
    value_l: str = Field(default="", description="The left record's value")
    value_r: str = Field(default="", description="The right record's value")
    cumulative_match_weight: float = Field(description="Running total of match weight")
    cumulative_probability: float = Field(
        ge=0, le=1, description="Match probability after this bar", examples=[0.62]
    )


class WaterfallOut(BaseModel):
    """Splink's waterfall for the pair, rescored with its run's saved model."""

    probability: float = Field(ge=0, le=1, examples=[0.55])
    match_weight: float = Field(examples=[0.3])
    bars: list[WaterfallBar]
    vega_lite: dict[str, Any] = Field(
        description="Splink's Vega-Lite spec with its data: render it with vega-embed"
    )


class JudgementOut(BaseModel):
    """A human decision about two records (undo is another row)."""

    id: int = Field(examples=[7])
    record_a: int = Field(examples=[17])
    record_b: int = Field(examples=[912])
    decision: str = Field(description="same, not_same, unsure or undo", examples=["same"])
    reason: str = Field(examples=["same service number and unit"])
    undoes: int | None = Field(description="The judgement an undo takes back", examples=[None])
    decided_by: str = Field(examples=["registrar"])
    decided_at: str = Field(description="ISO 8601, UTC")


class PairDetailOut(BaseModel):
    """A pair with its explanation and waterfall."""

    item: QueueItemOut
    status: str = Field(
        description="open; decided (a standing judgement covers it); superseded (an earlier "
        "run's pair)",
        examples=["open"],
    )
    run_id: int = Field(examples=[3])
    explanation: list[ComparisonWeightOut]
    judgement: JudgementOut | None = Field(description="The latest judgement on the two records")
    waterfall: WaterfallOut


class DecisionIn(BaseModel):
    """A reviewer's decision on a pair."""

    decision: ReviewDecision = Field(description="same, not_same or unsure", examples=["same"])
    reason: str = Field(
        min_length=1, max_length=2000, examples=["same service number and unit, same mother"]
    )


class JudgementIn(BaseModel):
    """A decision about any two records."""

    record_a: int = Field(ge=1, le=MAX_ID, description="One record's id", examples=[17])
    record_b: int = Field(ge=1, le=MAX_ID, description="The other record's id", examples=[912])
    decision: ReviewDecision = Field(description="same, not_same or unsure", examples=["not_same"])
    reason: str = Field(min_length=1, max_length=2000, examples=["different mothers' names"])


class UndoIn(BaseModel):
    """Why a judgement is taken back."""

    reason: str = Field(min_length=1, max_length=2000, examples=["the unit was misread"])


class JudgementPage(BaseModel):
    """Judgements, newest first."""

    total: int = Field(examples=[12])
    items: list[JudgementOut]
