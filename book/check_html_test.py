#!/usr/bin/env python3
"""Tests of `check_html.py` on tiny made-up books: each breakage it must catch, and the look-alikes
it must let through. Run by `.ci/run` before the check itself:

    python3 book/check_html_test.py
"""

import pathlib
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_html  # noqa: E402  (the module under test sits beside this file)

PAGE = """<!DOCTYPE html><html><head><title>t</title><script>var x = "{{#no}}";</script></head>
<body><nav>sidebar</nav><main>
%s
</main></body></html>"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="1"/></svg>'


class CheckHtml(unittest.TestCase):
    def findings(self, markdown, html, files=None):
        """The check's findings for one chapter `a.md` rendered as `html`."""
        with tempfile.TemporaryDirectory() as tmp:
            book = pathlib.Path(tmp)
            (book / "src").mkdir()
            (book / "book").mkdir()
            (book / "src" / "SUMMARY.md").write_text("# Summary\n\n- [A](a.md)\n")
            (book / "src" / "a.md").write_text(markdown)
            (book / "book" / "a.html").write_text(PAGE % html)
            for name, text in (files or {}).items():
                (book / "book" / name).write_text(text)
            return check_html.check_page("a.md", book / "src", book / "book", 100)

    def kinds(self, *args, **kwargs):
        return [kind for kind, _ in self.findings(*args, **kwargs)]

    def test_a_clean_page_passes(self):
        md = "# A\n\nText.\n\n## The accept loop\n\n```rust\nfn main() {}\n```\n"
        html = ('<h1 id="a"><a class="header" href="#a">A</a></h1><p>Text.</p>'
                '<h2 id="b"><a class="header" href="#b">The accept loop</a></h2>'
                '<pre><code class="language-rust">fn main() {}</code></pre>')
        self.assertEqual(self.findings(md, html), [])

    def test_the_broken_server_loop_page(self):
        # What mdBook made of an include indented inside a bullet: the rest of the section became
        # one indented code block, fence marker and heading included.
        md = "# A\n\n- item\n\n  ```rust\n  {{#include x.rs:trait}}\n  ```\n\n## The accept loop\n"
        html = ('<h1 id="a"><a class="header" href="#a">A</a></h1><ul><li>item</li></ul>'
                '<pre><code>\nThe future is boxed\n\n## The accept loop\n\n```rust,ignore\n'
                '</code></pre>')
        self.assertEqual(self.kinds(md, html), ["fence", "heading"])

    def test_a_raw_directive_in_the_text(self):
        md = "# A\n"
        html = '<h1 id="a"><a class="header" href="#a">A</a></h1><p>{{#include missing.rs}}</p>'
        self.assertEqual(self.kinds(md, html), ["raw-include"])

    def test_scripts_are_not_text(self):
        html = '<h1>A</h1><script>const s = "{{#x}} ```";</script>'
        self.assertEqual(self.kinds("# A\n", html), [])

    def test_headings_inside_fenced_code_are_not_headings(self):
        md = "# A\n\n```sh\n# a comment, not a heading\n```\n"
        html = '<h1>A</h1><pre><code class="language-sh"># a comment, not a heading</code></pre>'
        self.assertEqual(self.kinds(md, html), [])

    def test_smart_punctuation_and_inline_code_in_headings(self):
        md = "# A\n\n## Go's `conn.serve` -- and [ours](x.md)\n"
        html = "<h1>A</h1><h2><a>Go\u2019s <code>conn.serve</code> \u2013 and <a>ours</a></a></h2>"
        self.assertEqual(self.kinds(md, html), [])

    def test_a_heading_that_did_not_render_as_one(self):
        md = "# A\n\n## Missing\n"
        html = "<h1>A</h1><p>## Missing</p>"
        self.assertEqual(self.kinds(md, html), ["heading"])

    def test_a_listing_line_over_the_column(self):
        html = "<h1>A</h1><pre><code>%s\n%s</code></pre>" % ("x" * 100, "y" * 101)
        found = self.findings("# A\n", html)
        self.assertEqual([k for k, _ in found], ["wide"])
        self.assertIn("line 2: 101 > 100", found[0][1])

    def test_wide_characters_count_twice(self):
        html = "<h1>A</h1><pre><code>%s</code></pre>" % ("\u4e2d" * 51)
        self.assertEqual(self.kinds("# A\n", html), ["wide"])

    def test_verbatim_output_fenced_text_wrap_is_exempt(self):
        html = '<h1>A</h1><pre><code class="language-text wrap">%s</code></pre>' % ("z" * 150)
        self.assertEqual(self.kinds("# A\n", html), [])

    def test_images(self):
        html = ('<h1>A</h1><p><img src="ok.svg"><img src="gone.svg"><img src="bad.svg">'
                '<img src="empty.png"><img src="https://example.com/x.png"></p>')
        files = {"ok.svg": SVG, "bad.svg": "<svg><rect></svg>", "empty.png": ""}
        found = self.findings("# A\n", html, files)
        self.assertEqual([k for k, _ in found], ["image", "image", "image"])
        self.assertIn("gone.svg: no such file", found[0][1])
        self.assertIn("bad.svg: not well-formed SVG", found[1][1])
        self.assertIn("empty.png: empty file", found[2][1])

    def test_the_sidebar_links_every_chapter(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = pathlib.Path(tmp)
            (out / "toc.html").write_text('<ol><li><a href="a.html">A</a></li></ol>')
            self.assertEqual(check_html.check_sidebar(["a.md"], out), [])
            self.assertEqual(check_html.check_sidebar(["a.md", "b.md"], out),
                             ["no sidebar entry for b.md"])

    def test_a_chapter_that_was_not_built(self):
        with tempfile.TemporaryDirectory() as tmp:
            book = pathlib.Path(tmp)
            (book / "src").mkdir()
            (book / "book").mkdir()
            (book / "src" / "a.md").write_text("# A\n")
            found = check_html.check_page("a.md", book / "src", book / "book", 100)
            self.assertEqual([k for k, _ in found], ["page"])


if __name__ == "__main__":
    unittest.main()
