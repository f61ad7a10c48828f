"""The dry run's cleaned rows, kept on disk so the import writes them without cleaning again.

Cleaning a million rows costs a minute of CPU; the check has already done it, and an
import that cleans again competes with its own writer for the machine's cores. The check
stores its rows next to the uploaded file, in `marshal` frames of one cleaning chunk each, each
after its length (plain data only: no code can hide in them), behind a header naming the
file's hash and the column mapping. The import reads them back if the header still matches and cleans the
file itself otherwise (another storage, a crash during the check, an older format).
The file is written under a temporary name and renamed, and removed when the import ends.
"""

import datetime
import marshal
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from .models import CustomerImport

FORMAT = 2
CleanRow = tuple[int, dict, list[tuple[str, str]]]


def _path(customer_import: CustomerImport) -> Path | None:
    try:
        return Path(customer_import.file.path + ".checked")
    except (NotImplementedError, ValueError):
        return None  # a storage without local paths: the import cleans the file again


def _header(customer_import: CustomerImport) -> dict:
    return {"format": FORMAT, "sha256": customer_import.sha256, "mapping": sorted(customer_import.mapping.items())}


def frame_dumps(rows: list[CleanRow]) -> bytes:
    """One frame of cleaned rows (made in the check's worker processes, which own the rows:
    their birth dates are turned into text in place)."""
    for _number, data, _errors in rows:
        if (born := data.get("birth_date")) is not None:
            data["birth_date"] = born.isoformat()
    body = marshal.dumps(rows)
    # Length first: marshal.load on a file reads it in tiny pieces (four times slower).
    return struct.pack("<Q", len(body)) + body


class CheckedRowsWriter:
    """Collects the check's frames; `close()` publishes them, `abandon()` leaves nothing."""

    def __init__(self, customer_import: CustomerImport) -> None:
        self.path = _path(customer_import)
        self.handle = None
        if self.path is not None:
            self.temporary = self.path.with_name(self.path.name + ".tmp")
            self.handle = open(self.temporary, "wb")
            marshal.dump(_header(customer_import), self.handle)

    def add_frame(self, frame: bytes) -> None:
        if self.handle is not None:
            self.handle.write(frame)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.temporary.unlink(missing_ok=True)


def checked_rows(customer_import: CustomerImport, *, skip: int, dates: bool = True) -> Iterator[CleanRow] | None:
    """The check's rows after `skip`, or None when there are none that fit this import.

    `dates`: birth dates as dates, as the file's other readers give them; else as the ISO
    text they are kept as (see `dates_restored`).
    """
    path = _path(customer_import)
    if path is None or not path.exists():
        return None
    handle = open(path, "rb")
    try:
        header = marshal.load(handle)
    except (EOFError, ValueError, TypeError):
        header = None
    if header != _header(customer_import):
        handle.close()
        return None
    return _frames(handle, skip, dates)


def checked_rows_ready(customer_import: CustomerImport) -> bool:
    """Whether the check's rows are there for this import."""
    rows = checked_rows(customer_import, skip=0)
    if rows is None:
        return False
    rows.close()
    return True


def _frames(handle, skip: int, dates: bool) -> Iterator[CleanRow]:
    with handle:
        while True:
            size = handle.read(8)
            if len(size) < 8:
                return
            frame = marshal.loads(handle.read(struct.unpack("<Q", size)[0]))
            if skip >= len(frame):
                skip -= len(frame)
                continue
            if not dates:
                yield from frame[skip:] if skip else frame
            else:
                for row in frame[skip:]:
                    dates_restored(row[1])
                    yield row
            skip = 0


def dates_restored(data: dict) -> dict:
    """A checked row with its birth date a date again."""
    if isinstance(data.get("birth_date"), str):
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    return data


def checked_rows_discard(customer_import: CustomerImport) -> None:
    path = _path(customer_import)
    if path is not None:
        path.unlink(missing_ok=True)
