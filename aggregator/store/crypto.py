"""The data key: raw rows sealed with AES-256-GCM, backups and the audit chain keyed with HMAC.

A key is 32 random bytes, kept **outside** the database and its backups: in a key file (mode
0600, ``LEKSTAT_KEY_FILE``, by default ``<database>.key`` beside a new database) or in the
environment (``LEKSTAT_KEY``). A key file or the variable holds one key per line (or, in the
variable, separated by commas) as URL-safe base64; the **first** is the current key, which seals
everything new; the others only open what was sealed with them (during a rotation, or for old
backups). Each key gets an id (a fingerprint) that the database stores beside what it sealed, so
the keyring says at once which key is missing.

From each key three subkeys are derived with HKDF-SHA256, one per use, so that no two uses share
a key: sealing submissions, authenticating backups, chaining the audit log.

What is sealed, per submission version: its rows and everything computed from its counts — the
total, the row count, whether it is a nil return and the SHA-256 of its content (which can be
recovered from a small submission by trying the few likely contents). The plaintext is
compressed and padded to a bucket of at least 4 KiB, so that the length of a sealed value does
not tell a nil return from a file with a few incidents. The associated data binds the sealed
value to its submission (id, municipality, period, version): a value moved to another row does
not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aggregator.store.errors import StoreError

KEY_BYTES = 32
_NONCE = 12
#: The smallest sealed plaintext: a nil return and a file with a few dozen rows look alike.
MIN_BUCKET = 4096


class KeyringError(StoreError):
    """No usable key: missing, unreadable, readable by others, malformed or not the right one."""


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"lekstat/{purpose}".encode()
    ).derive(master)


@dataclass(frozen=True, repr=False)
class DataKey:
    """One key, with its id and the subkeys derived from it (never printed)."""

    id: str
    seal: bytes
    backup: bytes
    audit: bytes

    @classmethod
    def of(cls, master: bytes) -> DataKey:
        """The key and its subkeys from 32 bytes."""
        if len(master) != KEY_BYTES:
            raise KeyringError(f"a lekstat key is {KEY_BYTES} bytes; this one has {len(master)}")
        return cls(
            id=_derive(master, "key id")[:8].hex(),
            seal=_derive(master, "seal submissions"),
            backup=_derive(master, "authenticate backups"),
            audit=_derive(master, "chain audit log"),
        )

    def __repr__(self) -> str:
        return f"DataKey(id={self.id!r})"


def new_key_text() -> str:
    """A fresh random key as a key file's line."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def _decode(text: str) -> bytes:
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise KeyringError("a key is not URL-safe base64") from None


def check_private(path: Path) -> None:
    """Refuse a key file that is not a regular file of this user, readable by its owner only."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise KeyringError(f"there is no key file {path}") from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyringError(f"the key file {path} is not a regular file")
    if info.st_uid != os.getuid():
        raise KeyringError(f"the key file {path} belongs to another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise KeyringError(
            f"the key file {path} is readable by others (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); make it 0600: chmod 600 {path}"
        )


def write_key_file(path: Path, lines: list[str]) -> None:
    """Write a key file atomically (a new 0600 file renamed over the old one, fsynced)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class Keyring:
    """The keys a store may use: the first seals, every one opens what it sealed."""

    def __init__(self, keys: list[DataKey], *, source: str, file: Path | None = None) -> None:
        if not keys:
            raise KeyringError(f"{source} holds no key")
        self.keys = keys
        self.source = source
        #: The key file these keys came from (None for the environment variable).
        self.file = file
        self._by_id = {k.id: k for k in keys}

    @classmethod
    def from_text(cls, text: str, *, source: str, file: Path | None = None) -> Keyring:
        """Keys from a key file's text or the variable's value (lines or commas; # comments)."""
        parts = [p.strip() for line in text.splitlines() for p in line.split(",")]
        keys = [DataKey.of(_decode(p)) for p in parts if p and not p.startswith("#")]
        return cls(keys, source=source, file=file)

    @classmethod
    def load(cls, path: Path) -> Keyring:
        """The keys of a key file, which must be private (0600, this user's)."""
        check_private(path)
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyringError(f"the key file {path} cannot be read: {exc}") from None
        return cls.from_text(text, source=str(path), file=path)

    @classmethod
    def create(cls, path: Path) -> Keyring:
        """A new key file with one fresh key (refused when the file exists)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (new_key_text() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return cls.load(path)

    @property
    def current(self) -> DataKey:
        """The key that seals everything new."""
        return self.keys[0]

    @property
    def ids(self) -> list[str]:
        """The ids of the keys, current first."""
        return [k.id for k in self.keys]

    def get(self, key_id: str) -> DataKey:
        """The key with ``key_id``; refused when the keyring lacks it."""
        try:
            return self._by_id[key_id]
        except KeyError:
            raise KeyringError(
                f"the key {key_id} is not in the keyring ({self.source}: {', '.join(self.ids)}); "
                "add it (an older key stays needed for what it sealed and for backups made "
                "with it)"
            ) from None

    # -- sealing ------------------------------------------------------------------------------

    def seal(self, value: Any, aad: str) -> tuple[str, bytes]:
        """Seal a JSON value with the current key; return the key id and the sealed bytes."""
        key = self.current
        plain = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)
        size = max(MIN_BUCKET, 1 << (len(plain) + 4 - 1).bit_length())
        padded = struct.pack(">I", len(plain)) + plain + bytes(size - 4 - len(plain))
        nonce = secrets.token_bytes(_NONCE)
        sealed = nonce + AESGCM(key.seal).encrypt(nonce, padded, _aad(key.id, aad))
        return key.id, sealed

    def open(self, key_id: str, sealed: bytes, aad: str) -> Any:
        """The JSON value sealed under ``key_id`` for ``aad``; refused when it was changed."""
        key = self.get(key_id)
        try:
            padded = AESGCM(key.seal).decrypt(sealed[:_NONCE], sealed[_NONCE:], _aad(key.id, aad))
        except InvalidTag:
            raise StoreError(
                "a sealed submission does not open: it was changed, or moved from another row"
            ) from None
        (length,) = struct.unpack(">I", padded[:4])
        return json.loads(zlib.decompress(padded[4 : 4 + length]))

    # -- authenticating -----------------------------------------------------------------------

    def backup_mac(self, key_id: str, data: bytes) -> str:
        """The HMAC-SHA256 of a backup's manifest under the backup subkey of ``key_id``."""
        return hmac.new(self.get(key_id).backup, data, hashlib.sha256).hexdigest()

    def audit_mac(self, data: bytes, key_id: str | None = None) -> str:
        """The HMAC-SHA256 of an audit line under the audit subkey (current key by default)."""
        key = self.current if key_id is None else self.get(key_id)
        return hmac.new(key.audit, data, hashlib.sha256).hexdigest()


def _aad(key_id: str, aad: str) -> bytes:
    return f"lekstat-sealed/1\0{key_id}\0{aad}".encode()


def submission_aad(submission_id: str, municipality: str, period: str, version: int) -> str:
    """What a submission's sealed value is bound to."""
    return f"{submission_id}\0{municipality}\0{period}\0{version}"


def keys_of(key: str | None, key_file: Path | None) -> Keyring | Path | None:
    """What the settings ``key`` (``LEKSTAT_KEY``) and ``key_file`` (``LEKSTAT_KEY_FILE``) say
    the store's keys are: the keys themselves, else the key file, else None (the key file
    beside the database)."""
    if key:
        return Keyring.from_text(key, source="LEKSTAT_KEY")
    return key_file
