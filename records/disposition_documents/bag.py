"""The transfer package: records handed to an archive as a BagIt bag.

The records services gather ``TransferItem``s for the records leaving the
store and call ``write_transfer_bag``. The bag's payload is::

    data/manifest.json                     what the bag holds, item by item
    data/records/<identifier>/<file name>  the content, exactly as stored
    data/records/<identifier>/metadata.json
    data/records/<identifier>/events.json

Names on disk are made from the identifier and the uploaded file name but are
never trusted as paths: both are reduced to one safe path component (no
separators, no ``..``, no control characters, no Windows device names), and
the original name is kept in ``manifest.json``.

The bag is built in a hidden folder beside the destination and renamed into
place only once it is complete and valid, so a failure leaves nothing behind.
``bagit.make_bag`` changes the process's working directory while it runs:
call this from a task worker, not from a threaded web request.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import re
import secrets
import shutil
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, BinaryIO

import bagit

from records.disposition_documents.wording import size_label

CHUNK_BYTES = 1024 * 1024
DEFAULT_CHECKSUMS = ("sha256", "sha512")
MANIFEST_NAME = "manifest.json"
_RECORDS_DIR = "records"
_OWN_FILES = frozenset({"metadata.json", "events.json"})
# Names Windows will not create whatever the extension ("CON.pdf" too).
_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Bytes, not characters: file systems limit names to 255 bytes, and room is
# left for a suffix telling apart names that came out the same.
_MAX_NAME_BYTES = 120
_MAX_IDENTIFIER_BYTES = 80
# bag-info.txt labels, as RFC 8493 section 2.2.2 allows them.
_TAG_LABEL = re.compile(r"[^\s:][^:\r\n]*")
_COMPUTED_TAGS = frozenset({"Payload-Oxum"})


@dataclass(frozen=True, kw_only=True)
class TransferItem:
    """One record to transfer.

    ``open_content`` is called once and what it returns is closed after
    reading. ``sha256`` is the digest recorded when the content was stored:
    the copy in the bag must match it. ``metadata`` and ``events`` must be
    JSON-serialisable (dates, datetimes, decimals and UUIDs are written as
    strings).
    """

    identifier: str
    filename: str
    open_content: Callable[[], BinaryIO]
    sha256: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    events: Sequence[Mapping[str, Any]] = ()


class TransferPackageError(Exception):
    """The transfer package could not be written; nothing was left behind.

    The message is meant for the clerk and names the record concerned.
    """


class TransferContentMismatch(TransferPackageError):
    """A record's content no longer matches the SHA-256 stored with it."""

    def __init__(self, message: str, *, identifier: str, expected: str, found: str):
        super().__init__(message)
        self.identifier = identifier
        self.expected = expected
        self.found = found


def write_transfer_bag(
    destination_dir: Path,
    items: Sequence[TransferItem],
    bag_info: Mapping[str, str],
    *,
    checksums: Sequence[str] = DEFAULT_CHECKSUMS,
) -> Path:
    """Write ``items`` as a validated BagIt bag at ``destination_dir``.

    ``bag_info`` fills bag-info.txt (Source-Organization, External-Identifier,
    External-Description, ...); line breaks in values become spaces. bagit
    adds Payload-Oxum and, unless given, Bagging-Date; Bag-Count defaults to
    "1 of 1" and Bag-Size is the payload's size. ``checksums`` name the
    manifests to write (SHA-256 is always among them).

    Each file's SHA-256 is checked while it is copied; a mismatch raises
    ``TransferContentMismatch``. The finished bag is opened again and fully
    validated before it is moved into place. On any error nothing is left at
    or beside ``destination_dir``. Returns ``destination_dir``.
    """
    destination = Path(destination_dir).absolute()
    _check_request(destination, items, checksums)
    info = _bag_info(bag_info)
    destination.parent.mkdir(parents=True, exist_ok=True)
    building = _partial_path(destination)
    building.mkdir()  # not mkdtemp: the bag gets the usual permissions
    try:
        # make_bag moves what is in the folder into data/.
        payload_bytes = _write_payload(building, items)
        info.setdefault("Bag-Size", size_label(payload_bytes))
        algorithms = list(dict.fromkeys(["sha256", *checksums]))
        bagit.make_bag(str(building), bag_info=info, checksums=algorithms)
        _validate(building)
        _sync_tree(building)
        if destination.exists():
            raise TransferPackageError(
                f"{destination} appeared while the transfer package was written; "
                "it was left as it is."
            )
        os.rename(building, destination)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _sync_directory(destination.parent)
    return destination


def _check_request(
    destination: Path, items: Sequence[TransferItem], checksums: Sequence[str]
) -> None:
    if destination.exists():
        raise TransferPackageError(
            f"{destination} already exists; a transfer package is never written "
            "over another."
        )
    if not items:
        raise TransferPackageError("A transfer package needs at least one record.")
    unknown = set(checksums) - set(bagit.CHECKSUM_ALGOS)
    if unknown:
        raise ValueError(f"Unknown checksum algorithms: {', '.join(sorted(unknown))}")
    seen: set[str] = set()
    for item in items:
        if item.identifier in seen:
            raise TransferPackageError(
                f"Record {item.identifier} is listed twice in the transfer."
            )
        seen.add(item.identifier)
        if not _SHA256.fullmatch(item.sha256.lower()):
            raise TransferPackageError(
                f"Record {item.identifier} has no valid SHA-256 digest, so its "
                "content cannot be checked on the way out."
            )


def _bag_info(bag_info: Mapping[str, str]) -> dict[str, str]:
    info = {"Bag-Count": "1 of 1"}
    for label, value in bag_info.items():
        if not _TAG_LABEL.fullmatch(label) or label != label.strip():
            raise ValueError(f"{label!r} cannot be a bag-info.txt label.")
        if label in _COMPUTED_TAGS:
            raise ValueError(f"{label} is computed by bagit and cannot be given.")
        # bagit drops line breaks silently, which would run words together.
        info[label] = " ".join(str(value).split())
    return info


# Payload -----------------------------------------------------------------------


def _write_payload(root: Path, items: Sequence[TransferItem]) -> int:
    """Copy and describe every item under ``root``; the payload's size."""
    records_dir = root / _RECORDS_DIR
    records_dir.mkdir()
    folders: set[str] = set()
    listed = []
    for item in items:
        folder = _unique(safe_identifier(item.identifier), folders)
        item_dir = _inside(records_dir, folder)
        item_dir.mkdir()
        content_name = safe_filename(item.filename)
        size = _copy_checked(item, _inside(item_dir, content_name))
        _write_json(item_dir / "metadata.json", item.metadata)
        _write_json(item_dir / "events.json", list(item.events))
        prefix = f"{_RECORDS_DIR}/{folder}"
        listed.append(
            {
                "identifier": item.identifier,
                "filename": item.filename,
                "path": f"{prefix}/{content_name}",
                "sha256": item.sha256.lower(),
                "size": size,
                "metadata": f"{prefix}/metadata.json",
                "events": f"{prefix}/events.json",
            }
        )
    manifest = {"created_by": "Quorum", "item_count": len(listed), "items": listed}
    _write_json(root / MANIFEST_NAME, manifest)
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _copy_checked(item: TransferItem, target: Path) -> int:
    """Stream the content to ``target``, hashing it on the way; its size."""
    digest = hashlib.sha256()
    size = 0
    with item.open_content() as source, open(target, "xb") as copy:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
    found, expected = digest.hexdigest(), item.sha256.lower()
    if found != expected:
        raise TransferContentMismatch(
            f"The content of record {item.identifier} does not match the SHA-256 "
            f"stored with it (expected {expected}, read {found}). The stored copy "
            "may be damaged; no transfer package was written.",
            identifier=item.identifier,
            expected=expected,
            found=found,
        )
    return size


def _write_json(path: Path, value: Any) -> None:
    text = json.dumps(
        value, indent=2, ensure_ascii=False, sort_keys=True, default=_json_value
    )
    path.write_text(text + "\n", encoding="utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # datetimes too
    if isinstance(value, decimal.Decimal | uuid.UUID | PurePath):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _partial_path(final: Path) -> Path:
    """A hidden name beside ``final`` for it while it is being written."""
    return final.with_name(f".{final.name}.{secrets.token_hex(6)}.partial")


def _validate(bag_dir: Path) -> None:
    try:
        bagit.Bag(str(bag_dir)).validate()
    except bagit.BagError as error:
        raise TransferPackageError(
            f"The transfer package did not validate: {error}"
        ) from error


def _sync_tree(root: Path) -> None:
    """Flush the bag to disk so the rename never publishes empty files."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_directory(Path(folder))


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the files are synced
    finally:
        os.close(fd)


# Safe names ----------------------------------------------------------------------


def safe_filename(name: str) -> str:
    """The last part of an uploaded ``name``, made one safe path component.

    "../../etc/passwd" gives "passwd", "C:\\Users\\a\\Report.pdf" gives
    "Report.pdf", "con.pdf" gives "_con.pdf"; an empty result is "content".
    """
    parts = _path_parts(name)
    return _safe_component(parts[-1] if parts else "", "content", _MAX_NAME_BYTES)


def safe_identifier(identifier: str) -> str:
    """A record identifier as one safe folder name ("2024/17" gives "2024_17")."""
    joined = "_".join(_path_parts(identifier))
    return _safe_component(joined, "record", _MAX_IDENTIFIER_BYTES)


def _path_parts(text: str) -> list[str]:
    """What lies between slashes and backslashes, without "." and ".."."""
    return [part for part in re.split(r"[/\\]", text) if part not in ("", ".", "..")]


def _safe_component(text: str, fallback: str, max_bytes: int) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join("_" if unicodedata.category(c)[0] == "C" else c for c in text)
    text = _UNSAFE_CHARACTERS.sub("_", text)
    # Windows drops trailing dots and spaces; leading ones hide the file.
    text = " ".join(text.split()).strip(". ")
    text = _shorten(text, max_bytes)
    if not text:
        return fallback
    stem = text.split(".", 1)[0].rstrip(" ").upper()
    if stem in _DEVICE_NAMES or text.casefold() in _OWN_FILES:
        text = f"_{text}"
    return text


def _shorten(text: str, max_bytes: int) -> str:
    """Cut ``text`` to ``max_bytes`` of UTF-8, keeping a short extension."""
    if len(text.encode()) <= max_bytes:
        return text
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension.encode()) > 16:
        stem, extension = text, ""
    suffix = f".{extension}" if extension else ""
    budget = max_bytes - len(suffix.encode())
    stem = stem.encode()[:budget].decode(errors="ignore").rstrip(". ")
    return stem + suffix


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``...; case-insensitive, as on macOS."""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate.casefold())
    return candidate


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing anything that would land elsewhere."""
    path = folder / name
    if path.parent != folder or name in ("", ".", ".."):
        raise TransferPackageError(f"{name!r} cannot be used as a file name.")
    return path


# Serialisation -------------------------------------------------------------------


def zip_bag(bag_path: Path) -> Path:
    """The bag as one ZIP file beside it (``<bag>.zip``), for sending on.

    As RFC 8493 asks, the archive unpacks to a single folder named as the bag.
    The bag's completeness is checked first (Payload-Oxum, not every digest:
    ``write_transfer_bag`` has just done that). The ZIP is written under a
    temporary name and renamed when complete; an existing one is not replaced.
    """
    bag_path = Path(bag_path).absolute()
    try:
        bagit.Bag(str(bag_path)).validate(fast=True)
    except bagit.BagError as error:
        raise TransferPackageError(
            f"{bag_path} is not a complete bag: {error}"
        ) from error
    target = bag_path.with_name(f"{bag_path.name}.zip")
    if target.exists():
        raise TransferPackageError(f"{target} already exists; it was left as it is.")
    partial = _partial_path(target)
    try:
        with (
            open(partial, "xb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for path in sorted(p for p in bag_path.rglob("*") if p.is_file()):
                archive.write(path, f"{bag_path.name}/{path.relative_to(bag_path)}")
        os.rename(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
