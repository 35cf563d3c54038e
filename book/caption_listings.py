#!/usr/bin/env python3
"""Numbers and captions the book's Rust listings, Rust Book style.

Every fenced ```rust block whose body is an {{#include path:anchor}} gets a caption line right
above it, `*Listing C.N — path*`: C is the chapter's number (its place in SUMMARY.md, the
introduction being 1), N counts the chapter's listings from 1. A caption already there keeps its
words after the file name and gets the right number, so the script can be run again after
chapters gained or lost listings (`python3 book/caption_listings.py`; `--check` only reports
what it would change and exits 1 if anything would).
"""
import os
import re
import sys

BOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src")
CAPTION = re.compile(r"^\*Listing [0-9]+\.[0-9]+ — (.*)\*$")
INCLUDE = re.compile(r"^\{\{#include ([^:}]+)(?::[^}]*)?\}\}$")


def chapters():
    """The chapter files in SUMMARY.md order."""
    with open(os.path.join(BOOK, "SUMMARY.md")) as f:
        return re.findall(r"\]\(([^)]+\.md)\)", f.read())


def caption_chapter(number, text):
    lines = text.split("\n")
    out = []
    count = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        include = INCLUDE.match(lines[i + 1]) if line.startswith("```rust") and i + 1 < len(lines) else None
        if include:
            count += 1
            path = os.path.normpath(include.group(1)).replace("../", "")
            # An existing caption: the last non-blank line already written.
            k = len(out) - 1
            while k >= 0 and out[k] == "":
                k -= 1
            old = CAPTION.match(out[k]) if k >= 0 else None
            rest = old.group(1) if old else path
            if not rest.startswith(path):
                rest = path
            caption = f"*Listing {number}.{count} — {rest}*"
            if old:
                out[k] = caption
            else:
                if out and out[-1] != "":
                    out.append("")
                out.extend([caption, ""])
        out.append(line)
        i += 1
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    changed = []
    for number, name in enumerate(chapters(), start=1):
        path = os.path.join(BOOK, name)
        with open(path) as f:
            text = f.read()
        new = caption_chapter(number, text)
        if new != text:
            changed.append(name)
            if not check:
                with open(path, "w") as f:
                    f.write(new)
    for name in changed:
        print(("would caption " if check else "captioned ") + name)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
