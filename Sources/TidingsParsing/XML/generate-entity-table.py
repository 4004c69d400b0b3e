#!/usr/bin/env python3
"""Writes HTMLEntityTable.swift from the WHATWG HTML5 named character
reference list, as Python ships it (html.entities.html5), so the 2,000-line
table is generated, never edited by hand.

    python3 Sources/TidingsParsing/XML/generate-entity-table.py            # rewrite the table
    python3 Sources/TidingsParsing/XML/generate-entity-table.py --check    # exit 1 if it differs

Names are kept without their trailing ';' (both forms are in the list), one
per line: name, a space, the characters as Swift escapes. `NewLine` (a bare
line feed) is left out, since the table is one entry per line.
"""
import html.entities
import os
import sys

HEADER = """// Generated from the WHATWG HTML5 named character reference list (as shipped
// in Python's html.entities.html5); names without their trailing ';'.
// Kept as one string, parsed once, because a 2,000-entry dictionary literal
// takes the type checker minutes. `NewLine` (a bare line feed) is left out:
// the table is one entry per line.
enum HTMLEntityTable {
    static let source: String = \"\"\"
"""
FOOTER = '"""\n}\n'


def table():
    # In the order of the list itself, where "emsp13;" sorts before "emsp;".
    names = sorted({name.rstrip(";") for name in html.entities.html5}, key=lambda n: n + ";")
    lines = []
    for name in names:
        value = html.entities.html5.get(name + ";", html.entities.html5.get(name))
        if name == "NewLine":
            continue
        lines.append(name + " " + "".join("\\u{%x}" % ord(c) for c in value))
    return HEADER + "\n".join(lines) + "\n" + FOOTER


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "HTMLEntityTable.swift")
    text = table()
    if "--check" in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{path} differs from the generated table: run {sys.argv[0]}", file=sys.stderr)
                sys.exit(1)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
