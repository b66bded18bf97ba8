"""The read stage on bad input: one clear ReadError per file, never an exception, the batch goes on."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from viewer.model import Article, ReadError
from viewer.read import MAX_BYTES, ReadFailure, expand_paths, read_file, read_file_safely, read_paths

GOOD = "Coup attempt near Hajin\n\nAbu Bakr al-Baghdadi fled an attempted coup near Hajin on January 10."


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def error_for(path: Path | str) -> str:
    """The message read_paths gives for one bad path (and it must be exactly one ReadError)."""
    results = list(read_paths([path]))
    assert len(results) == 1, results
    assert isinstance(results[0], ReadError), results[0]
    assert results[0].path == str(path)
    assert "\n" not in results[0].message
    return results[0].message


def test_empty_file(tmp_path):
    assert error_for(write(tmp_path / "a.txt", b"")) == "empty file"


def test_whitespace_only_file(tmp_path):
    assert error_for(write(tmp_path / "a.txt", "  \r\n\n\t \n")) == "empty file"


def test_binary_file_named_txt(tmp_path):
    assert error_for(write(tmp_path / "a.txt", bytes(range(256)) * 40)).startswith("binary data, not text")


def test_image_named_txt_says_what_it_looks_like(tmp_path):
    message = error_for(write(tmp_path / "a.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)))
    assert message == "binary data, not text (looks like a PNG image)"


def test_control_characters_without_nuls_are_binary(tmp_path):
    data = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 65, 66]) * 200
    assert error_for(write(tmp_path / "a.txt", data)) == "binary data, not text"


def test_random_high_bytes_are_invalid_text(tmp_path):
    data = bytes(b for b in range(0x80, 0x100)) * 30 + b" some ascii"
    assert error_for(write(tmp_path / "a.txt", data)).startswith("invalid bytes")


def test_broken_utf16_is_invalid(tmp_path):
    data = b"\xff\xfe" + "Hajin coup".encode("utf-16-le") + b"\x00\xd8" * 50  # unpaired surrogates
    assert error_for(write(tmp_path / "a.txt", data)).startswith("invalid bytes")


def test_too_large(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:  # sparse: no 50 MB written to disk
        handle.truncate(50 * 1024 * 1024)
    assert error_for(path) == "too large (50.0 MB; the limit is 20 MB)"
    assert MAX_BYTES == 20 * 1024 * 1024


def test_missing_path(tmp_path):
    assert error_for(tmp_path / "nope.txt") == "no such file or folder"
    assert error_for(tmp_path / "nope") == "no such file or folder"


def test_broken_symlink(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    assert error_for(link) == "no such file or folder"


def test_unsupported_file_given_directly(tmp_path):
    assert error_for(write(tmp_path / "a.doc", b"\xd0\xcf\x11\xe0")) == "unsupported file type .doc (save it as .docx)"
    assert error_for(write(tmp_path / "README", GOOD)).startswith("unsupported file type (no extension)")


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    assert error_for(tmp_path / "empty") == "folder has no files to read"


def test_script_only_html(tmp_path):
    page = "<html><head><script>alert(1)</script></head><body>" + "<script>var a = 'x';</script>" * 50 + "</body></html>"
    assert error_for(write(tmp_path / "a.html", page)) == "no article text found"


def test_html_scripts_are_dropped_not_run(tmp_path):
    marker = tmp_path / "executed"
    page = (
        "<html><body><script>require('fs').writeFileSync('" + str(marker) + "', 'x')</script>"
        "<article><p>" + GOOD.replace("\n", " ") + " More text about the fighting in eastern Syria followed.</p>"
        "<script>document.body.innerHTML = 'INJECTED'</script></article></body></html>"
    )
    article = read_file(write(tmp_path / "a.html", page))
    assert "INJECTED" not in article.text and "writeFileSync" not in article.text
    assert "al-Baghdadi fled" in article.text
    assert not marker.exists()


def test_corrupted_pdf(tmp_path):
    assert error_for(write(tmp_path / "a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Cat garbage")) == "not a valid PDF"
    assert error_for(write(tmp_path / "b.pdf", GOOD)) == "not a valid PDF"


def test_pdf_without_text_layer(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert error_for(path).startswith("no text layer (scanned?)")


def test_corrupted_docx(tmp_path):
    assert error_for(write(tmp_path / "a.docx", b"PK\x03\x04 this is not a zip")) == "not a valid DOCX"
    other_zip = tmp_path / "b.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    assert error_for(other_zip) == "not a valid DOCX"


def test_read_file_raises_read_failure(tmp_path):
    with pytest.raises(ReadFailure) as caught:
        read_file(write(tmp_path / "a.txt", b""))
    assert caught.value.message == "empty file"
    with pytest.raises(ReadFailure):
        read_file(tmp_path)


def _unreadable_file() -> tuple[Path, Path]:
    """A file nobody but root may open, in a folder anyone may list."""
    folder = Path(tempfile.mkdtemp(prefix="crosscheck-read-"))
    folder.chmod(0o755)
    path = write(folder / "secret.txt", GOOD)
    path.chmod(0o000)
    return folder, path


def _read_paths_as_nobody(paths: list[str]) -> list[Article | ReadError]:
    """read_paths in a forked child that dropped root, since root may open any file."""
    import pickle

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, read, send results back
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(list(read_paths(paths)), out)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as incoming:
        data = incoming.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_permission_denied():
    folder, path = _unreadable_file()
    good = write(folder / "good.txt", GOOD)
    closed = Path(tempfile.mkdtemp(prefix="crosscheck-closed-"))  # mode 0700: others may not enter
    hidden_inside = write(closed / "inside.txt", GOOD)
    closed.chmod(0o700)
    paths = [str(path), str(good), str(hidden_inside), str(closed)]
    try:
        if os.geteuid() == 0:
            results = _read_paths_as_nobody(paths)
        else:
            closed.chmod(0o000)
            results = list(read_paths(paths))
    finally:
        closed.chmod(0o700)
        shutil.rmtree(folder)
        shutil.rmtree(closed)
    assert results[0] == ReadError(str(path), "cannot be read: permission denied")
    assert isinstance(results[1], Article)
    assert results[2] == ReadError(str(hidden_inside), "cannot be read: permission denied")
    assert results[3].message == "cannot be read: permission denied"
    assert len(results) == 4


def test_mixed_batch_reads_every_good_file(tmp_path):
    folder = tmp_path / "mixed"
    write(folder / "01_good.txt", GOOD)
    write(folder / "02_empty.txt", b"")
    write(folder / "03_binary.txt", bytes(range(256)) * 8)
    write(folder / "04_script.html", "<html><body><script>x()</script></body></html>")
    write(folder / "05_broken.pdf", b"%PDF-1.7 broken")
    write(folder / "06_broken.docx", b"nope")
    write(folder / "07_image.png", b"\x89PNG")
    write(folder / "08_good.md", "# Second article\n\nFighting continued near Baghouz in February.")
    with (folder / "09_big.txt").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    write(folder / "sub" / "10_good.htm", "<html><body><article><p>" + GOOD + " " * 3 + "Third article text continues here with more words.</p></article></body></html>")
    missing = tmp_path / "missing.txt"
    results = list(read_paths([folder, missing]))
    by_name = {Path(r.path).name: r for r in results}
    assert len(results) == 11
    assert [n for n, r in by_name.items() if isinstance(r, Article)] == ["01_good.txt", "08_good.md", "10_good.htm"]
    assert by_name["02_empty.txt"].message == "empty file"
    assert by_name["03_binary.txt"].message.startswith("binary data, not text")
    assert by_name["04_script.html"].message == "no article text found"
    assert by_name["05_broken.pdf"].message == "not a valid PDF"
    assert by_name["06_broken.docx"].message == "not a valid DOCX"
    assert by_name["07_image.png"].message == "unsupported file type .png"
    assert by_name["09_big.txt"].message.startswith("too large (20.0 MB")
    assert by_name["missing.txt"].message == "no such file or folder"


def test_folder_junk_is_skipped_silently(tmp_path):
    write(tmp_path / "a.txt", GOOD)
    for junk in ("Thumbs.db", "desktop.ini", "a.txt~", "draft.tmp", "~$report.docx", ".DS_Store"):
        write(tmp_path / junk, b"\x00junk")
    assert [type(r) for r in read_paths([tmp_path])] == [Article]


def test_read_file_safely_and_expand_paths_agree_with_read_paths(tmp_path):
    good = write(tmp_path / "a.txt", GOOD)
    write(tmp_path / "b.txt", b"")
    expanded = expand_paths([tmp_path, good, tmp_path / "nope.txt"])
    assert expanded[:2] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert expanded[2] == ReadError(str(tmp_path / "nope.txt"), "no such file or folder")
    safe = [item if isinstance(item, ReadError) else read_file_safely(item) for item in expanded]
    assert safe == list(read_paths([tmp_path, good, tmp_path / "nope.txt"]))
    assert read_file_safely(tmp_path) == ReadError(str(tmp_path), "is a folder, not a file")
