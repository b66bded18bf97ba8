"""Name normalisation shared by the gazetteer index and the resolver.

Place names from Arabic (and other non-Latin scripts) reach English news in
many spellings: "al-Hasakah", "Ḩasakah", "Hassakeh"; "Deir ez-Zor", "Deir
Ezzor", "Dayr az Zawr".  Two keys absorb most of that variation:

* :func:`place_key`: case, diacritics, punctuation and Arabic article
  prefixes removed ("Al-Darbasiyah" and "Ad Darbasiyah" -> "darbasiyah").
* :func:`phonetic_key`: a consonant skeleton of the key (vowels, glides and
  the ``h`` of digraphs dropped, doubled letters collapsed), so that vowel and
  transliteration variants meet ("keshma"/"kishmah" -> "ksm").

Hand-written rather than a library: Soundex/Metaphone (e.g. jellyfish) are
tuned for English surnames and keep the first vowel, which is exactly what
varies between "Ezzor"/"Azzor" or "Erbil"/"Irbil".
"""

from __future__ import annotations

import re
import unicodedata

#: Arabic definite-article forms as they appear in transliterations.
ARTICLES = frozenset({"al", "el", "ad", "as", "ar", "ash", "az", "an", "at", "ath", "adh", "ed", "es", "ez", "ul"})

# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans({
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
    "ʿ": "", "ʾ": "", "ʼ": "", "’": "", "‘": "", "'": "", "`": "", "´": "", "ʻ": "",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def fold(name: str) -> str:
    """Lower-case ASCII words of ``name``: diacritics, apostrophes, hyphens gone."""
    if name.isascii():
        return _NON_ALNUM.sub(" ", name.lower().replace("'", "").replace("`", "").replace(".", "")).strip()
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL).casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace(".", "")  # "U.S." -> "us"
    return _NON_ALNUM.sub(" ", text).strip()


_SPECIAL_CASED = str.maketrans({
    "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "þ": "th",
    "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ʿ": "", "ʾ": "", "ʼ": "", "‘": "'", "’": "'", "ʻ": "",
})


def ascii_name(name: str) -> str:
    """A readable ASCII form of a GeoNames name, case kept: "Hajīn" -> "Hajin", "Ḩasakah" -> "Hasakah".

    ``unicodedata`` decomposition covers Latin diacritics, which is all the
    Latin-script gazetteer names need (no GPL transliteration table).
    """
    if name.isascii():
        return name
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL_CASED))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    return text if text.isascii() else "".join(ch for ch in text if ch.isascii()) or name


def strip_articles(words: list[str]) -> list[str]:
    """Drop Arabic articles that precede another word ("ad darbasiyah" -> "darbasiyah")."""
    kept = [w for i, w in enumerate(words) if not (w in ARTICLES and i + 1 < len(words))]
    return kept or words


def place_key(name: str) -> str:
    """The normalised lookup key of a place name (also the key of user pins)."""
    return " ".join(strip_articles(fold(name).split()))


_DIGRAPHS = (("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"), ("j", "j"))
_VOWELS = re.compile(r"[aeiouyw]")
_H_AFTER_CONSONANT = re.compile(r"(?<=[bcdfgjklmnpqrstvxz])h")
_DOUBLES = re.compile(r"(.)\1+")


def phonetic_key(key: str) -> str:
    """A consonant skeleton of a :func:`place_key`, for spelling variants.

    Vowels and the glides y/w carry most transliteration noise; ``kh``/``gh``/
    ``sh``/``th``/``dh`` lose their ``h``; a final ``h`` ("Kishmah") is dropped.
    """
    text = key.replace(" ", "")
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    text = _H_AFTER_CONSONANT.sub("", text)
    text = _VOWELS.sub("", text)
    text = text.rstrip("h") if len(text) > 1 else text
    return _DOUBLES.sub(r"\1", text)


def is_latin_name(name: str) -> bool:
    """True for names written in Latin script (others are useless for English text)."""
    if name.isascii():
        return bool(_LATIN_LETTER.search(name))
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if ch < "ɏ")  # Basic Latin .. Latin Extended-B
    return latin == len(letters) and bool(_LATIN_LETTER.search(unicodedata.normalize("NFKD", name)))


def is_useful_alternate(name: str) -> bool:
    """Skip GeoNames alternates that are codes ("AEX") or lower-case romanisations ("mwsl")."""
    if not is_latin_name(name) or len(name) < 3:
        return False
    if name.isupper() and len(name) <= 4:
        return False  # IATA/ICAO-like codes
    return name[0].isupper() or name[0].isdigit()
