"""Bytes -> text: encoding detection, binary sniffing and text normalisation.

Articles arrive as UTF-8 (with or without BOM), UTF-16 (often without a BOM
when exported from Windows tools), or legacy 8-bit code pages, mostly cp1252.
Later stages count offsets in Python characters of the decoded text, so the
decoding here decides what every stage sees: it must be deterministic.

This module is the lowest level of ``viewer.read``; the reader's exception
lives here so that every other module can raise it without import cycles.
"""

from __future__ import annotations

import codecs
import unicodedata

#: How much of a file is sniffed for binary content and UTF-16 NUL patterns.
SNIFF_BYTES = 8192
#: Control characters (other than tab/newline/CR/FF/ESC) above this share -> binary.
MAX_CONTROL_RATIO = 0.05
#: UTF-8 with at most this share of invalid bytes is decoded with replacement.
MAX_INVALID_UTF8_RATIO = 0.01
#: 8-bit text with more high bytes than this is not Western text in cp1252.
MAX_HIGH_BYTE_RATIO = 0.30
#: charset_normalizer looks at this much; the whole file is then decoded with its answer.
DETECT_BYTES = 256 * 1024
#: charset_normalizer's language coherence needed to trust a non-Latin code page.
MIN_COHERENCE = 0.2

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "looks like a PDF; give it the .pdf extension"),
    (b"PK\x03\x04", "looks like a ZIP/DOCX archive"),
    (b"\x89PNG", "looks like a PNG image"),
    (b"\xff\xd8\xff", "looks like a JPEG image"),
    (b"GIF8", "looks like a GIF image"),
    (b"\x7fELF", "looks like a program"),
    (b"\xd0\xcf\x11\xe0", "looks like an old Office file (.doc); save it as .docx"),
)

_ALLOWED_CONTROLS = frozenset(b"\t\n\r\f\x1b")


class ReadFailure(Exception):
    """A file could not be read; ``message`` is one line a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_text(data: bytes) -> str:
    """Decode ``data`` as text in whatever encoding it is most plausibly in.

    Raises ReadFailure("binary data, not text") for binary content and
    ReadFailure("invalid bytes ...") when no encoding gives mostly valid text.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        return _decode_mostly_valid(data[skip:], encoding)
    utf16 = _utf16_without_bom(data[:SNIFF_BYTES])
    if utf16 is not None:
        return _decode_mostly_valid(data, utf16)
    _reject_binary(data[:SNIFF_BYTES])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def normalise_text(text: str) -> str:
    """NFC, "\\n" newlines, no leading/trailing blank space: the canonical article text.

    The content hash and every offset are computed on this form, so the same
    article saved with CRLF or decomposed accents gets the same id.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a byte-order mark and the BOM's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Spot BOM-less UTF-16 from its NUL pattern.

    Hand-written because charset_normalizer does not guess BOM-less UTF-16
    reliably for short samples: Latin text in UTF-16 has a NUL in (nearly)
    every other byte, at odd offsets for little-endian, even for big-endian.
    """
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even_nuls = head[0 : pairs * 2 : 2].count(0)
    odd_nuls = head[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _reject_binary(head: bytes) -> None:
    """Raise when the first bytes are clearly not text (NULs, many control chars)."""
    for magic, hint in _MAGIC:
        if head.startswith(magic):
            raise ReadFailure(f"binary data, not text ({hint})")
    if 0 in head:
        raise ReadFailure("binary data, not text")
    controls = sum(1 for byte in head if byte < 32 and byte not in _ALLOWED_CONTROLS)
    if head and controls / len(head) > MAX_CONTROL_RATIO:
        raise ReadFailure("binary data, not text")


def _decode_mostly_valid(data: bytes, encoding: str) -> str:
    """Decode, replacing a few bad bytes; refuse when many are bad."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(1, MAX_INVALID_UTF8_RATIO * len(text)):
        raise ReadFailure(f"invalid bytes: not valid {encoding.upper()} text ({bad} bad characters)")
    return text


def _decode_legacy(data: bytes) -> str:
    """Text that is not valid UTF-8: mostly-UTF-8, a detected code page, or cp1252."""
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    detected = _confident_non_latin(data)
    if detected is not None:
        return detected
    high = sum(1 for byte in data[: SNIFF_BYTES * 4] if byte >= 0x80)
    if high / max(1, min(len(data), SNIFF_BYTES * 4)) > MAX_HIGH_BYTE_RATIO:
        raise ReadFailure("invalid bytes: not text in UTF-8, UTF-16 or a known 8-bit encoding")
    # cp1252 is a superset of latin-1's printable range; its five undefined
    # bytes are replaced rather than rejected.
    return data.decode("cp1252", errors="replace")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes: keep it, with U+FFFD for the strays.

    Only when the file really is UTF-8 (it has valid multi-byte sequences
    outnumbering the bad ones); a cp1252 file has no valid sequences at all.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))  # fast count, no Python loop
    valid_multibyte = non_ascii - bad
    if valid_multibyte >= bad and bad <= MAX_INVALID_UTF8_RATIO * len(text):
        return text
    return None


def _confident_non_latin(data: bytes) -> str | None:
    """charset_normalizer's guess, but only for a confident non-Latin script.

    For short Western text it often prefers cp1250 or cp1257 over cp1252
    ("naïve" -> "naďve"); our sources are mostly English-language news, so
    Latin-script guesses fall back to cp1252 and only a coherent Cyrillic,
    Greek, Arabic, ... reading overrides it.
    """
    from charset_normalizer import from_bytes  # imported lazily: only legacy files need it

    best = from_bytes(data[:DETECT_BYTES]).best()
    if best is None or best.coherence < MIN_COHERENCE:
        return None
    sample = str(best)
    if not any(ch.isalpha() and ord(ch) > 0x24F for ch in sample):
        return None
    return data.decode(best.encoding, errors="replace")
