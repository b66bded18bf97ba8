"""The read stage on good input: every format, encodings, metadata, folders, sample data."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path

import pytest

from viewer.model import Article, ReadError
from viewer.read import SUPPORTED_SUFFIXES, read_file, read_paths
from viewer.read.encoding import decode_text, normalise_text
from viewer.read.metadata import find_dateline, guess_outlet, guess_title, split_site_suffix

BODY = (
    "Abu Bakr al-Baghdadi fled an attempted coup by foreign fighters near Hajin in eastern Syria "
    "on January 10, intelligence officials said. The clash left two people dead."
)


# --------------------------------------------------------------------- helpers


def pdf_with_text(lines: list[str], title: str | None = None) -> bytes:
    """A minimal one-page PDF with a Helvetica text layer.

    Written by hand because nothing installed writes PDF text; the xref
    offsets are computed so that pypdf reads it without repairs.
    """

    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "72 720 Td"]
    for i, line in enumerate(lines):
        if i:
            ops.append("0 -16 Td")
        ops.append(f"({escape(line)}) Tj")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    if title is not None:
        objects.append(b"<< /Title (" + escape(title).encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref_at)
    return bytes(out)


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def only_article(paths) -> Article:
    results = list(read_paths(paths))
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


# ------------------------------------------------------------------ plain text


def test_txt_article_fields(tmp_path):
    text = "Coup attempt near Hajin\n\nFebruary 8, 2019 at 1:06 pm\n\n" + BODY + "\n\nSource: Coup attempt near Hajin | Daily Planet\n"
    path = write(tmp_path / "a.txt", text)
    article = read_file(path)
    assert article.path == str(path)
    assert article.format == "txt"
    assert article.title == "Coup attempt near Hajin"
    assert article.outlet == "Daily Planet"
    assert article.published == dt.date(2019, 2, 8)
    assert article.published_from == "text"
    assert article.content_hash == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    assert article.id == article.content_hash[:16]
    assert BODY in article.text


def test_path_is_kept_as_given(tmp_path, monkeypatch):
    write(tmp_path / "sub" / "a.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert only_article(["sub/a.txt"]).path == "sub/a.txt"
    assert only_article(["sub"]).path == str(Path("sub") / "a.txt")


def test_same_text_with_crlf_and_decomposed_accents_has_same_id(tmp_path):
    composed = "Café in Hajin\n\n" + BODY + "\n"
    decomposed = unicodedata.normalize("NFD", composed).replace("\n", "\r\n")
    a = read_file(write(tmp_path / "a.txt", composed))
    b = read_file(write(tmp_path / "b.txt", decomposed))
    assert a.id == b.id
    assert "\r" not in b.text
    assert b.text.startswith("Café")


def test_text_is_exactly_what_offsets_count(tmp_path):
    article = read_file(write(tmp_path / "a.txt", "Title line\r\n\r\nHajin is here.  \r\n"))
    assert article.text == "Title line\n\nHajin is here."
    start = article.text.index("Hajin")
    assert article.text[start : start + 5] == "Hajin"


# ------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ],
)
def test_unicode_encodings(tmp_path, encoding, prefix):
    text = "Al-Baghdadi “survived” a coup – café naïve\n\n" + BODY
    article = read_file(write(tmp_path / "a.txt", prefix + text.encode(encoding)))
    assert article.text == normalise_text(text)
    assert not article.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "text",
    [
        "Café in Zürich – “quoted” — naïve résumé. The coup failed.",  # short: detectors guess cp1250 here
        "Le président a déclaré à l’AFP que l’été serait « difficile ». " * 20,
        "Señor Muñoz visitó Málaga el año pasado.",
    ],
    ids=["short-english", "long-french", "spanish"],
)
def test_cp1252_text(tmp_path, text):
    article = read_file(write(tmp_path / "a.txt", text, encoding="cp1252"))
    assert article.text == normalise_text(text)


def test_latin1_text(tmp_path):
    text = "Über 500 Kämpfer blieben in der Stadt, sagte der Sprecher. Größere Gefechte folgten."
    assert read_file(write(tmp_path / "a.txt", text, encoding="latin-1")).text == text


def test_non_latin_code_page_is_detected():
    text = "Президент заявил, что попытка переворота провалилась в Хаджине на востоке Сирии."
    assert decode_text(text.encode("cp1251")) == text


def test_utf8_with_a_stray_byte_is_kept_with_a_replacement_character():
    text = "Hajin – al-Keshma “report” café. " * 10
    data = text.encode("utf-8") + b"\xff" + " résumé".encode("utf-8")
    decoded = decode_text(data)
    assert decoded.count("\ufffd") == 1
    assert decoded.startswith(text)


def test_newlines_are_normalised():
    assert normalise_text("a\r\nb\rc\u2028d\n\n") == "a\nb\nc\nd"


# ---------------------------------------------------------------------- markdown


def test_markdown_markup_is_removed_and_front_matter_read(tmp_path):
    md = (
        "---\ntitle: \"Coup near Hajin\"\ndate: 2019-02-08\nsource: Daily Planet\nurl: https://example.org/a\n---\n"
        "# Coup near Hajin\n\nAbu Bakr **al-Baghdadi** fled, the [Guardian](https://theguardian.com) reported.\n\n"
        "> A quoted line with snake_case_words kept.\n\n![map](map.png)\n"
    )
    article = read_file(write(tmp_path / "a.md", md))
    assert article.format == "md"
    assert article.title == "Coup near Hajin"
    assert article.outlet == "Daily Planet"
    assert article.published == dt.date(2019, 2, 8)
    assert article.published_from == "metadata"
    assert article.url == "https://example.org/a"
    assert "Abu Bakr al-Baghdadi fled, the Guardian reported." in article.text
    assert "snake_case_words" in article.text
    for markup in ("**", "](", "# ", "> ", "---"):
        assert markup not in article.text


def test_markdown_heading_is_the_title_without_front_matter(tmp_path):
    article = read_file(write(tmp_path / "a.md", "Skip to main content\n\n## The *real* headline\n\n" + BODY))
    assert article.title == "The real headline"


# -------------------------------------------------------------------------- html

HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Coup attempt fails | The Daily Planet</title>
<meta property="og:site_name" content="The Daily Planet">
<meta property="article:published_time" content="2019-02-08T13:06:00Z">
<link rel="canonical" href="https://dailyplanet.example.com/world/coup">
<script>document.write("SCRIPT-TEXT-1")</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Coup attempt fails</h1>
<p>{body}</p>
<p>The Guardian newspaper in London quoted senior regional intelligence officials from Iraq and the United States.</p>
<script>var hidden = "SCRIPT-TEXT-2";</script></article>
<footer>© 2019 The Daily Planet</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    article = read_file(write(tmp_path / "page.html", HTML_PAGE.format(body=BODY)))
    assert article.format == "html"
    assert article.title == "Coup attempt fails"
    assert article.outlet == "The Daily Planet"
    assert article.published == dt.date(2019, 2, 8)
    assert article.published_from == "metadata"
    assert BODY in article.text
    assert "SCRIPT-TEXT" not in article.text
    assert "Home" not in article.text.split("\n")[0]


def test_htm_in_cp1252_with_declared_charset(tmp_path):
    page = HTML_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').format(body=BODY + " Café “naïve”.")
    article = read_file(write(tmp_path / "page.htm", page, encoding="cp1252"))
    assert "Café “naïve”." in article.text


def test_html_without_date_metadata_uses_dateline(tmp_path):
    page = (
        "<html><head><title>Daesh leader flees coup</title></head><body><article>"
        "<h1>Daesh leader flees coup</h1><p>February 8, 2019 at 1:06 pm</p>"
        f"<p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )
    article = read_file(write(tmp_path / "page.html", page))
    assert article.published == dt.date(2019, 2, 8)
    assert article.published_from == "text"


# --------------------------------------------------------------------------- pdf


def test_pdf_text_layer(tmp_path):
    data = pdf_with_text(["Coup attempt near Hajin", "Officials said the clash left two dead."], title="Coup near Hajin")
    article = read_file(write(tmp_path / "a.pdf", data))
    assert article.format == "pdf"
    assert "Coup attempt near Hajin" in article.text
    assert "Officials said the clash left two dead." in article.text
    assert article.title == "Coup near Hajin"


def test_pdf_layout_line_breaks_inside_sentences_are_joined(tmp_path):
    data = pdf_with_text(["Coup attempt near Hajin", "Officials said the clash left", "two dead, and the leader fled."])
    text = read_file(write(tmp_path / "a.pdf", data)).text
    assert "Officials said the clash left two dead, and the leader fled." in text
    assert "Coup attempt near Hajin\nOfficials" in text


def test_pdf_junk_title_property_is_ignored(tmp_path):
    data = pdf_with_text(["Coup attempt near Hajin", "Officials said the clash left two dead."], title="Microsoft Word - draft.docx")
    assert read_file(write(tmp_path / "a.pdf", data)).title == "Coup attempt near Hajin"


# -------------------------------------------------------------------------- docx


def test_docx_paragraphs_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Daesh leader flees coup attempt", level=1)
    document.add_paragraph("February 8, 2019")
    document.add_paragraph("First paragraph about Hajin.")
    document.add_paragraph("")
    document.add_paragraph("Second paragraph about Hasakah.")
    path = tmp_path / "a.docx"
    document.save(path)
    article = read_file(path)
    assert article.format == "docx"
    assert article.title == "Daesh leader flees coup attempt"
    assert article.text.index("First paragraph") < article.text.index("Second paragraph")
    assert "\n\n\n" not in article.text
    assert article.published == dt.date(2019, 2, 8)


# ----------------------------------------------------------------------- folders


def test_folder_is_read_recursively_sorted_hidden_skipped(tmp_path):
    write(tmp_path / "b.txt", "B article\n\n" + BODY + " b")
    write(tmp_path / "A.md", "# A article\n\n" + BODY + " a")
    write(tmp_path / "sub" / "c.txt", "C article\n\n" + BODY + " c")
    write(tmp_path / ".hidden.txt", "hidden\n\n" + BODY)
    write(tmp_path / ".git" / "d.txt", "in a hidden folder\n\n" + BODY)
    write(tmp_path / "Thumbs.db", b"\x00\x01junk")
    write(tmp_path / "notes.xyz", "something")
    results = list(read_paths([tmp_path]))
    articles = [r for r in results if isinstance(r, Article)]
    errors = [r for r in results if isinstance(r, ReadError)]
    assert [Path(a.path).name for a in articles] == ["A.md", "b.txt", "c.txt"]
    assert errors == [ReadError(str(tmp_path / "notes.xyz"), "unsupported file type .xyz")]


def test_file_given_directly_and_in_its_folder_is_read_once(tmp_path):
    path = write(tmp_path / "a.txt", BODY)
    results = list(read_paths([path, tmp_path, str(tmp_path / "." / "a.txt"), tmp_path]))
    assert len(results) == 1


def test_single_path_string_is_not_iterated_by_character(tmp_path):
    path = write(tmp_path / "a.txt", BODY)
    assert only_article(str(path)).path == str(path)


def test_supported_suffixes():
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".docx"} <= SUPPORTED_SUFFIXES


# ---------------------------------------------------------------------- metadata


def test_title_skips_navigation_and_slogans():
    text = "Skip to main content\n\nCreating new perspectives since 2009\n\nMenu\n\nThe real headline here\n\nBody text."
    assert guess_title(text) == "The real headline here"


def test_bylines_are_skipped_but_headlines_starting_with_by_are_not():
    assert guess_title("By Martin Chulov\n\nBaghdadi survives coup\n\nBody.") == "Baghdadi survives coup"
    assert guess_title("By the rivers of Babylon\n\nBody.") == "By the rivers of Babylon"


def test_title_is_the_line_above_the_dateline():
    assert guess_title("Some tagline of the site\n\nThe headline\n\n8 February 2019\n\nBody.") == "The headline"


def test_site_suffix_is_split_from_title():
    assert split_site_suffix("Coup attempt fails • The Daily Planet") == ("Coup attempt fails", "The Daily Planet")
    assert split_site_suffix("Iraq | Syria: a long war over many years") == ("Iraq | Syria: a long war over many years", None)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("February 8, 2019 at 1:06 pm", dt.date(2019, 2, 8)),
        ("Published: Friday 8 February 2019 13.06 GMT", dt.date(2019, 2, 8)),
        ("Feb. 8, 2019", dt.date(2019, 2, 8)),
        ("Updated Sept 30th, 2018, 10:15 AM", dt.date(2018, 9, 30)),
        ("2019-02-08T13:06:00Z", dt.date(2019, 2, 8)),
        ("February 8, 2019 / 1:06 PM / Updated 2 hours ago", dt.date(2019, 2, 8)),
        ("Published 4:12 PM EST Feb 8, 2019", dt.date(2019, 2, 8)),
        ("By Staff, 3 March 2021", dt.date(2021, 3, 3)),  # a byline before the date
        ("By Jane Doe and John Roe | March 3, 2021", dt.date(2021, 3, 3)),
        ("By then, on March 3, 2021 the coup had failed.", None),
        ("February 2019", None),  # no day: not a dateline
        ("He said on February 8, 2019 that the coup failed.", None),  # a sentence, not a dateline
        ("February 30, 2019", None),
    ],
)
def test_dateline(line, expected):
    assert find_dateline(f"Headline\n\n{line}\n\nBody.") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Headline\n\nBody.\n\nSource: Headline: report | Windsor Star", "Windsor Star"),
        ("Headline\n\nBody.\n\nSource: Reuters", "Reuters"),
        ("Headline\n\nBody.\n\n© 2019 The Daily Planet. All rights reserved.", "The Daily Planet"),
        ("Baghdadi survives a coup attempt by his own men • Syrian Observer\n\nBody.", "Syrian Observer"),
        ("Headline\n\nBody.\n\nhttps://www.middleeastmonitor.com/20190208-daesh/", "middleeastmonitor.com"),
        ("Headline\n\nCopyright law is a complex matter.", None),
        ("Headline\n\nBody that mentions twitter.com in a long sentence about social media use.", None),
    ],
)
def test_outlet(text, expected):
    assert guess_outlet(text) == expected


# ------------------------------------------------------------------- sample data


def test_sample_articles(sample_dir):
    """The five sample outlets: sensible titles, 000's outlet, 003's dateline."""
    articles = {Path(a.path).name[:3]: a for a in read_paths([sample_dir])}
    assert sorted(articles) == ["000", "001", "002", "003", "004"]
    assert all(isinstance(a, Article) for a in articles.values())
    assert articles["000"].title == "Abu Bakr al-Baghdadi, ISIL’s secretive leader, fended off internal coup attempt"
    assert articles["000"].outlet == "Windsor Star"
    assert articles["001"].title.startswith("Islamic State leader Baghdadi fought off coup attempt")
    assert articles["002"].title == "Elusive ISIS Leader ‘Survives’ Coup Attempt By His Own Men"
    assert articles["003"].title == "Daesh leader flees coup attempt by own fighters"
    assert (articles["003"].published, articles["003"].published_from) == (dt.date(2019, 2, 8), "text")
    assert articles["004"].title.startswith("ISIS terror chief Abu Bakr al-Baghdadi flees coup")
    for key in ("000", "001", "002", "004"):
        assert articles[key].published is None
    assert len({a.id for a in articles.values()}) == 5
