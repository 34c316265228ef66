"""Uploaded spreadsheets kept between the preview and the confirmed import.

Each upload is stored under a random token in ``upload_dir/imports`` — never under the name the
browser sent — with a small JSON file saying whose it is, for which register and college. Only
the person who uploaded it can use it; uploads older than a day are removed.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tandem.config import Settings
from tandem.kit.errors import AppError, NotFound
from tandem.kit.i18n import N_

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
KEEP_SECONDS = 24 * 3600
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


class UploadTooLarge(AppError):
    status_code = 413
    code = "upload_too_large"
    title = N_("The upload is too large")


def too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        N_("The file is larger than %(size)s MB. Split it into smaller files."),
        size=f"{limit / 1024 / 1024:.0f}",
    )


@dataclass(frozen=True)
class Upload:
    token: str
    user_id: int | None
    register: str
    college_id: int | None
    create_accounts: bool
    filename: str  # for display only


def _folder(settings: Settings) -> Path:
    assert settings.upload_dir is not None  # noqa: S101 - Settings fills it in
    folder = settings.upload_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def display_name(filename: str | None) -> str:
    """The browser's file name, only ever shown, never used as a path."""
    name = Path((filename or "").replace("\\", "/")).name
    return _SAFE_NAME.sub("_", name)[:100] or "upload"


def save(
    settings: Settings,
    data: bytes,
    *,
    user_id: int | None,
    register: str,
    college_id: int | None,
    create_accounts: bool,
    filename: str | None,
) -> Upload:
    folder = _folder(settings)
    _remove_old(folder)
    upload = Upload(
        token=secrets.token_urlsafe(32),
        user_id=user_id,
        register=register,
        college_id=college_id,
        create_accounts=create_accounts,
        filename=display_name(filename),
    )
    (folder / f"{upload.token}.data").write_bytes(data)
    (folder / f"{upload.token}.json").write_text(json.dumps(asdict(upload)), encoding="utf-8")
    return upload


def load(settings: Settings, token: str, *, user_id: int | None, register: str) -> Upload:
    """The upload with ``token`` if it is this person's, for this register; else not found."""
    missing = NotFound(N_("This upload is no longer available; upload the file again."))
    if not TOKEN.match(token):
        raise missing
    meta = _folder(settings) / f"{token}.json"
    if not meta.is_file():
        raise missing
    upload = Upload(**json.loads(meta.read_text(encoding="utf-8")))
    if upload.user_id != user_id or upload.register != register:
        raise missing
    return upload


def data_of(settings: Settings, upload: Upload) -> bytes:
    return (_folder(settings) / f"{upload.token}.data").read_bytes()


def save_errors(settings: Settings, upload: Upload, workbook: bytes) -> None:
    (_folder(settings) / f"{upload.token}.errors.xlsx").write_bytes(workbook)


def errors_of(settings: Settings, upload: Upload) -> bytes | None:
    path = _folder(settings) / f"{upload.token}.errors.xlsx"
    return path.read_bytes() if path.is_file() else None


def discard(settings: Settings, upload: Upload) -> None:
    for suffix in (".data", ".errors.xlsx", ".json"):
        (_folder(settings) / f"{upload.token}{suffix}").unlink(missing_ok=True)


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # removed meanwhile by another request
            continue
