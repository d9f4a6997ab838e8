"""The ISP's name and logo (Config → Main → Company), shown on public pay pages and error pages.

The logo is uploaded or fetched once from a URL when saved, then kept in the instance folder:
pages never load it from another site (no tracking of customers, nothing for the CSP to allow).
Only PNG, JPEG, GIF and WebP files of at most :data:`MAX_LOGO_BYTES` are kept, recognised by
their content (never SVG, which can carry script), under a name the host chooses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ModuleSetting

#: the settings rows of the host itself (add-ons' rows carry their add-on id, which never starts with "_")
HOST_SETTINGS_ID = "_host"
NAME_KEY, LOGO_KEY = "isp_name", "isp_logo"
DEFAULT_NAME = "Splynx"
MAX_NAME = 64
MAX_LOGO_BYTES = 512 * 1024
#: image signatures -> file extension (the type a browser is told)
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))
MIME_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


class LogoError(ValueError):
    """A logo that cannot be kept; the message says why, for the form."""


@dataclass(frozen=True)
class Branding:
    """What public pages show of the ISP."""

    name: str = DEFAULT_NAME
    #: the stored logo's file name in the branding folder, or "" for none
    logo: str = ""


def image_kind(data: bytes) -> str:
    """The extension of an accepted image format, or raise :class:`LogoError`."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    raise LogoError("The logo must be a PNG, JPEG, GIF or WebP image.")


def fetch_logo(url: str) -> bytes:
    """The bytes of a logo at an http(s) URL, at most :data:`MAX_LOGO_BYTES`."""
    if not url.lower().startswith(("http://", "https://")):
        raise LogoError("The logo URL must start with http:// or https://.")
    import requests  # only saving a logo from a URL needs it: the host starts without it

    try:
        with requests.get(url, timeout=10, stream=True, allow_redirects=True) as answer:
            answer.raise_for_status()
            data = b""
            for chunk in answer.iter_content(64 * 1024):
                data += chunk
                if len(data) > MAX_LOGO_BYTES:
                    raise LogoError(f"The logo is larger than {MAX_LOGO_BYTES // 1024} KB.")
    except requests.RequestException as exc:
        raise LogoError(f"The logo could not be fetched: {exc.__class__.__name__}.") from None
    return data


class BrandingStore:
    """Reads and writes the ISP's name and logo; logos live in ``<instance>/branding``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _rows(self, session: Session) -> dict[str, ModuleSetting]:
        rows = session.execute(select(ModuleSetting).where(
            ModuleSetting.addon_id == HOST_SETTINGS_ID, ModuleSetting.partner_id == 0,
            ModuleSetting.key.in_((NAME_KEY, LOGO_KEY)))).scalars()
        return {row.key: row for row in rows}

    def load(self, session: Session) -> Branding:
        rows = self._rows(session)
        name = json.loads(rows[NAME_KEY].value) if NAME_KEY in rows else DEFAULT_NAME
        logo = json.loads(rows[LOGO_KEY].value) if LOGO_KEY in rows else ""
        return Branding(name=name or DEFAULT_NAME, logo=logo if logo and (self.folder / logo).is_file() else "")

    def _put(self, session: Session, key: str, value: str) -> None:
        value = json.dumps(value)
        row = self._rows(session).get(key)
        if row is None:
            session.add(ModuleSetting(addon_id=HOST_SETTINGS_ID, partner_id=0, key=key, value=value))
        else:
            row.value = value

    def save_name(self, session: Session, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise LogoError("Enter the ISP's name.")
        if len(name) > MAX_NAME:
            raise LogoError(f"The name is longer than {MAX_NAME} characters.")
        self._put(session, NAME_KEY, name)
        return name

    def save_logo(self, session: Session, data: bytes) -> str:
        """Keep ``data`` as the logo (named by its hash) and return the file name."""
        if not data:
            raise LogoError("The logo file is empty.")
        if len(data) > MAX_LOGO_BYTES:
            raise LogoError(f"The logo is larger than {MAX_LOGO_BYTES // 1024} KB.")
        name = f"logo-{hashlib.sha256(data).hexdigest()[:20]}.{image_kind(data)}"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)
        self._put(session, LOGO_KEY, name)
        return name

    def remove_logo(self, session: Session) -> None:
        self._put(session, LOGO_KEY, "")
