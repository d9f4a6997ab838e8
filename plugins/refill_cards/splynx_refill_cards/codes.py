"""Card codes: random parts from the operating system's CSPRNG, unique within a series.

A full code is ``<series>-<prefix>-<random>``. The series id is new for every series, so
random parts only have to be unique within one series for every full code to be unique.
"""

from __future__ import annotations

import re
import secrets

PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,32}$")
FULL_CODE_PATTERN = re.compile(r"^[0-9]{6,8}-[A-Za-z0-9_]{1,32}-[A-Za-z0-9]{4,32}$")


class CodeSpaceError(ValueError):
    """The requested quantity does not fit into the codes the voucher options allow."""


def _sampler(alphabet: str) -> tuple[bytes, bytes]:
    """A byte translation table and the bytes to drop, for unbiased rejection sampling.

    A random byte ``b`` below the largest multiple of ``len(alphabet)`` that fits into 256
    maps to ``alphabet[b % n]``; bytes above it are dropped, so every character is equally
    likely. ``bytes.translate`` does the mapping in C, which keeps 100,000 codes fast.
    """
    n = len(alphabet)
    if not 2 <= n <= 256 or not alphabet.isascii() or len(set(alphabet)) != n:
        raise ValueError("the code alphabet needs 2 to 256 distinct ASCII characters")
    limit = 256 - 256 % n
    table = bytes(ord(alphabet[b % n]) if b < limit else 0 for b in range(256))
    return table, bytes(range(limit, 256))


def random_parts(quantity: int, length: int, alphabet: str) -> list[str]:
    """``quantity`` distinct random strings of ``length`` characters from ``alphabet``."""
    space = len(alphabet) ** length
    if quantity > space // 4:
        raise CodeSpaceError(
            f"{quantity} cards need longer codes: {length} characters from {len(alphabet)} allow at most "
            f"{space // 4} cards per series. Raise the code length in the voucher options.")
    table, drop = _sampler(alphabet)
    parts: set[str] = set()
    pool = ""
    while len(parts) < quantity:
        missing = quantity - len(parts)
        if len(pool) < missing * length:
            pool += secrets.token_bytes(missing * length * 2 + 64).translate(table, drop).decode("ascii")
            continue
        for start in range(0, missing * length, length):
            parts.add(pool[start:start + length])
        pool = pool[missing * length:]
    return list(parts)


def full_code(series_id: int, prefix: str, part: str) -> str:
    return f"{series_id}-{prefix}-{part}"


def normalise(code: str) -> str:
    """A typed code without surrounding blanks and inner spaces (people copy from print)."""
    return re.sub(r"\s+", "", code or "")


def looks_like_code(code: str) -> bool:
    return bool(FULL_CODE_PATTERN.match(code))
