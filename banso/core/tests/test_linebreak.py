"""禁則処理: what may not start or end a line, and words that stay whole."""

import re

import pypdfium2

from banso.core.documents import Document, Heading, Paragraph, Table, pdf_bytes
from banso.core.linebreak import NO_END, NO_START, break_lines


def width(text: str) -> float:
    return float(len(text))  # one unit a character, to reason about


def test_it_never_starts_a_line_with_closing_punctuation_or_a_long_vowel_mark():
    lines = break_lines("あいうえおかきくけ、こさしすせそたちつて。なにぬねのはひふへー", 10, width)
    assert all(line[0] not in NO_START for line in lines[1:])
    assert lines[0] == "あいうえおかきくけ、"  # the comma hangs rather than starting the next line


def test_it_never_ends_a_line_with_an_opening_bracket():
    lines = break_lines("あいうえおかきく「けこ」さしすせそ", 9, width)
    assert all(line[-1] not in NO_END for line in lines)
    assert lines[1].startswith("「")


def test_it_keeps_latin_words_numbers_and_urls_whole():
    lines = break_lines("申請はスマートフォンのLINEで2025年度から https://example.jp/a/b で受け付ける", 12, width)
    joined = "|".join(lines)
    for word in ("LINE", "2025", "https://example.jp/a/b"):
        assert any(word in line for line in lines), joined


def test_it_splits_a_word_longer_than_the_line_rather_than_overflowing():
    lines = break_lines("ABCDEFGHIJKLMNOP", 5, width)
    assert lines == ["ABCDE", "FGHIJ", "KLMNO", "P"]


def test_it_keeps_the_texts_own_line_breaks():
    assert break_lines("一行目\n\n三行目", 20, width) == ["一行目", "", "三行目"]


def pdf_lines(document: Document) -> list[str]:
    pdf = pypdfium2.PdfDocument(pdf_bytes(document))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def test_it_typesets_the_pdf_by_these_rules():
    prose = "住民がLINEで粗大ごみの収集を申し込めるようにし、窓口と電話の受付を減らす。" * 12
    document = Document(
        title="試験", blocks=[Paragraph(prose), Table(["項目", "内容"], [["説明", prose]], [1, 3])]
    )
    lines = pdf_lines(document)
    body = [line for line in lines if "LINE" in line or "申し込め" in line or "受付" in line]
    assert body
    assert not [line for line in lines if line[0] in NO_START]
    assert not [line for line in lines if line.endswith(("L", "LI", "LIN"))]


def test_it_prints_a_table_of_contents_with_page_numbers():
    blocks = []
    for chapter in range(1, 4):
        blocks += [Heading(f"第{chapter}章", 1), Paragraph("本文。" * 400)]
    lines = pdf_lines(Document(title="目次の試験", blocks=blocks, contents=True))
    start = lines.index("目次")
    entries = [re.fullmatch(r"(第\d章)\s*(\d+)", line) for line in lines[start + 1 : start + 4]]
    assert [e.group(1) for e in entries if e] == ["第1章", "第2章", "第3章"]
    pages = [int(e.group(2)) for e in entries if e]
    assert pages[0] < pages[1] < pages[2]  # each chapter on a later page, as numbered in the footers


def test_it_makes_room_for_contents_longer_than_one_page():
    blocks = [Heading("第1章", 1)] + [Heading(f"1-{n} 施策の名前", 2) for n in range(1, 90)]
    lines = pdf_lines(Document(title="長い目次", blocks=blocks, contents=True))
    assert "1-89 施策の名前" in " ".join(lines)
