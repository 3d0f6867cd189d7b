"""Sealed files: the age format (age-encryption.org/v1), to recipients' public keys or a passphrase.

A recipient is an age public key (``age1…``), an SSH public key (``ssh-ed25519 …``,
``ssh-rsa …``), or a file of such keys, one a line. An identity file holds age secret keys
(``AGE-SECRET-KEY-1…``), as `age-keygen` writes them; lines starting with ``#`` are comments.
pyrage is imported lazily, so a bare `import homecoming` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homecoming.errors import InvalidInput

if TYPE_CHECKING:
    from pyrage import _Identity, _Recipient

MAGIC = b"age-encryption.org/v1"
SUFFIX = ".age"


def is_sealed(path: Path) -> bool:
    """True when the file starts with the age header."""
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def recipients(keys: Sequence[str]) -> list[_Recipient]:
    """Public keys from the command line: each a key, or a file of keys."""
    found: list[_Recipient] = []
    for key in keys:
        lines = [key] if _looks_like_key(key) else _key_lines(Path(key), "recipients")
        found += [_recipient(line, where=key) for line in lines]
    if keys and not found:
        raise InvalidInput(f"no public key in {', '.join(keys)}")
    return found


def identities(path: Path) -> list[_Identity]:
    """The secret keys in an identity file."""
    from pyrage import x25519

    lines = _key_lines(path, "identity")
    found: list[_Identity] = []
    for number, line in enumerate(lines, start=1):
        try:
            found.append(x25519.Identity.from_str(line))
        except Exception as exc:  # pyrage raises its own untyped errors
            raise InvalidInput(
                f"{path}: line {number} is not an age secret key (AGE-SECRET-KEY-1…): {exc}"
            ) from exc
    if not found:
        raise InvalidInput(f"{path}: no age secret key (AGE-SECRET-KEY-1…) in the file")
    return found


def passphrase_of(path: Path) -> str:
    """The passphrase on the first line of a file (never on the command line, where `ps` sees)."""
    try:
        text = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the passphrase file ({exc})") from exc
    if not text or len(text[0].strip()) < 12:
        raise InvalidInput(f"{path}: the passphrase (first line) must be 12 characters or more")
    return text[0].strip()


def seal(plain: Path, out: Path, *, to: Sequence[_Recipient] = (), passphrase: str = "") -> None:
    """Encrypt a file into `out`, to recipients or with a passphrase."""
    import pyrage

    if bool(to) == bool(passphrase):
        raise InvalidInput("seal to recipients' public keys or with a passphrase, not both")
    try:
        if to:
            pyrage.encrypt_file(str(plain), str(out), list(to))
        else:
            out.write_bytes(pyrage.passphrase.encrypt(plain.read_bytes(), passphrase))
    except (pyrage.EncryptError, pyrage.RecipientError) as exc:
        raise InvalidInput(f"cannot encrypt {plain.name}: {exc}") from exc


def unseal(
    sealed: Path, out: Path, *, identities: Sequence[_Identity] = (), passphrase: str = ""
) -> None:
    """Decrypt a sealed file into `out` with an identity or the passphrase."""
    import pyrage

    try:
        if identities:
            pyrage.decrypt_file(str(sealed), str(out), list(identities))
        else:
            out.write_bytes(pyrage.passphrase.decrypt(sealed.read_bytes(), passphrase))
    except Exception as exc:  # DecryptError, IdentityError, or the passphrase's own error
        raise InvalidInput(
            f"{sealed}: cannot decrypt it with the identity or passphrase given ({exc}); is it"
            " sealed to another key?"
        ) from exc


def _looks_like_key(value: str) -> bool:
    return value.startswith(("age1", "ssh-ed25519 ", "ssh-rsa "))


def _key_lines(path: Path, what: str) -> list[str]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"{path}: not a public key (age1…, ssh-ed25519 …) nor a readable {what} file ({exc})"
        ) from exc
    return [s for s in (line.strip() for line in text.splitlines()) if s and s[0] != "#"]


def _recipient(line: str, *, where: str) -> Any:
    from pyrage import ssh, x25519

    try:
        if line.startswith("ssh-"):
            return ssh.Recipient.from_str(line)
        return x25519.Recipient.from_str(line)
    except Exception as exc:  # pyrage raises its own untyped errors
        raise InvalidInput(
            f"{where}: {line[:20]}… is not an age or SSH public key ({exc})"
        ) from exc
