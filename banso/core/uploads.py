"""Safe first look at an uploaded spreadsheet, before any parser touches it.

An .xlsx is a zip of XML parts. We refuse, with a message that says what to
do: files over the size limit, files that are not a zip (a renamed .xls, a
PDF), workbooks protected with a password (Office then stores an encrypted
OLE container instead of a zip), zips that would inflate far beyond their size
(a "zip bomb"), and zips without a workbook. Only then does calamine read it.

`formula_cells()` scans a sheet's XML for formulas: calamine returns their
cached results, which may be stale or missing, so imports refuse formulas in
data cells and ask for values instead.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_INFLATED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # inflated ÷ compressed, for the whole archive
MAX_ENTRIES = 5_000


@contextmanager
def local_copy(stored: Any, suffix: str = ".xlsx") -> Iterator[Path]:
    """A file kept in Django's storage, as a temporary file on this machine for the readers that need a path (the
    zip checks, calamine); removed afterwards. Through the storage API only, so the file may live on storage
    shared by several machines; copied a megabyte at a time, never held in memory whole."""
    handle, name = tempfile.mkstemp(suffix=suffix, prefix="banso-")
    try:
        with os.fdopen(handle, "wb") as copy, stored.open("rb") as source:
            shutil.copyfileobj(source, copy, 1 << 20)
        yield Path(name)
    finally:
        os.unlink(name)


class UploadError(ValueError):
    """The file cannot be read; the message (Japanese) tells the user what to do."""


@dataclass
class Problem:
    """One thing wrong with an imported file, placed as Excel shows it, with a Japanese message."""

    message: str
    sheet: str = ""
    row: int | None = None  # as Excel numbers rows (1-based)
    column: str = ""  # letter and header, e.g. "J（年間件数）"
    field: str = ""
    severity: str = "error"  # or "warning"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class XlsxInfo:
    path: Path
    sheet_parts: dict[str, str]  # sheet name -> part name in the zip


def check_upload_size(size: int, name: str) -> None:
    """Refuse a file over the limit before it is stored or parsed."""
    if size > settings.BANSO_MAX_UPLOAD_BYTES:
        limit = settings.BANSO_MAX_UPLOAD_BYTES // 1024 // 1024
        raise UploadError(
            _(
                "%(name)s is %(size)s MB; files up to %(limit)s MB can be uploaded. Make it smaller or split it into several files."
            )
            % {"name": name, "size": round(size / 1024 / 1024, 1), "limit": limit}
        )


def inspect_xlsx(path: Path, *, original_name: str = "") -> XlsxInfo:
    path = Path(path)
    name = original_name or path.name
    size = path.stat().st_size
    check_upload_size(size, name)
    if size == 0:
        raise UploadError(_("%(name)s is empty.") % {"name": name})
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise UploadError(
            _(
                "%(name)s is protected with a password or saved in the old .xls format. Open it in Excel, "
                "remove the password (or save as .xlsx) and upload it again."
            )
            % {"name": name}
        )
    if not head.startswith(ZIP_MAGIC):
        raise UploadError(
            _("%(name)s is not an Excel workbook (.xlsx). Save it from Excel as “Excel workbook (*.xlsx)”.")
            % {"name": name}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _check_inflation(entries, size, name)
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names:
                raise UploadError(_("%(name)s is a zip file but not an Excel workbook.") % {"name": name})
            parts = _sheet_parts(archive)
    except zipfile.BadZipFile as err:
        raise UploadError(
            _("%(name)s is damaged and cannot be opened. Open it in Excel, save it again and upload it.")
            % {"name": name}
        ) from err
    return XlsxInfo(path=path, sheet_parts=parts)


def _check_inflation(entries: list[zipfile.ZipInfo], size: int, name: str) -> None:
    inflated = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or inflated > MAX_INFLATED_BYTES or inflated > size * MAX_RATIO:
        raise UploadError(
            _("%(name)s expands to far more data than a survey sheet holds and was not opened.") % {"name": name}
        )


_SHEET_RE = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL_RE = re.compile(r'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_RE2 = re.compile(r'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels_xml = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    rels = {rid: target for rid, target in _REL_RE.findall(rels_xml)}
    rels.update({rid: target for target, rid in _REL_RE2.findall(rels_xml)})
    parts = {}
    for sheet_name, rid in _SHEET_RE.findall(workbook):
        target = rels.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[_unescape(sheet_name)] = part
    return parts


_FORMULA_RE = re.compile(rb"<f[\s>/]")  # a formula element (not <formula1> of a list's validation)
_CELL_REF_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class SheetScan:
    rows: int = 0  # rows holding cells, counted until just past the limit the scan was given
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, column), both 0-based


def scan_sheet(info: XlsxInfo, sheet_name: str, *, more_than: int = sys.maxsize) -> SheetScan:
    """The rows with cells and the formula cells of a sheet, from one pass over its XML a megabyte at a time,
    stopped as soon as there are more than `more_than` rows: a sheet too long to import is refused before any
    parser holds it (a million rows would take calamine seconds and gigabytes), and neither the XML nor its text
    is ever held whole. Rows that are only formatted (empty `<row/>`) do not count."""
    scan = SheetScan()
    part = info.sheet_parts.get(sheet_name)
    if not part:
        return scan
    tail = b""
    with zipfile.ZipFile(info.path) as archive:
        try:
            xml = archive.open(part)
        except KeyError:
            return scan
        with xml:
            while scan.rows <= more_than and (chunk := xml.read(1 << 20)):
                window = tail + chunk
                # Whole rows only: what follows the last row's start waits for the next chunk, so a cell and its
                # formula are never cut apart.
                cut = window.rfind(b"<row")
                if cut <= 0:
                    tail = window
                    continue
                _scan_rows(window[:cut], scan)
                tail = window[cut:]
            if scan.rows <= more_than:
                _scan_rows(tail, scan)
    return scan


def _scan_rows(xml: bytes, scan: SheetScan) -> None:
    scan.rows += xml.count(b"</row>")
    # From each formula back to the cell that holds it: the time grows with the formulas, not with the sheet.
    at = xml.find(b"<f")
    while at >= 0:  # bytes.find rather than a regular expression: a sheet without formulas is passed over fast
        formula = _FORMULA_RE.match(xml, at)
        at = xml.find(b"<f", at + 2)
        if formula is None:
            continue
        cell = xml.rfind(b"<c ", 0, formula.start())
        ref = _CELL_REF_RE.match(xml, cell) if cell >= 0 else None
        if ref and xml.find(b"</c>", cell, formula.start()) < 0:
            scan.formulas.add((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))


def formula_cells(info: XlsxInfo, sheet_name: str) -> set[tuple[int, int]]:
    """(row, column), both 0-based, of every cell of the sheet that holds a formula."""
    return scan_sheet(info, sheet_name).formulas


def problem_groups(problems: list[dict[str, Any]], shown_rows: int = 10) -> list[dict[str, Any]]:
    """Problems as a person fixes them: one line per sheet, column and message with the rows it applies to
    (「M（職員区分）「正職員」は一覧にありません」 on 150 rows is one thing to fix, not 150), in the order first met."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for problem in problems:
        key = (problem.get("sheet", ""), problem.get("column", ""), problem.get("message", ""))
        group = groups.setdefault(key, {"sheet": key[0], "column": key[1], "message": key[2], "rows": []})
        if problem.get("row"):
            group["rows"].append(problem["row"])
    for group in groups.values():
        rows = sorted(set(group["rows"]))
        group["count"] = len(rows)
        group["rows"], group["more"] = rows[:shown_rows], max(0, len(rows) - shown_rows)
    return list(groups.values())


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(name: str, limit: int = 150) -> str:
    """A file or zip-entry name built from names users typed (a department, a programme): no path separators,
    control characters (CR/LF), characters Windows refuses, or leading dots, so it can neither climb out of a
    folder when unzipped nor break a header; the extension is kept when the name is shortened."""
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 5:
        stem, extension = name, ""
    stem = " ".join(_NOT_IN_FILE_NAMES.sub("_", stem).split()).lstrip(".") or "banso"
    return f"{stem[: limit - len(extension) - 1]}.{extension}" if extension else stem[:limit]


# What an evidence file or an attachment may be, by extension and by its first bytes (its content, not its name):
# documents and pictures a municipality files, never a page a browser would run (.html, .svg, .js).
_DOCUMENT_KINDS = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (ZIP_MAGIC,),
    "xlsx": (ZIP_MAGIC,),
    "pptx": (ZIP_MAGIC,),
    "odt": (ZIP_MAGIC,),
    "ods": (ZIP_MAGIC,),
    "txt": (),
    "csv": (),
}
_OFFICE_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/", "odt": "content.xml", "ods": "content.xml"}
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|script|svg|iframe|body)\b", re.I)


def check_document(upload: Any) -> None:
    """Refuse an uploaded evidence file or attachment that is not a document or picture of the kind its name says
    (PDF, PNG, JPEG, GIF, Word, Excel, PowerPoint, OpenDocument, text or CSV), checked by its content; UploadError
    with what to attach instead. The file is read only as far as needed and left at its start."""
    name = str(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    signatures = _DOCUMENT_KINDS.get(extension)
    fits = signatures is not None and (
        any(head.startswith(signature) for signature in signatures)
        if signatures
        else b"\x00" not in head and not _MARKUP.search(head)
    )
    if fits and extension in _OFFICE_PARTS:
        try:
            with zipfile.ZipFile(upload) as archive:
                fits = any(n.startswith(_OFFICE_PARTS[extension]) for n in archive.namelist())
        except zipfile.BadZipFile:
            fits = False
        upload.seek(0)
    if not fits:
        raise UploadError(
            _(
                "%(name)s cannot be attached. Attach a PDF, a picture (PNG, JPEG, GIF), a Word, Excel or "
                "PowerPoint file, or a text or CSV file, with the extension that matches it."
            )
            % {"name": name or "?"}
        )


def rows_with_cells(info: XlsxInfo, sheet_name: str, *, more_than: int) -> int:
    """How many rows of the sheet hold cells, counted until there are more than `more_than` (`scan_sheet`)."""
    return scan_sheet(info, sheet_name, more_than=more_than).rows


def safe_cell(value: Any) -> Any:
    """A value for an exported spreadsheet cell that Excel will never run as a formula.

    Text starting with = + - @ (or a tab / carriage return that hides one) gets a
    leading apostrophe, which Excel shows as plain text.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def open_xlsx(path: Path, *, original_name: str = "") -> tuple[XlsxInfo, Any]:
    """(XlsxInfo, calamine workbook) of an upload that passed the safety checks; UploadError otherwise."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    info = inspect_xlsx(path, original_name=original_name)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as err:
        raise UploadError(
            _("The workbook is protected with a password. Remove the password in Excel and upload it again.")
        ) from err
    except (CalamineError, OSError, ValueError) as err:
        raise UploadError(
            _("The workbook is damaged and cannot be read. Open it in Excel, save it again and upload it.")
        ) from err
    return info, workbook
