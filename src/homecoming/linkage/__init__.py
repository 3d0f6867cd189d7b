"""Batch record linkage and deduplication on Splink (DuckDB embedded, or Spark).

Importing this package is cheap: Splink, DuckDB and the name tables load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homecoming.linkage.clustering import JudgementConflict, cluster
    from homecoming.linkage.engine import DuckDBEngine, LinkageEngine, SparkEngine, create_engine
    from homecoming.linkage.inputs import InputRecord, read_records
    from homecoming.linkage.judgements import PairJudgement, read_judgements
    from homecoming.linkage.model import LinkageModel
    from homecoming.linkage.pipeline import DEFAULT_THRESHOLD, LinkageRun, dedupe, link
    from homecoming.linkage.review import ReviewItem, review_queue

_EXPORTS = {
    "JudgementConflict": "clustering",
    "cluster": "clustering",
    "DuckDBEngine": "engine",
    "LinkageEngine": "engine",
    "SparkEngine": "engine",
    "create_engine": "engine",
    "InputRecord": "inputs",
    "read_records": "inputs",
    "PairJudgement": "judgements",
    "read_judgements": "judgements",
    "LinkageModel": "model",
    "DEFAULT_THRESHOLD": "pipeline",
    "LinkageRun": "pipeline",
    "dedupe": "pipeline",
    "link": "pipeline",
    "ReviewItem": "review",
    "review_queue": "review",
}

__all__ = [
    "DEFAULT_THRESHOLD",
    "DuckDBEngine",
    "InputRecord",
    "JudgementConflict",
    "LinkageEngine",
    "LinkageModel",
    "LinkageRun",
    "PairJudgement",
    "ReviewItem",
    "SparkEngine",
    "cluster",
    "create_engine",
    "dedupe",
    "link",
    "read_judgements",
    "read_records",
    "review_queue",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"homecoming.linkage.{module}"), name)
