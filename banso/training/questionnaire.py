"""Post-training questionnaires exported by Microsoft Forms or Google Forms, read safely and checked in full.

Forms exports differ: CSV in UTF-8 (Google), UTF-8 with a BOM or Shift_JIS/CP932 (Excel on Japanese Windows
re-saving a file), or .xlsx (Microsoft Forms). The reader finds the encoding, the header row and what each column
looks like; the person confirms which columns are rating scales, which are free text and which to ignore
(timestamps, e-mail addresses). The choice is saved for files with the same headers. Scale answers may be
numbers or the usual Japanese wordings; anything else is reported by row and column, and nothing is written
unless every answer is understood.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from banso.core.uploads import Problem, UploadError, column_letter, open_xlsx

ENCODINGS = ("utf-8-sig", "cp932")
# Wordings of 5- and 4-point scales, best first; matched after NFKC and without spaces.
SCALES = [
    ["とてもそう思う", "そう思う", "どちらともいえない", "そう思わない", "まったくそう思わない"],
    ["非常に満足", "満足", "普通", "不満", "非常に不満"],
    ["満足", "やや満足", "どちらともいえない", "やや不満", "不満"],
    ["とても役に立った", "役に立った", "どちらともいえない", "あまり役に立たなかった", "役に立たなかった"],
    ["よくわかった", "わかった", "どちらともいえない", "あまりわからなかった", "わからなかった"],
    ["そう思う", "ややそう思う", "あまりそう思わない", "そう思わない"],
]
# Columns Forms always adds that are never questions.
IGNORED_HEADERS = (
    "タイムスタンプ",
    "timestamp",
    "id",
    "開始時刻",
    "完了時刻",
    "メール",
    "email",
    "名前",
    "name",
    "最終変更時刻",
)


def _fold(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


WORD_SCORES: dict[str, tuple[int, int]] = {}
for scale in SCALES:
    for index, word in enumerate(scale):
        WORD_SCORES.setdefault(_fold(word), (len(scale) - index, len(scale)))


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    encoding: str = ""
    source_name: str = ""

    @property
    def signature(self) -> str:
        return hashlib.sha256("\x1f".join(_fold(h) for h in self.headers).encode()).hexdigest()


def read_table(path, original_name: str) -> Table:
    """Headers and rows of a CSV or .xlsx export, as text; UploadError with a Japanese message otherwise."""
    if original_name.lower().endswith(".xlsx"):
        _info, workbook = open_xlsx(path, original_name=original_name)
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)
        cells = [[_cell(c) for c in row] for row in rows]
        encoding = "xlsx"
    else:
        raw = path.read_bytes()
        text, encoding = _decode(raw, original_name)
        cells = [row for row in csv.reader(io.StringIO(text))]
    cells = [row for row in cells if any(c.strip() for c in row)]
    if len(cells) < 2:
        raise UploadError(_("%(name)s has no answers below its header row.") % {"name": original_name})
    width = len(cells[0])
    rows = [row + [""] * (width - len(row)) for row in cells[1:]]
    return Table([c.strip() for c in cells[0]], rows, encoding, original_name[:200])


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in raw[:4096]:
        raise UploadError(
            _("%(name)s is not a CSV text file. Export the answers as CSV or Excel (.xlsx) and upload that.")
            % {"name": name}
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UploadError(
        _("%(name)s mixes character encodings and cannot be read. Open it in Excel and save it as “CSV UTF-8”.")
        % {"name": name}
    )


def guess_kinds(table: Table) -> dict[str, str]:
    """header -> "scale" | "text" | "ignore", from the headers and the answers themselves."""
    kinds = {}
    for index, header in enumerate(table.headers):
        values = [row[index].strip() for row in table.rows if row[index].strip()]
        folded = _fold(header).lower()
        if not header or any(folded.startswith(word) for word in IGNORED_HEADERS):
            kinds[header] = "ignore"
        elif values and all(scale_score(v) is not None for v in values):
            kinds[header] = "scale"
        else:
            kinds[header] = "text"
    return kinds


def scale_score(value: str) -> tuple[int, int] | None:
    """(points, scale size) of an answer such as 「4」「そう思う」「５」; None if it is not one."""
    folded = _fold(value)
    if folded.isdigit() and 1 <= int(folded) <= 10:
        return int(folded), 0  # size 0: numeric, the highest number given sets the scale
    return WORD_SCORES.get(folded)


@dataclass
class Checked:
    questions: list[dict] = field(
        default_factory=list
    )  # {"text", "kind", "scale_max", "answers": [(respondent, score, text)]}
    problems: list[Problem] = field(default_factory=list)
    respondents: int = 0


def check(table: Table, kinds: dict[str, str], sheet: str) -> Checked:
    result = Checked(respondents=len(table.rows))
    for index, header in enumerate(table.headers):
        kind = kinds.get(header, "ignore")
        if kind == "ignore":
            continue
        question: dict[str, Any] = {"text": header[:300], "kind": kind, "scale_max": None, "answers": []}
        for offset, row in enumerate(table.rows, start=2):
            value = row[index].strip()
            if not value:
                continue
            if kind == "text":
                question["answers"].append((offset - 1, None, value))
                continue
            score = scale_score(value)
            if score is None:
                result.problems.append(
                    Problem(
                        _(
                            "“%(value)s” is not on a rating scale. Use numbers (1 to 5) or the usual wordings (そう思う …), or mark the column as free text."
                        )
                        % {"value": value},
                        sheet=sheet,
                        row=offset,
                        column=f"{column_letter(index)}（{header}）",
                    )
                )
                continue
            question["answers"].append((offset - 1, score[0], ""))
            question["scale_max"] = max(question["scale_max"] or 0, score[1] or score[0])
        result.questions.append(question)
    if not result.questions:
        result.problems.append(Problem(_("Choose at least one column with questions to import.")))
    return result
