"""Encryption of secrets at rest (array tokens, site service passwords).

Fernet (AES-128-CBC + HMAC) from ``cryptography``, with one key per site in
``[DEFAULT] secret_key_file``. The key file is created atomically with mode
0600 the first time it is needed, so several API workers starting together
agree on one key.
"""

import os
import threading

from cryptography.fernet import Fernet, InvalidToken

from protector import exception
from protector.conf import CONF

_lock = threading.Lock()
_fernet: tuple[str, Fernet] | None = None
PREFIX = "fernet:"


def _load_key(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise exception.SecretKeyError(path=path, reason=exc.strerror) from exc
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    try:
        with open(path, "rb") as f:
            key = f.read().strip()
        Fernet(key)
    except (OSError, ValueError) as exc:
        raise exception.SecretKeyError(path=path, reason=str(exc)) from exc
    return key


def _get() -> Fernet:
    global _fernet
    path = CONF.secret_key_file
    with _lock:
        if _fernet is None or _fernet[0] != path:
            _fernet = (path, Fernet(_load_key(path)))
        return _fernet[1]


def encrypt(plaintext: str | None) -> str | None:
    if plaintext is None:
        return None
    return PREFIX + _get().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str | None) -> str | None:
    if ciphertext is None:
        return None
    if not ciphertext.startswith(PREFIX):
        raise exception.SecretKeyError(path=CONF.secret_key_file,
                                       reason="stored secret is not encrypted")
    try:
        return _get().decrypt(ciphertext[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise exception.SecretKeyError(
            path=CONF.secret_key_file,
            reason="the key does not decrypt stored secrets (was it replaced?)") from exc
