"""One small interface over Splink's backends: DuckDB embedded (default) and Spark."""

from __future__ import annotations

import os
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from homecoming.errors import HomecomingError
from homecoming.linkage.comparisons import register_duckdb, register_spark

EngineName = Literal["duckdb", "spark"]


class EngineUnavailable(HomecomingError):
    title = "Engine unavailable"


class LinkageEngine(ABC):
    """Where Splink runs: registers arrow tables and hands results back as arrow tables."""

    name: EngineName

    @property
    @abstractmethod
    def db_api(self) -> Any:
        """Splink's database API for this engine."""

    def register(self, table: Any, name: str) -> Any:
        """Register an arrow table as a SplinkDataFrame."""
        return self.db_api.register(table, table_name=name)

    def to_arrow(self, frame: Any) -> Any:
        """A SplinkDataFrame as an arrow table (collected to this process)."""
        return frame.as_pyarrow_table()

    def close(self) -> None:  # noqa: B027 - engines with nothing to release need not override
        """Release what the engine holds."""

    @contextmanager
    def repeatable(self) -> Iterator[None]:
        """Work whose floating-point sums must come out the same bytes on every run."""
        yield


class DuckDBEngine(LinkageEngine):
    """DuckDB in this process, in memory: nothing to set up."""

    name: EngineName = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb
        from splink import DuckDBAPI

        self._con = duckdb.connect(":memory:")
        if threads:
            self._con.execute(f"set threads = {int(threads)}")
        if memory_limit:
            self._con.execute(f"set memory_limit = '{memory_limit}'")
        self._con.execute("set preserve_insertion_order = false")
        # The names' level functions SQL calls, and the grader behind them.
        self.grader = register_duckdb(self._con)
        self._api = DuckDBAPI(self._con)

    @property
    def connection(self) -> Any:
        """The DuckDB connection Splink runs on."""
        return self._con

    @property
    def db_api(self) -> Any:
        return self._api

    @contextmanager
    def repeatable(self) -> Iterator[None]:
        """One thread: DuckDB's parallel aggregates add in whatever order threads finish, so
        EM's sums (and through them m, the weights and the links) moved from run to run."""
        threads = self._con.execute("select current_setting('threads')").fetchall()[0][0]
        self._con.execute("set threads = 1")
        try:
            yield
        finally:
            self._con.execute(f"set threads = {int(threads)}")

    def close(self) -> None:
        self._con.close()


class SparkEngine(LinkageEngine):
    """Spark; a local session (all cores of this machine) unless one is passed in."""

    name: EngineName = "spark"

    def __init__(
        self,
        *,
        session: Any = None,
        checkpoint_dir: str | None = None,
        shuffle_partitions: int = 8,
    ) -> None:
        try:
            from splink import SparkAPI
        except ImportError as error:
            raise EngineUnavailable(
                "the spark engine needs pyspark: pip install 'homecoming[spark]'"
            ) from error
        self._owned = session is None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.spark = (
            session
            if session is not None
            else local_spark_session(shuffle_partitions=shuffle_partitions)
        )
        if checkpoint_dir is None and not self.spark.sparkContext.getCheckpointDir():
            self._tmp = tempfile.TemporaryDirectory(prefix="homecoming-spark-")
            checkpoint_dir = self._tmp.name
        if checkpoint_dir:
            self.spark.sparkContext.setCheckpointDir(checkpoint_dir)
        register_spark(self.spark)
        self._api = SparkAPI(spark_session=self.spark)  # type: ignore[no-untyped-call]

    @property
    def db_api(self) -> Any:
        return self._api

    @contextmanager
    def repeatable(self) -> Iterator[None]:
        """One shuffle partition, no adaptive plans: Spark adds EM's sums per partition and
        then adds the partial sums up, and with several partitions m moved in its last digits
        from run to run (the same links, another saved model)."""
        settings = {"spark.sql.shuffle.partitions": "1", "spark.sql.adaptive.enabled": "false"}
        held = {key: self.spark.conf.get(key, None) for key in settings}
        for key, value in settings.items():
            self.spark.conf.set(key, value)
        try:
            yield
        finally:
            for key, value in held.items():
                if value is None:
                    self.spark.conf.unset(key)
                else:
                    self.spark.conf.set(key, value)

    def close(self) -> None:
        if self._owned:
            self.spark.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def local_spark_session(
    *, app_name: str = "homecoming-linkage", shuffle_partitions: int = 8
) -> Any:
    """A Spark session in local mode with few shuffle partitions (small machines)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise EngineUnavailable(
            "the spark engine needs pyspark: pip install 'homecoming[spark]'"
        ) from error
    return (
        SparkSession.builder.master("local[*]")
        .appName(app_name)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        # Workers run this interpreter (the venv's), not whatever `python3` is on the PATH.
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        # Spark may start that interpreter by its resolved path, outside the venv: the
        # workers also get this process's import path (the names engine runs in them).
        .config("spark.executorEnv.PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
        .getOrCreate()
    )


def create_engine(name: str, **options: Any) -> LinkageEngine:
    """An engine by name: 'duckdb' or 'spark'."""
    if name == "duckdb":
        return DuckDBEngine(**options)
    if name == "spark":
        return SparkEngine(**options)
    raise HomecomingError(f"unknown engine {name!r}: use duckdb or spark")
