"""Personal data at rest: Fernet encryption plus a keyed hash (HMAC) for exact lookups.

The data key (``TANDEM_DATA_KEY``) is separate from the session-signing key so that either can
be rotated on its own, and so that a leaked cookie secret does not expose ID numbers. In
development a key is generated into ``var/data_key``; production refuses to start without one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken

from tandem.config import ConfigurationError, Settings, get_settings


class DataKeyError(RuntimeError):
    pass


def _load_key(settings: Settings) -> bytes:
    if settings.data_key:
        raw = settings.data_key.encode()
    elif settings.env == "production":
        raise ConfigurationError(
            "TANDEM_DATA_KEY must be set in production: generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key()"
            ".decode())'` and keep it with your backups: without it ID numbers cannot be read."
        )
    else:
        key_file = settings.var_dir / "data_key"
        if not key_file.exists():
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_bytes(Fernet.generate_key())
            key_file.chmod(0o600)
        raw = key_file.read_bytes().strip()
    try:
        Fernet(raw)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError("TANDEM_DATA_KEY is not a valid Fernet key") from exc
    return raw


class DataCipher:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        # The lookup hash uses a key derived from the data key, never the data key itself.
        self._hmac_key = hashlib.sha256(b"tandem-lookup:" + base64.urlsafe_b64decode(key)).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DataKeyError("cannot decrypt: wrong TANDEM_DATA_KEY?") from exc

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hmac_key, value.encode(), hashlib.sha256).hexdigest()


@cache
def _cipher_for(key: bytes) -> DataCipher:
    return DataCipher(key)


def cipher(settings: Settings | None = None) -> DataCipher:
    return _cipher_for(_load_key(settings or get_settings()))
