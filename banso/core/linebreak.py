"""Japanese line breaking (禁則処理) for the documents Banso typesets.

Japanese breaks between almost any two characters, but a line must not start with closing punctuation, small
kana or the long-vowel mark (、。）」ー っ …), nor end with opening brackets (「（); and Latin words and numbers
(LINE, 2025, 3-1-1, https://…) are not split. A character that may not start a line hangs at the end of the line
before it (ぶら下げ), so callers keep one character's width in hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_START = set(
    "、。，．・：；？！ー―」』）】〕〉》”’ゝゞ々ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ…‥%％)]},.:;!?"
)
NO_END = set("「『（【〔〈《“‘([{")
# Runs that stay whole: Latin words, numbers with their separators, URLs.
_WORD = re.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９][A-Za-z0-9Ａ-Ｚａ-ｚ０-９.,:/\-_%@#&=?~+]*")


def _tokens(line: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    for match in _WORD.finditer(line):
        tokens.extend(line[position : match.start()])
        tokens.append(match.group())
        position = match.end()
    tokens.extend(line[position:])
    return tokens


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in lines no wider than `width` (hanging punctuation aside), keeping its own line breaks."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_break(paragraph, width, measure) or [""])
    return lines


def _break(paragraph: str, width: float, measure: Callable[[str], float]) -> list[str]:
    # Widths add up token by token (the fonts are not kerned), so a line is measured once, not per token.
    lines: list[str] = []
    current, used = "", 0.0
    for token in _tokens(paragraph):
        size = measure(token)
        if used + size <= width or not current:
            if not current and size > width and len(token) > 1:
                # A word wider than the whole line: split it where it must, character by character.
                lines_of_word = _break_characters(token, width, measure)
                lines.extend(lines_of_word[:-1])
                current = lines_of_word[-1]
                used = measure(current)
            else:
                current, used = current + token, used + size
            continue
        if token[0] in NO_START:
            current, used = current + token, used + size  # hangs past the edge rather than starting a line
            continue
        carried = ""
        while current and current[-1] in NO_END:
            carried, current = current[-1] + carried, current[:-1]
        if current:
            lines.append(current)
        current = carried + token
        used = measure(current)
    if current:
        lines.append(current)
    return lines


def _break_characters(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines, current = [], ""
    for character in word:
        if current and measure(current + character) > width:
            lines.append(current)
            current = ""
        current += character
    return [*lines, current]
