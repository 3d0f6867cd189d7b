"""Signed files that travel without a network: the stage pack and the desk log.

A signed file is a small JSON envelope: what kind of file it is, the signer's Ed25519 public
key, the payload (gzip'd JSON, base64) and the signature over the kind and the payload bytes.
It may be wrapped whole in age encryption to the field laptop's key. Whoever opens one names
the keys they trust; a file signed by any other key, or changed after it was signed, is
refused with a message saying which.

Keys live under the data directory (`keys/`): `signing.key` (the Ed25519 seed) and `age.key`
(the age identity), both readable by their owner only, and `trusted/NAME.json`, the public
keys of others this installation accepts.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from homecoming.errors import Conflict, InvalidInput, NotFound

AGE_HEADER = b"age-encryption.org/v1"
PUBLIC_FORMAT = "homecoming-public-key"
KEY_DIR = "keys"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def fingerprint(public: str) -> str:
    """A short, readable form of a public key: `ed25519:` and the first 16 hex of its hash."""
    raw = base64.b64decode(public.removeprefix("ed25519:"))
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """Someone's public keys: the Ed25519 key they sign with, the age key files go to."""

    name: str
    signing: str  # "ed25519:" + base64 of the 32-byte key
    age: str  # "age1…"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing)

    def to_dict(self) -> dict[str, str]:
        return {
            "format": PUBLIC_FORMAT,
            "name": self.name,
            "signing": self.signing,
            "age": self.age,
            "fingerprint": self.fingerprint,
        }


def read_public(data: bytes, *, source: str) -> PublicKey:
    """A public key file as `homecoming keys export` writes it."""
    try:
        raw = json.loads(data)
        if raw.get("format") != PUBLIC_FORMAT:
            raise ValueError("not a Homecoming public key")
        key = PublicKey(name=str(raw["name"]), signing=str(raw["signing"]), age=str(raw["age"]))
        VerifyKey(base64.b64decode(key.signing.removeprefix("ed25519:"), validate=True))
        if key.age:
            pyrage.x25519.Recipient.from_str(key.age)
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        binascii.Error,
        pyrage.RecipientError,
    ) as error:
        raise InvalidInput(
            f"{source}: not a public key written by `homecoming keys export` ({error})"
        ) from None
    return key


class Keyring:
    """This installation's own keys and the public keys it trusts, under the data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / KEY_DIR

    @property
    def _signing_file(self) -> Path:
        return self.root / "signing.key"

    @property
    def _age_file(self) -> Path:
        return self.root / "age.key"

    def exists(self) -> bool:
        return self._signing_file.exists() and self._age_file.exists()

    def init(self, *, name: str) -> PublicKey:
        """Make this installation's keys once; refuse to overwrite them."""
        _check_name(name)
        if self.exists():
            raise Conflict(
                f"{self.root} already holds keys ({self.public().fingerprint}); they are kept: "
                "replacing them would orphan every pack and log signed with them"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        seed = SigningKey.generate().encode()
        _write_secret(self._signing_file, base64.b64encode(seed) + b"\n")
        _write_secret(self._age_file, f"{pyrage.x25519.Identity.generate()}\n".encode())
        (self.root / "name").write_text(name + "\n", encoding="utf-8")
        return self.public()

    def _require(self) -> None:
        if not self.exists():
            raise NotFound(
                f"no keys under {self.root}: run `homecoming keys init --name NAME` first"
            )

    def signing_key(self) -> SigningKey:
        self._require()
        return SigningKey(base64.b64decode(self._signing_file.read_bytes().strip()))

    def age_identity(self) -> pyrage.x25519.Identity:
        self._require()
        return pyrage.x25519.Identity.from_str(self._age_file.read_text("utf-8").strip())

    def public(self) -> PublicKey:
        self._require()
        name_file = self.root / "name"
        name = name_file.read_text("utf-8").strip() if name_file.exists() else "homecoming"
        verify = self.signing_key().verify_key.encode()
        return PublicKey(
            name=name,
            signing="ed25519:" + base64.b64encode(verify).decode(),
            age=str(self.age_identity().to_public()),
        )

    def trust(self, key: PublicKey, *, name: str) -> PublicKey:
        """Accept files signed by this key from now on, under a name of our choosing."""
        _check_name(name)
        folder = self.root / "trusted"
        folder.mkdir(parents=True, exist_ok=True)
        for known in self.trusted():
            if known.signing == key.signing and known.name != name:
                raise Conflict(f"that key is already trusted as {known.name!r}")
        named = PublicKey(name=name, signing=key.signing, age=key.age)
        (folder / f"{name}.json").write_text(json.dumps(named.to_dict(), indent=2) + "\n")
        return named

    def trusted(self) -> list[PublicKey]:
        folder = self.root / "trusted"
        if not folder.exists():
            return []
        return [read_public(p.read_bytes(), source=str(p)) for p in sorted(folder.glob("*.json"))]


def _check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise InvalidInput(
            f"key name {name!r}: use lower-case letters, digits, '.', '_' or '-' (e.g. bus-1)"
        )


def _write_secret(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _message(kind: str, payload: bytes) -> bytes:
    return kind.encode() + b"\n" + payload


def seal(
    payload: dict[str, Any], *, kind: str, key: SigningKey, encrypt_to: str | None = None
) -> bytes:
    """The signed file's bytes (age-encrypted to `encrypt_to` when given)."""
    body = gzip.compress(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode(), mtime=0)
    envelope = {
        "format": kind,
        "signed_by": "ed25519:" + base64.b64encode(key.verify_key.encode()).decode(),
        "payload": base64.b64encode(body).decode(),
        "signature": base64.b64encode(key.sign(_message(kind, body)).signature).decode(),
    }
    data = (json.dumps(envelope, indent=1) + "\n").encode()
    if encrypt_to is None:
        return data
    try:
        recipient = pyrage.x25519.Recipient.from_str(encrypt_to.strip())
    except (ValueError, pyrage.RecipientError) as error:
        raise InvalidInput(
            f"--encrypt-to {encrypt_to!r}: not an age public key (age1…): {error}"
        ) from None
    return pyrage.encrypt(data, [recipient])


@dataclass(frozen=True, slots=True)
class Opened:
    """What a verified signed file holds, and who signed it."""

    payload: dict[str, Any]
    signer: PublicKey
    sha256: str  # of the file as received
    encrypted: bool


def open_sealed(
    data: bytes,
    *,
    kind: str,
    source: str,
    trusted: list[PublicKey],
    identity: pyrage.x25519.Identity | None,
) -> Opened:
    """Decrypt (when age-encrypted), check the kind, the signature and the signer's trust."""
    sha = hashlib.sha256(data).hexdigest()
    encrypted = data.startswith(AGE_HEADER)
    if encrypted:
        if identity is None:
            raise InvalidInput(
                f"{source} is encrypted, and this installation has no age key to open it: "
                "run `homecoming keys init` and have the file packed again to its public key"
            )
        try:
            data = pyrage.decrypt(data, [identity])
        except pyrage.DecryptError:
            raise InvalidInput(
                f"{source} is encrypted to another key than this installation's "
                f"({identity.to_public()}): have it packed with --encrypt-to that key"
            ) from None
    try:
        envelope = json.loads(data)
        body = base64.b64decode(envelope["payload"], validate=True)
        signature = base64.b64decode(envelope["signature"], validate=True)
        signed_by = str(envelope["signed_by"])
        verify = VerifyKey(base64.b64decode(signed_by.removeprefix("ed25519:"), validate=True))
        found_kind = envelope["format"]
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise InvalidInput(f"{source}: not a signed {kind} file ({error})") from None
    if found_kind != kind:
        raise InvalidInput(f"{source} is a {found_kind!r} file, not a {kind!r} file")
    try:
        verify.verify(_message(kind, body), signature)
    except BadSignatureError:
        raise InvalidInput(
            f"{source}: the signature does not verify: the file was changed after it was signed "
            "(or is damaged). Nothing was read from it; ask for a fresh copy"
        ) from None
    signer = next((k for k in trusted if k.signing == signed_by), None)
    if signer is None:
        raise InvalidInput(
            f"{source} is signed by key {fingerprint(signed_by)}, which this installation does "
            "not trust: get the signer's public key (`homecoming keys export`) and run "
            "`homecoming keys trust FILE --name NAME`"
        )
    try:
        payload = json.loads(gzip.decompress(body))
    except (OSError, ValueError) as error:
        raise InvalidInput(f"{source}: the signed payload cannot be read ({error})") from None
    if not isinstance(payload, dict):
        raise InvalidInput(f"{source}: the signed payload is not an object")
    return Opened(payload=payload, signer=signer, sha256=sha, encrypted=encrypted)
