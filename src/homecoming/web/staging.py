"""Uploaded files between the import's preview and its confirmation.

An upload is kept under `DATA_DIR/uploads/` as `<token>.bin` beside `<token>.json` (who
uploaded it, its name and hash). Only the user who uploaded a file may preview or import it;
a file is removed once imported, and any left over for a day is removed at the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from homecoming.errors import InvalidInput, NotFound
from homecoming.formats import tabular

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True, slots=True)
class StagedFile:
    """One uploaded file waiting for its import."""

    token: str
    file_name: str
    content_hash: str
    size: int
    path: Path


def _folder(data_dir: Path) -> Path:
    folder = data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(data_dir: Path, *, data: bytes, file_name: str, owner: str) -> StagedFile:
    """Keep an upload for its preview and import; refuse an empty or oversized file."""
    if not data:
        raise InvalidInput(f"{file_name or 'the file'} is empty: choose the list to import")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"{file_name} has {len(data)} bytes, more than {MAX_UPLOAD_BYTES}: "
            "import it with `homecoming import` instead"
        )
    folder = _folder(data_dir)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    name = Path(file_name).name or "upload.csv"
    meta = {"owner": owner, "file_name": name, "content_hash": tabular.content_hash(data)}
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(meta), "utf-8")
    return StagedFile(token, name, meta["content_hash"], len(data), folder / f"{token}.bin")


def load(data_dir: Path, token: str, *, owner: str) -> StagedFile:
    """A staged upload of this user, or NotFound (expired, imported, or someone else's)."""
    folder = _folder(data_dir)
    meta_path = folder / f"{token}.json"
    if not _TOKEN.match(token) or not meta_path.exists():
        raise NotFound("this upload has expired or was imported already: upload the file again")
    meta = json.loads(meta_path.read_text("utf-8"))
    if meta.get("owner") != owner:
        raise NotFound("this upload has expired or was imported already: upload the file again")
    path = folder / f"{token}.bin"
    return StagedFile(token, meta["file_name"], meta["content_hash"], path.stat().st_size, path)


def discard(staged: StagedFile) -> None:
    """Remove a staged upload (after its import)."""
    staged.path.unlink(missing_ok=True)
    staged.path.with_suffix(".json").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*.*"):
        if path.suffix in {".bin", ".json"} and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
