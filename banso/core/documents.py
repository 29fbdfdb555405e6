"""Documents for the council and the mayor, written once as blocks and rendered to .docx and PDF.

An exporter (the plan, later the annual review) builds a `Document` of simple
blocks; `docx_bytes()` and `pdf_bytes()` lay them out in the usual Japanese
style: A4, 明朝 body with ゴシック headings, page numbers at the foot.

The PDF embeds subsets of Noto Sans JP and Noto Serif JP (SIL OFL 1.1) from the
pinned `pylopdf-fonts-jp` package, so it prints the same on a closed LGWAN
terminal with no Japanese fonts installed. Word documents name the fonts that
every Japanese Windows has (游明朝, 游ゴシック) rather than embedding them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpResponse

from banso.core.linebreak import break_lines
from banso.core.uploads import safe_filename

# -- blocks --------------------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: chapter (starts a new page in print), 2: section, 3: item


@dataclass
class Paragraph:
    text: str
    small: bool = False


@dataclass
class Facts:
    """Label → text rows, like 「■施策の目的」 followed by its text."""

    rows: list[tuple[str, str]]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative; equal when empty
    bands: int = 0  # the first rows are bands across the columns (a roadmap's phases), shaded


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Facts | Table | PageBreak


@dataclass
class Document:
    title: str
    subtitle_lines: list[str] = field(default_factory=list)  # the cover, under the title
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False
    contents: bool = False  # a table of contents after the cover, with page numbers (PDF) or a field (Word)
    # A short report (an advisor's five sections): the title heads the first page instead of a cover of its own,
    # and chapters follow one another instead of each starting a page (six pages a fifth full otherwise).
    compact: bool = False

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


# -- PDF --------------------------------------------------------------------------------


@cache
def _font_files() -> tuple[str, str]:
    import pylopdf_fonts_jp

    folder = Path(pylopdf_fonts_jp.__file__).parent
    return str(folder / "NotoSansJP-Regular.otf"), str(folder / "NotoSerifJP-Regular.otf")


SANS, SERIF = "BansoSans", "BansoSerif"


def pdf_bytes(document: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(SANS, size=8)
            self.set_text_color(90)
            self.cell(0, 6, f"- {self.page_no()} -", align="C")
            self.set_text_color(0)

    pdf = _Pdf(orientation="L" if document.landscape else "P", format="A4")
    sans, serif = _font_files()
    pdf.add_font(SANS, "", sans)
    pdf.add_font(SERIF, "", serif)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(document.title)
    pdf.set_creator("Banso")
    _pdf_cover(pdf, document)
    if document.contents:
        entries = sum(1 for b in document.blocks if isinstance(b, Heading) and b.level <= 2)
        # Fewer pages than it may take (about 33 entries fit a page); fpdf adds the ones the contents need.
        pdf.insert_toc_placeholder(_pdf_contents, pages=max(1, entries // 40), allow_extra_pages=True)
    heading_face = FontFace(family=SANS, emphasis="", fill_color=(217, 230, 255))
    for block in document.blocks:
        if isinstance(block, PageBreak):
            pdf.add_page()
        elif isinstance(block, Heading):
            _pdf_heading(pdf, block, document.contents, document.compact)
        elif isinstance(block, Paragraph):
            pdf.set_font(SERIF, size=9 if block.small else 10.5)
            pdf.multi_cell(
                0, 6.2, _flow(pdf, block.text, pdf.epw), wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT"
            )
            pdf.ln(1.5)
        elif isinstance(block, Facts):
            for label, text in block.rows:
                pdf.set_font(SANS, size=10)
                pdf.multi_cell(0, 6, _flow(pdf, f"■{label}", pdf.epw), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font(SERIF, size=10.5)
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(
                    0,
                    6.2,
                    _flow(pdf, text or "—", pdf.epw - 4),
                    wrapmode=WrapMode.CHAR,
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.ln(1)
        elif isinstance(block, Table):
            _pdf_table(pdf, block, heading_face, WrapMode.CHAR)
    return bytes(pdf.output())


def _flow(pdf: Any, text: str, width: float) -> str:
    """The text broken into lines by Japanese rules (core.linebreak) for the current font, leaving one
    character's width for punctuation that hangs at a line's end."""
    room = width - 2 * pdf.c_margin - pdf.font_size * 1.05 - 0.5  # fpdf's own cell margins, the hanging character
    return "\n".join(break_lines(text, room, pdf.get_string_width))


def _pdf_contents(pdf: Any, outline: list[Any]) -> None:
    from django.utils.translation import gettext as _

    pdf.set_font(SANS, size=16)
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.cell(0, 10, _("Contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for section in outline:
        if section.level > 1:
            continue
        indent = 8 * section.level
        pdf.set_font(SANS if section.level == 0 else SERIF, size=11 if section.level == 0 else 10)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(pdf.epw - indent - 16, 7, section.name)
        pdf.cell(16, 7, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _pdf_cover(pdf: Any, document: Document) -> None:
    pdf.add_page()
    if document.compact:
        pdf.set_font(SANS, size=18)
        pdf.multi_cell(0, 10, document.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(SANS, size=10.5)
        for line in document.subtitle_lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        return
    pdf.set_y(pdf.h * 0.33)
    pdf.set_font(SANS, size=24)
    pdf.multi_cell(0, 14, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(SANS, size=13)
    for line in document.subtitle_lines:
        pdf.multi_cell(0, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()


def _pdf_heading(pdf: Any, block: Heading, contents: bool = False, compact: bool = False) -> None:
    sizes = {1: 16, 2: 13, 3: 11.5}
    # Chapters start a page (not in a compact report); no heading is left alone at the foot of one.
    if (block.level == 1 and not compact and pdf.get_y() > pdf.t_margin + 1) or pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    if compact and block.level == 1 and pdf.get_y() > pdf.t_margin + 1:
        pdf.ln(4)
    if contents and block.level <= 2:
        pdf.start_section(block.text, level=block.level - 1, strict=False)
    pdf.ln(2 if block.level > 1 else 0)
    pdf.set_font(SANS, size=sizes.get(block.level, 11))
    pdf.multi_cell(0, sizes.get(block.level, 11) * 0.6, block.text, new_x="LMARGIN", new_y="NEXT")
    if block.level == 1:
        pdf.set_draw_color(0, 23, 193)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
        pdf.ln(4)
    else:
        pdf.ln(1.5)


def _pdf_table(pdf: Any, block: Table, heading_face: Any, wrapmode: Any) -> None:
    if not block.rows:
        return
    widths = block.widths or [1] * len(block.headers)
    pdf.set_font(SERIF, size=9)
    padding = 1.2
    inner = [pdf.epw * w / sum(widths) - 2 * padding for w in widths]
    with pdf.table(
        col_widths=widths,
        headings_style=heading_face,
        line_height=5,
        text_align="LEFT",
        wrapmode=wrapmode,
        padding=padding,
        v_align="TOP",
    ) as table:
        header = table.row()
        for text in block.headers:
            header.cell(text)
        band_face = type(heading_face)(family=SANS, emphasis="", fill_color=(232, 241, 254))
        for index, values in enumerate(block.rows):
            row = table.row()
            band = index < block.bands
            for value, width in zip(values, inner, strict=False):
                text = _flow(pdf, str(value), width) if value not in (None, "") else ("" if band else "—")
                row.cell(text, style=band_face if band and text else None)
    pdf.ln(4)


# -- Word ----------------------------------------------------------------------------------

BODY_FONT, HEADING_FONT = "游明朝", "游ゴシック"


def docx_bytes(document: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin = section.bottom_margin = Mm(18)
    _docx_fonts(word, Pt)
    _docx_page_number(section, WD_ALIGN_PARAGRAPH.CENTER)
    word.core_properties.title = document.title
    if document.compact:
        word.add_paragraph(style="Title").add_run(document.title)
        for line in document.subtitle_lines:
            word.add_paragraph(line, style="Subtitle")
    else:
        for _ in range(8):
            word.add_paragraph()
        cover = word.add_paragraph(style="Title")
        cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover.add_run(document.title)
        for line in document.subtitle_lines:
            word.add_paragraph(line, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if document.contents:
        _docx_contents(word)
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    first_chapter = True
    for block in document.blocks:
        if isinstance(block, PageBreak):
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, Heading):
            heading = _styled(word, block.text, f"Heading {min(block.level, 3)}")
            heading.paragraph_format.page_break_before = (
                block.level == 1 and not first_chapter and not document.compact
            )
            first_chapter = first_chapter and block.level != 1
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph(block.text)
            if block.small:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
        elif isinstance(block, Facts):
            for label, text in block.rows:
                _styled(word, f"■{label}", "Heading 4")
                word.add_paragraph(text or "—")
        elif isinstance(block, Table):
            _docx_table(word, block, Mm(250 if document.landscape else 170))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _style_id(word: Any, name: str) -> str:
    """A style's id, looked up once per document: python-docx resolves a style name by scanning every style each
    time, which made a 60-measure plan take a second."""
    ids = word.__dict__.setdefault("_banso_style_ids", {})
    if name not in ids:
        ids[name] = word.styles[name].style_id
    return str(ids[name])


def _styled(word: Any, text: str, style: str) -> Any:
    paragraph = word.add_paragraph(text)
    paragraph._p.style = _style_id(word, style)
    return paragraph


def _docx_contents(word: Any) -> None:
    """A table of contents field: Word fills in the headings and their pages (it asks once to update fields)."""
    from django.utils.translation import gettext as _
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word.add_paragraph(_("Contents"), style="Heading 1")
    run = word.add_paragraph().add_run()
    parts = [("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None), (None, None), ("end", None)]
    for kind, instruction in parts:
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                element.set(qn("w:dirty"), "true")  # Word updates the field when the file is opened
        elif instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = _("Update this field (F9) to list the chapters and their pages.")
        run._r.append(element)


def _docx_fonts(word: Any, Pt: Any) -> None:
    from docx.oxml.ns import qn

    def east_asian(style: Any, name: str) -> None:
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), name)

    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.name = BODY_FONT
    east_asian(normal, BODY_FONT)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = word.styles[name]
        style.font.name = HEADING_FONT
        east_asian(style, HEADING_FONT)
    word.styles["Title"].font.size = Pt(24)
    word.styles["Heading 1"].font.size = Pt(16)
    word.styles["Heading 2"].font.size = Pt(13)
    word.styles["Heading 3"].font.size = Pt(11.5)
    word.styles["Heading 4"].font.size = Pt(10.5)


def _docx_page_number(section: Any, center: Any) -> None:
    """A footer with the PAGE field, which Word fills in with each page's number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = center
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _docx_table(word: Any, block: Table, total_width: int) -> None:
    if not block.rows:
        return
    table = word.add_table(rows=1, cols=len(block.headers))
    table._tbl.tblStyle_val = _style_id(word, "Table Grid")
    relative = block.widths or [1] * len(block.headers)
    widths = [int(w * total_width / sum(relative)) for w in relative]
    for cell, text, width in zip(table.rows[0].cells, block.headers, widths, strict=True):
        cell.text, cell.width = text, width
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    _repeat_header(table.rows[0])
    for values in block.rows:
        # Each cell's width as it is made: walking the columns afterwards costs a pass over the whole table.
        for cell, value, width in zip(table.add_row().cells, values, widths, strict=True):
            cell.text, cell.width = (str(value) if value not in (None, "") else "—"), width
    word.add_paragraph()


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# -- downloads -------------------------------------------------------------------------------

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def document_bytes(document: Document, fmt: str) -> bytes:
    """The document as .docx or PDF."""
    return docx_bytes(document) if fmt == "docx" else pdf_bytes(document)


def download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """A generated file as an attachment."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = attachment_disposition(fmt, filename)
    return response


def attachment_disposition(fmt: str, filename: str) -> str:
    """Content-Disposition of a download whose name may be Japanese (RFC 5987), with an ASCII fallback."""
    from urllib.parse import quote

    return f"attachment; filename=banso.{fmt}; filename*=UTF-8''{quote(safe_filename(filename))}"
