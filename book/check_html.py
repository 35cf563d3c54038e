#!/usr/bin/env python3
"""Checks the book as a reader gets it: the HTML that `mdbook build book` wrote to `book/book/`.

Run by `.ci/run` right after `mdbook build book`:

    python3 book/check_html.py            # book/ next to this file; exit 1 on any finding

The Markdown can be valid while the page is broken: an `{{#include}}` indented inside a list item
turns the rest of the chapter into one grey block, and nothing fails until someone looks. So
this reads the rendered pages and fails on what a reader would see:

- `raw-include`  a `{{#` directive left in the text (the preprocessor did not run on it);
- `fence`        a fenced-code marker (three backticks) in the text: a fence that did not open
                 or close where the author meant;
- `heading`      a heading of the chapter's Markdown that is not a heading (`<h1>`..`<h6>`) of
                 the page. mdBook builds the sidebar's "on this page" entries from the page's
                 `<h2>`..`<h6>`, so a heading swallowed by a code block is missing there too;
- `wide`         a listing line wider than COLUMNS characters, the widest line that fits the
                 content column at 1280 px (see `theme/fit.css`, which sizes the column for it).
                 A listing fenced as `text,wrap` is exempt: it is verbatim program output
                 (a log line whose wording is the seed's) that `fit.css` wraps softly on screen;
- `image`        an image, object or embedded SVG whose file is missing, empty, or (for SVG)
                 not well-formed XML with an `<svg>` root;
- `sidebar`      a chapter of SUMMARY.md that the sidebar (`toc.html`, which mdBook also
                 serves as script) does not link to.

It uses the Python standard library only, so CI needs nothing beyond `python3`; it checks the
output of a build, which exists only after `mdbook build`, so it runs after the cargo steps.
"""

import argparse
import html.parser
import pathlib
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

# A listing may be this many characters wide: rustfmt's default `max_width`, so any formatted
# source line fits, and `theme/fit.css` makes the content column hold that many at 1280 px.
COLUMNS = 100

HEADING_LINE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INCLUDE_LINE = re.compile(r"^\{\{#include\s+([^}:\s]+)\s*\}\}\s*$")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def normalize(text):
    """Heading text as a reader sees it, so Markdown and HTML headings compare equal."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](link) -> text
    text = re.sub(r"[`*_]", "", text)
    text = text.replace("\\", "")
    # mdBook's smart punctuation curls quotes and joins dashes in the rendered heading.
    smart = (("'", "\u2018\u2019"), ('"', "\u201c\u201d"), ("--", "\u2013"), ("---", "\u2014"))
    for plain, curly in smart:
        for c in curly:
            text = text.replace(c, plain)
    return " ".join(text.split()).lower()


def chapters(src):
    """The chapter files SUMMARY.md lists, in order."""
    summary = (src / "SUMMARY.md").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"\]\(([^)]+\.md)\)", summary)]


def markdown_lines(path, depth=0):
    """The chapter's lines, with whole-file `{{#include x.md}}` lines replaced by that file, as
    mdBook does before rendering (only Markdown includes can add headings)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = INCLUDE_LINE.match(line)
        if m and m.group(1).endswith(".md") and depth < 5:
            out.extend(markdown_lines((path.parent / m.group(1)).resolve(), depth + 1))
        else:
            out.append(line)
    return out


def markdown_headings(path):
    """The ATX headings of a chapter, outside fenced code."""
    headings, fence = [], None
    for line in markdown_lines(path):
        f = FENCE_LINE.match(line)
        if fence:
            if f and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence):
                fence = None
            continue
        if f:
            fence = f.group(1)
            continue
        h = HEADING_LINE.match(line)
        if h:
            headings.append((len(h.group(1)), normalize(h.group(2))))
    return headings


class Page(html.parser.HTMLParser):
    """Collects what the checks need from one rendered page's `<main>`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open tags inside <main>
        self.in_main = False
        self.texts = []  # (text, inside <pre>)
        self.headings = []  # (level, text)
        self.listings = []  # (text of each <pre>, the classes of its <code>)
        self.images = []  # (tag, url)
        self._heading = None
        self._pre = None
        self._pre_classes = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
            return
        if not self.in_main:
            return
        if tag in ("img", "source", "embed") and attrs.get("src"):
            self.images.append((tag, attrs["src"]))
        if tag == "object" and attrs.get("data"):
            self.images.append((tag, attrs["data"]))
        if tag in ("image", "use") and (attrs.get("href") or attrs.get("xlink:href")):
            self.images.append((tag, attrs.get("href") or attrs.get("xlink:href")))
        if tag in VOID:
            return
        self.stack.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "pre":
            self._pre = []
            self._pre_classes = set()
        if tag == "code" and self._pre is not None:
            self._pre_classes |= set((attrs.get("class") or "").split())

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.in_main and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
            return
        if not self.in_main or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if self._heading and re.fullmatch(r"h[1-6]", open_tag):
                level, parts = self._heading
                self.headings.append((level, normalize("".join(parts))))
                self._heading = None
            if open_tag == "pre" and self._pre is not None:
                self.listings.append(("".join(self._pre), self._pre_classes))
                self._pre = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.in_main or "script" in self.stack or "style" in self.stack:
            return
        self.texts.append((data, self._pre is not None))
        if self._heading:
            self._heading[1].append(data)
        if self._pre is not None:
            self._pre.append(data)


def width(line):
    """Columns a line takes in a monospace font: wide East Asian characters take two."""
    line = line.expandtabs(8)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def check_image(page_path, url, out_dir):
    """Why the image at `url` (relative to the page) would not show, or None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("//"):
        return None  # remote or data: URL, not ours to check offline
    target = url.split("#")[0].split("?")[0]
    path = (out_dir / target.lstrip("/")) if target.startswith("/") else page_path.parent / target
    if not path.is_file():
        return f"{url}: no such file in the built book"
    if path.stat().st_size == 0:
        return f"{url}: empty file"
    if path.suffix.lower() == ".svg":
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            return f"{url}: not well-formed SVG ({e})"
        if not root.tag.endswith("svg"):
            return f"{url}: root element is <{root.tag}>, not <svg>"
    return None


def check_page(chapter, src, out_dir, columns):
    """Every finding on one chapter's page, as (kind, message)."""
    findings = []
    html_path = out_dir / pathlib.Path(chapter).with_suffix(".html")
    if not html_path.is_file():
        return [("page", f"{html_path.relative_to(out_dir)} was not built")]
    page = Page()
    page.feed(html_path.read_text(encoding="utf-8"))
    page.close()

    for text, _in_pre in page.texts:
        for kind, marker in (("raw-include", "{{#"), ("fence", "```")):
            at = text.find(marker)
            if at >= 0:
                snippet = " ".join(text[max(0, at - 30):at + 50].split())
                findings.append((kind, f"{marker!r} in the rendered text: ...{snippet}..."))

    rendered = list(page.headings)
    for level, text in markdown_headings(src / chapter):
        if (level, text) in rendered:
            rendered.remove((level, text))
        else:
            findings.append(("heading", f"'{'#' * level} {text}' is not a heading of the page"))

    for n, (listing, classes) in enumerate(page.listings, 1):
        if "wrap" in classes:
            continue
        for i, line in enumerate(listing.split("\n"), 1):
            w = width(line)
            if w > columns:
                start = line[:60].strip()
                message = f"listing {n}, line {i}: {w} > {columns} columns: {start}..."
                findings.append(("wide", message))

    for tag, url in page.images:
        why = check_image(html_path, url, out_dir)
        if why:
            findings.append(("image", f"<{tag}> {why}"))
    return findings


def check_sidebar(chapter_files, out_dir):
    """The chapters the built sidebar does not link to, as messages."""
    toc = out_dir / "toc.html"
    if not toc.is_file():
        return ["toc.html was not built"]
    links = set(re.findall(r'href="([^"#]+)', toc.read_text(encoding="utf-8")))
    return [
        f"no sidebar entry for {chapter}"
        for chapter in chapter_files
        if str(pathlib.PurePosixPath(chapter).with_suffix(".html")) not in links
    ]


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", nargs="?", default=here, type=pathlib.Path,
                        help="the book's folder (holding book.toml); default: this script's")
    parser.add_argument("--columns", type=int, default=COLUMNS,
                        help=f"widest listing line allowed (default {COLUMNS})")
    args = parser.parse_args()
    src, out_dir = args.book / "src", args.book / "book"
    if not out_dir.is_dir():
        print(f"{out_dir}: not built; run `mdbook build {args.book}` first", file=sys.stderr)
        return 2

    total = 0
    for message in check_sidebar(chapters(src), out_dir):
        print(f"SUMMARY.md: sidebar: {message}")
        total += 1
    for chapter in chapters(src):
        for kind, message in check_page(chapter, src, out_dir, args.columns):
            print(f"{chapter}: {kind}: {message}")
            total += 1
    if total:
        print(f"check_html: {total} finding(s) in {out_dir}", file=sys.stderr)
        return 1
    print(f"check_html: {len(chapters(src))} pages fine ({out_dir})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
