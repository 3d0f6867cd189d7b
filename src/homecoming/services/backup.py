"""Backups and restores: one file holding the database and a manifest that proves it whole.

A backup is a tar archive with two members:

- ``manifest.json``: the format, the database kind, the schema revision, the audit chain's
  head (id and hash), the row count of every table and the payload's sha256;
- the payload: for SQLite, a copy made with SQLite's online backup API (consistent while the
  server runs and writes, WAL and all); for PostgreSQL, a ``pg_dump -Fc`` archive taken in
  the same snapshot as the manifest's counts.

A restore checks the manifest and the payload's sha256 before it touches anything, refuses a
backup of another schema revision or database kind, replaces the database in one step
(SQLite's backup API into the live file; ``pg_restore --single-transaction``), then compares
every table's row count with the manifest and re-verifies the audit chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

import homecoming
from homecoming.errors import AuditChainBroken, Conflict, HomecomingError, InvalidInput
from homecoming.formats import sealed
from homecoming.services import audit
from homecoming.store.db import MIGRATIONS, Database

FORMAT = "homecoming-backup/1"
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SEARCH_SNAPSHOT = "search-index.npz"
_CHUNK = 1 << 20
# Where PostgreSQL client programs live when they are not on PATH (Debian/Ubuntu, RHEL, macOS).
_PG_BIN_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/libpq/bin",
    "/usr/local/opt/libpq/bin",
)


class BackupError(HomecomingError):
    """A backup that cannot be written or read; the message says what to do."""

    status_code = 500
    title = "Backup failed"


class ToolMissing(BackupError):
    """pg_dump or pg_restore cannot be found."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds, written beside the payload and checked before any restore."""

    database: str
    schema_revision: str
    audit_entries: int
    audit_head_hash: str
    row_counts: dict[str, int]
    payload: str
    payload_sha256: str = ""
    payload_bytes: int = 0
    homecoming_version: str = homecoming.__version__
    created_at: str = ""
    source: str = ""
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, *, name: str) -> Manifest:
        try:
            values = json.loads(data)
            if not isinstance(values, dict) or values.get("format") != FORMAT:
                raise ValueError(f"format is {values.get('format')!r}, not {FORMAT!r}")
            known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
            manifest = cls(**known)
            if manifest.database not in PAYLOADS or not isinstance(manifest.row_counts, dict):
                raise ValueError(f"unknown database kind {manifest.database!r}")
        except (ValueError, TypeError) as exc:
            raise InvalidInput(
                f"{name}: the backup's manifest is unreadable ({exc}); is this a Homecoming"
                " backup written by `homecoming backup`?"
            ) from exc
        return manifest


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore put in place, checked against the manifest."""

    manifest: Manifest
    row_counts: dict[str, int]
    audit_entries: int
    audit_head_hash: str
    notes: list[str] = field(default_factory=list)


# --- schema revision -------------------------------------------------------------------


def code_revision() -> str:
    """The schema revision this version of Homecoming migrates to."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or ""


def _revision(connection: Connection) -> str:
    if not inspect(connection).has_table("alembic_version"):
        return ""
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value or "")


def _state(connection: Connection) -> tuple[str, int, str, dict[str, int]]:
    """Schema revision, audit head (id, hash) and every table's row count, as one reader sees."""
    tables = sorted(inspect(connection).get_table_names())
    counts = {
        t: int(connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()) for t in tables
    }
    head = None
    if "audit_head" in tables:
        head = connection.execute(text("SELECT last_id, last_hash FROM audit_head")).first()
    last_id, last_hash = (int(head[0]), str(head[1])) if head else (0, "")
    return _revision(connection), last_id, last_hash, counts


# --- backup ----------------------------------------------------------------------------


def backup(db: Database, out: Path, *, to: list[Any] | None = None) -> Manifest:
    """Write a backup of the database to `out` (written beside, then renamed into place).

    With `to` (age recipients, from `formats.sealed.recipients`) the whole file is sealed to
    them: nothing in it is readable without one of their identities. A database at an older
    schema version is backed up as it is (the manifest names its version), before `init`
    migrates it.
    """
    db.check_ready(any_version=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".homecoming-backup-", dir=out.parent) as tmp:
        payload = Path(tmp) / PAYLOADS[_kind(db)]
        if _kind(db) == "sqlite":
            manifest = _backup_sqlite(db, payload)
        else:
            manifest = _backup_postgres(db, payload)
        digest, size = _sha256(payload)
        manifest = _replace(
            manifest,
            payload_sha256=digest,
            payload_bytes=size,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            source=db.safe_url,
        )
        partial = Path(tmp) / "backup.tar"
        _write_archive(partial, manifest, payload)
        payload.unlink()
        if to:
            sealed_copy = Path(tmp) / "backup.tar.age"
            sealed.seal(partial, sealed_copy, to=to)
            partial.unlink()
            partial = sealed_copy
        os.replace(partial, out)
    return manifest


def _kind(db: Database) -> str:
    if db.dialect not in PAYLOADS:
        raise BackupError(f"backups of {db.dialect} databases are not supported")
    return db.dialect


def _backup_sqlite(db: Database, payload: Path) -> Manifest:
    source = sqlite3.connect(_sqlite_path(db), timeout=30)
    target = sqlite3.connect(payload)
    try:
        # The online backup API copies a consistent snapshot while others read and write.
        # One step (pages=-1) under a read lock: in WAL mode writers carry on meanwhile.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        source.close()
        target.close()
    copy = Database(f"sqlite:///{payload}")
    try:
        with copy.engine.connect() as connection:
            revision, last_id, last_hash, counts = _state(connection)
    finally:
        copy.dispose()
    return Manifest("sqlite", revision, last_id, last_hash, counts, payload.name)


def _backup_postgres(db: Database, payload: Path) -> Manifest:
    pg_dump = find_pg_tool("pg_dump")
    snapshot_options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with db.engine.connect().execution_options(**snapshot_options) as connection:
        # Count in the very snapshot pg_dump will read, so the manifest matches the dump.
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision, last_id, last_hash, counts = _state(connection)
        conninfo, env = _libpq(db)
        _run(
            [pg_dump, "-Fc", f"--snapshot={snapshot}", "--no-owner", "-f", str(payload), conninfo],
            env=env,
            what="pg_dump",
        )
        connection.rollback()
    return Manifest("postgresql", revision, last_id, last_hash, counts, payload.name)


def _write_archive(path: Path, manifest: Manifest, payload: Path) -> None:
    with tarfile.open(path, "w") as archive:
        _add_bytes(archive, MANIFEST, manifest.to_json())
        archive.add(payload, arcname=payload.name, recursive=False)
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


# --- reading a backup --------------------------------------------------------------------


@contextlib.contextmanager
def opened(path: Path, identity: Path | None = None) -> Iterator[Path]:
    """The backup as a plain archive: itself, or unsealed (with the identity) into a temp dir."""
    if not sealed.is_sealed(path):
        yield path
        return
    if identity is None:
        raise InvalidInput(
            f"{path} is sealed (age): give the identity file that opens it, --identity FILE"
        )
    keys = sealed.identities(identity)
    with tempfile.TemporaryDirectory(prefix=".homecoming-unseal-") as tmp:
        plain = Path(tmp) / "backup.tar"
        sealed.unseal(path, plain, identities=keys)
        yield plain


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, without unpacking the payload."""
    with _open_archive(path) as archive:
        return _manifest_of(archive, path)


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InvalidInput(
            f"{path}: not a Homecoming backup, or a damaged one ({exc}); use the file"
            " `homecoming backup --out` wrote, or an older good copy"
        ) from exc
    with archive:
        yield archive


def _manifest_of(archive: tarfile.TarFile, path: Path) -> Manifest:
    data = _member(archive, MANIFEST, path).read()
    return Manifest.from_json(data, name=str(path))


def _member(archive: tarfile.TarFile, name: str, path: Path) -> IO[bytes]:
    try:
        member = archive.getmember(name)
        handle = archive.extractfile(member) if member.isfile() else None
    except (KeyError, tarfile.TarError, OSError, EOFError) as exc:
        raise InvalidInput(f"{path}: the backup has no readable {name} ({exc})") from exc
    if handle is None:
        raise InvalidInput(f"{path}: {name} in the backup is not a file")
    return handle


def _unpack_payload(path: Path, manifest: Manifest, into: Path) -> Path:
    """Copy the payload out, checking its size and sha256 against the manifest."""
    target = into / manifest.payload
    digest = hashlib.sha256()
    size = 0
    with _open_archive(path) as archive, target.open("wb") as out:
        source = _member(archive, manifest.payload, path)
        try:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InvalidInput(f"{path}: the backup is truncated or damaged ({exc})") from exc
    if size != manifest.payload_bytes or digest.hexdigest() != manifest.payload_sha256:
        raise InvalidInput(
            f"{path}: the backup is corrupt: its {manifest.payload} has {size} bytes with sha256"
            f" {digest.hexdigest()[:16]}…, the manifest says {manifest.payload_bytes} bytes with"
            f" {manifest.payload_sha256[:16]}…; nothing was restored. Use another copy"
        )
    return target


# --- restore ----------------------------------------------------------------------------


def restore(db: Database, path: Path, *, data_dir: Path | None = None) -> RestoreReport:
    """Replace the database with a backup's content, after checking it; then re-verify it."""
    manifest = read_manifest(path)
    _check_compatible(db, manifest, path)
    with tempfile.TemporaryDirectory(prefix=".homecoming-restore-") as tmp:
        payload = _unpack_payload(path, manifest, Path(tmp))
        if manifest.database == "sqlite":
            _restore_sqlite(db, payload, manifest, path)
        else:
            _restore_postgres(db, payload)
    notes = _forget_search_snapshot(data_dir)
    return _check_restored(db, manifest, notes)


def _check_compatible(db: Database, manifest: Manifest, path: Path) -> None:
    if manifest.database != _kind(db):
        raise InvalidInput(
            f"{path} is a backup of a {manifest.database} database and cannot be restored into"
            f" {db.dialect} ({db.safe_url}); restore it into a {manifest.database} database"
        )
    wanted = code_revision()
    if manifest.schema_revision != wanted:
        raise InvalidInput(
            f"{path} holds schema revision {manifest.schema_revision!r} (written by Homecoming"
            f" {manifest.homecoming_version}); this Homecoming {homecoming.__version__} uses"
            f" revision {wanted!r}. Restore it with the release that wrote it, then run"
            " `homecoming init` with this release to migrate it"
        )
    with db.engine.connect() as connection:
        current = _revision(connection)
    if current and current != wanted:
        raise Conflict(
            f"the database at {db.safe_url} is at schema revision {current!r}, not {wanted!r}:"
            " restore into an empty database, or migrate this one first with `homecoming init`"
        )


def _restore_sqlite(db: Database, payload: Path, manifest: Manifest, path: Path) -> None:
    _check_sqlite_payload(payload, manifest, path)
    db.dispose()
    source = sqlite3.connect(payload)
    target = sqlite3.connect(_sqlite_path(db), timeout=30)
    try:
        # One write transaction on the live file: readers see the old or the new database.
        source.backup(target)
    finally:
        source.close()
        target.close()


def _check_sqlite_payload(payload: Path, manifest: Manifest, path: Path) -> None:
    """Refuse a payload SQLite finds damaged, or whose chain breaks, before it replaces anything."""
    connection = sqlite3.connect(payload)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        verdict = (str(exc),)
    finally:
        connection.close()
    if not verdict or verdict[0] != "ok":
        raise InvalidInput(
            f"{path}: the database in the backup is damaged ({verdict}); use another copy"
        )
    copy = Database(f"sqlite:///{payload}")
    try:
        report = audit.verify(copy)
    finally:
        copy.dispose()
    if not report.ok or report.entries != manifest.audit_entries:
        raise AuditChainBroken(
            f"{path}: the audit chain in the backup does not verify"
            f" ({'; '.join(str(f) for f in report.faults[:3]) or 'entry count differs'});"
            " nothing was restored"
        )


def _restore_postgres(db: Database, payload: Path) -> None:
    pg_restore = find_pg_tool("pg_restore")
    conninfo, env = _libpq(db)
    db.dispose()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "-d",
            conninfo,
            str(payload),
        ],
        env=env,
        what="pg_restore",
    )


def _forget_search_snapshot(data_dir: Path | None) -> list[str]:
    if data_dir is None:
        return []
    snapshot = data_dir / SEARCH_SNAPSHOT
    if not snapshot.exists():
        return []
    snapshot.unlink()
    return [f"removed {snapshot}: the search index is rebuilt from the restored data"]


def _check_restored(db: Database, manifest: Manifest, notes: list[str]) -> RestoreReport:
    with db.engine.connect() as connection:
        _, last_id, last_hash, counts = _state(connection)
    differ = sorted(
        t
        for t in set(counts) | set(manifest.row_counts)
        if counts.get(t) != manifest.row_counts.get(t)
    )
    if differ:
        shown = ", ".join(
            f"{t}: {counts.get(t)} restored, {manifest.row_counts.get(t)} in the backup"
            for t in differ[:5]
        )
        raise BackupError(f"the restored database differs from the backup's manifest: {shown}")
    report = audit.verify(db)
    if not report.ok or (last_id, last_hash) != (manifest.audit_entries, manifest.audit_head_hash):
        faults = "; ".join(str(f) for f in report.faults[:3]) or "the head differs"
        raise AuditChainBroken(
            f"the restored audit chain does not verify or does not end where the backup's did"
            f" ({faults}); do not use this database, restore another backup"
        )
    return RestoreReport(manifest, counts, report.entries, report.head_hash, notes)


# --- PostgreSQL client programs -----------------------------------------------------------


def find_pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: PATH first, then the usual install places."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [Path(d) / name for pattern in _PG_BIN_GLOBS for d in glob.glob(pattern)]
    existing = sorted((c for c in candidates if c.exists()), key=_major_version, reverse=True)
    if existing:
        return str(existing[0])
    raise ToolMissing(
        f"{name} was not found on PATH or in {', '.join(_PG_BIN_GLOBS)}: install the PostgreSQL"
        " client programs of your server's major version or newer (Debian/Ubuntu:"
        " `apt-get install postgresql-client`; RHEL: `dnf install postgresql`; macOS:"
        " `brew install libpq`) or put their folder on PATH"
    )


def _major_version(path: Path) -> int:
    for part in path.parts:
        digits = part.rsplit("-", 1)[-1]
        if digits.isdigit():
            return int(digits)
    return 0


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (it goes in PGPASSWORD, out of `ps`), and the env."""
    url = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip()[-2000:]
        hint = ""
        if "server version" in detail and "mismatch" in detail:
            hint = (
                f"; {what} is older than the server: install the client of the server's major"
                " version or newer"
            )
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}{hint}")


# --- small pieces ---------------------------------------------------------------------------


def _sqlite_path(db: Database) -> str:
    database = make_url(db.url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return database


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _replace(manifest: Manifest, **changes: Any) -> Manifest:
    return Manifest(**{**asdict(manifest), **changes})
