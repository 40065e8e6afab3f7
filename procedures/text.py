"""Search keys for Vietnamese text: case and diacritics folded both ways.

"GIẤY PHÉP XÂY DỰNG", "giay phep xay dung" and "Giấy phép xây dựng" all fold to
"giay phep xay dung"; "Đ"/"đ" fold to "d" (Unicode decomposition alone leaves đ alone).
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d, collapse white space."""
    if not text:
        return ""
    text = text.replace("Đ", "d").replace("đ", "d").replace("Ð", "d")
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a query, each of which must be found."""
    return [word for word in fold(query).split(" ") if word]


# Vietnamese alphabetical order (the dictionary's): letters with their vowel marks are letters of
# their own (a < ă < â, d < đ, o < ô < ơ, u < ư); tone marks only break ties, in the order
# none < huyền < hỏi < ngã < sắc < nặng. Python's and SQLite's code-point order put "Đ" after "Z".
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def sort_key(text: str) -> str:
    """A key whose code-point order is Vietnamese alphabetical order, case-insensitive: letters by
    the Vietnamese alphabet first, then the tones. Stored beside a name so that both databases
    sort the same way."""
    primary: list[str] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFC", (text or "").casefold()):
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((_TONES[m] for m in decomposed[1:] if m in _TONES), 0)
        marks = "".join(m for m in decomposed[1:] if m in _VOWEL_MARKS)
        letter = unicodedata.normalize("NFC", decomposed[0] + marks)
        rank = _LETTER_RANK.get(letter)
        if rank is not None:
            primary.append(chr(0x100 + rank))
        elif char.isdigit():
            primary.append(chr(0x30 + int(char)) if char.isascii() else char)
        elif char.isspace():
            primary.append(" ")
        else:
            primary.append(char if ord(char) >= 0x300 else chr(0x21))  # punctuation sorts early
        tones.append(chr(0x30 + tone))
    return "".join(primary).strip() + "\x01" + "".join(tones)
