"""A zip container (an OFD, an XLSX workbook), unpacked under limits: entry count, per-entry and total unpacked
size (counted while inflating, never trusted from the header), compression ratio, names that are absolute or climb
out, duplicate names and encryption — each refused with its own error before anything else reads the file."""

from __future__ import annotations

import io
import posixpath
import zipfile

from attest.errors import (
    ArchiveDuplicate,
    ArchiveEncrypted,
    ArchivePath,
    ArchiveRatio,
    ArchiveTooLarge,
    ArchiveTooManyEntries,
    DocumentUnreadable,
)
from attest.settings import LimitSettings

_CHUNK = 64 * 1024
_RATIO_FLOOR = 64 * 1024  # small entries may pack well (a blank template): the ratio counts above this


def _safe_name(name: str) -> str:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name.split("/")[0]:
        raise ArchivePath(f"entry name {name[:80]!r} is not a plain relative path")
    clean = posixpath.normpath(name)
    if clean == ".." or clean.startswith("../"):
        raise ArchivePath(f"entry {name[:80]!r} climbs out of the archive")
    return clean


def unpack(data: bytes, limits: LimitSettings, what: str = "OFD") -> dict[str, bytes]:
    """Every file entry of the archive by its normalised name; directories are skipped. `what` names the file
    in the errors (the limits are the same for every container)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentUnreadable(f"the {what}'s zip container cannot be read: {exc}") from exc
    if len(infos) > limits.archive_max_entries:
        raise ArchiveTooManyEntries(f"the {what} holds {len(infos):,} entries; "
                                    f"the limit is {limits.archive_max_entries}")
    out: dict[str, bytes] = {}
    folded: set[str] = set()
    total = 0
    for info in infos:
        name = _safe_name(info.filename)
        if info.is_dir():
            continue
        if name.lower() in folded:
            raise ArchiveDuplicate(f"the {what} holds two entries named {name[:80]!r}")
        folded.add(name.lower())
        if info.flag_bits & 0x1:
            raise ArchiveEncrypted(f"entry {name[:80]!r} is encrypted")
        body = bytearray()
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    body += chunk
                    if len(body) > limits.archive_max_entry_bytes:
                        raise ArchiveTooLarge(f"entry {name[:80]!r} unpacks past "
                                              f"{limits.archive_max_entry_bytes:,} bytes")
                    if total + len(body) > limits.archive_max_total_bytes:
                        raise ArchiveTooLarge(f"the {what} unpacks past {limits.archive_max_total_bytes:,} bytes")
                    if len(body) > _RATIO_FLOOR and len(body) > max(info.compress_size, 1) * limits.archive_max_ratio:
                        raise ArchiveRatio(f"entry {name[:80]!r} unpacks to more than {limits.archive_max_ratio}× "
                                           "its packed size")
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise DocumentUnreadable(f"entry {name[:80]!r} of the {what} cannot be unpacked: {exc}") from exc
        total += len(body)
        out[name] = bytes(body)
    return out
