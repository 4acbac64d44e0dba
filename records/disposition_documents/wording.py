"""How the disposition documents write times, sizes and digests."""

from __future__ import annotations

import datetime
import unicodedata

_MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()


def long_moment(moment: datetime.datetime) -> str:
    """ "March 14, 2025, 10:32 a.m. (UTC-04:00)"; no offset for naive times."""
    hour = moment.hour % 12 or 12
    suffix = "a.m." if moment.hour < 12 else "p.m."
    text = (
        f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}, "
        f"{hour}:{moment.minute:02d} {suffix}"
    )
    offset = moment.utcoffset()
    if offset is None:
        return text
    if not offset:
        return f"{text} (UTC)"
    sign = "-" if offset < datetime.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text} (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def size_label(size: int) -> str:
    """ "812 bytes", "48.2 kB", "1.3 MB" (decimal units, as file managers)."""
    if size < 1000:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"


def records_count(count: int) -> str:
    """ "1 record", "1,204 records"."""
    return "1 record" if count == 1 else f"{count:,} records"


def short_sha256(sha256: str) -> str:
    """The first and last eight hex digits: enough to tell contents apart."""
    sha256 = sha256.lower()
    return f"{sha256[:8]}\u2026{sha256[-8:]}" if len(sha256) > 16 else sha256


def grouped_sha256(sha256: str) -> str:
    """The whole digest in groups of eight, for reading out or comparing."""
    sha256 = sha256.lower()
    return " ".join(sha256[start : start + 8] for start in range(0, len(sha256), 8))


def one_line(text: str) -> str:
    """Control characters (tabs, line breaks, bidi marks) become spaces."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
