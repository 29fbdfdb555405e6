"""Compile and check the translation catalogues without GNU gettext.

python scripts/i18n.py compile   # .po -> .mo for every catalogue
python scripts/i18n.py check     # fail on untranslated or fuzzy entries, or placeholders that differ
"""

import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "banso" / "locale").glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|%[sd]")


def compile_all() -> None:
    for path in CATALOGUES:
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
            polib.pofile(str(path)).save_as_mofile(str(mo))


def check_all() -> int:
    problems = []
    for path in CATALOGUES:
        po = polib.pofile(str(path))
        rel = path.relative_to(ROOT)
        problems += [f"{rel}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
        problems += [f"{rel}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
        for entry in po.translated_entries():
            translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
            expected = sorted(set(PLACEHOLDER.findall(entry.msgid)))
            for text in translations:
                if sorted(set(PLACEHOLDER.findall(text))) != expected:
                    problems.append(f"{rel}: placeholders differ: {entry.msgid!r} -> {text!r}")
    for line in problems:
        print(line)
    print(f"{len(CATALOGUES)} catalogue(s) checked, {len(problems)} problem(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "compile":
        compile_all()
    else:
        sys.exit(check_all())
