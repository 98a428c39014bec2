"""Encryption of household personal data, the keyed hash of ID numbers, and ID number checks.

Keys: settings.PERSONAL_DATA_KEYS is a list of secret strings; each becomes a Fernet key as
urlsafe_b64encode(SHA-256(secret)). The first key encrypts, every key decrypts (MultiFernet), so a key is
rotated by putting the new one first and calling `rotate_token` on the stored tokens.

ID numbers are also kept as HMAC-SHA256(settings.ID_NUMBER_HMAC_KEY, normalised number): equal numbers give
equal hashes, so duplicates are found with an indexed equality, and without the key the hash reveals nothing
(a plain SHA-256 of an 18-digit ID with a known structure could be brute-forced in hours).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PERSONAL_FIELDS: tuple[str, ...] = ("head_name", "id_number", "phone", "address", "member_names")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def fernet_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


@lru_cache(maxsize=4)
def _multi_fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(fernet_key(s)) for s in secrets])


def cipher() -> MultiFernet:
    keys = tuple(settings.PERSONAL_DATA_KEYS)
    if not keys:
        raise RuntimeError("settings.PERSONAL_DATA_KEYS is empty")
    return _multi_fernet(keys)


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode("ascii")).decode()


def encrypt_list(values: list[str]) -> str:
    return encrypt(json.dumps(values, ensure_ascii=False))


def decrypt_list(token: str) -> list[str]:
    return list(json.loads(decrypt(token)))


def rotate_token(token: str) -> str:
    """The same plaintext under the first (newest) key."""
    return cipher().rotate(token.encode("ascii")).decode("ascii")


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def id_number_hmac(value: str) -> str:
    key = settings.ID_NUMBER_HMAC_KEY.encode()
    return hmac.new(key, normalise_id_number(value).encode(), hashlib.sha256).hexdigest()


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_is_valid(value: str) -> bool:
    """An 18-character resident ID number (居民身份证号) with a correct check digit (GB 11643)."""
    value = normalise_id_number(value)
    return bool(_ID_RE.match(value)) and id_check_digit(value[:17]) == value[17]


def make_id_number(area: str, birth: str, sequence: int) -> str:
    """A well-formed ID number: 6-digit area code, YYYYMMDD birth date, 3-digit sequence, check digit."""
    first17 = f"{area}{birth}{sequence % 1000:03d}"
    return first17 + id_check_digit(first17)


def phone_is_valid(value: str) -> bool:
    return bool(_PHONE_RE.match(value))
