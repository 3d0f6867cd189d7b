"""Sealed (age) files: round trips to keys and a passphrase, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pyrage
import pytest

from homecoming.errors import InvalidInput
from homecoming.formats import sealed

SECRET = "Зеленюк-Прокопович, yarema@example.org".encode()


def test_round_trips(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_bytes(SECRET)
    ids = []
    keys = []
    for name in ("a", "b"):
        identity = pyrage.x25519.Identity.generate()
        (tmp_path / name).write_text(f"# {name}\n{identity}\n", "utf-8")
        ids.append(tmp_path / name)
        keys.append(str(identity.to_public()))
    (tmp_path / "keys.txt").write_text(f"{keys[1]}\n", "utf-8")
    out = tmp_path / "sealed.age"
    sealed.seal(plain, out, to=sealed.recipients([keys[0], str(tmp_path / "keys.txt")]))
    assert sealed.is_sealed(out) and SECRET not in out.read_bytes()
    for identity in ids:
        opened = tmp_path / f"opened-{identity.name}"
        sealed.unseal(out, opened, identities=sealed.identities(identity))
        assert opened.read_bytes() == SECRET
    (tmp_path / "pass").write_text("a long enough passphrase\n", "utf-8")
    phrase = sealed.passphrase_of(tmp_path / "pass")
    sealed.seal(plain, out, passphrase=phrase)
    assert SECRET not in out.read_bytes()
    sealed.unseal(out, tmp_path / "p", passphrase=phrase)
    assert (tmp_path / "p").read_bytes() == SECRET
    with pytest.raises(InvalidInput, match="cannot decrypt"):
        sealed.unseal(out, tmp_path / "q", passphrase="the wrong passphrase")


def test_bad_keys_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not an age or SSH public key"):
        sealed.recipients(["age1notakey"])
    with pytest.raises(InvalidInput, match="nor a readable"):
        sealed.recipients([str(tmp_path / "missing.txt")])
    (tmp_path / "id").write_text("AGE-SECRET-KEY-1NOPE\n", "utf-8")
    with pytest.raises(InvalidInput, match="line 1 is not an age secret key"):
        sealed.identities(tmp_path / "id")
    (tmp_path / "short").write_text("short\n", "utf-8")
    with pytest.raises(InvalidInput, match="12 characters"):
        sealed.passphrase_of(tmp_path / "short")
