"""SMS text rules: the encoding a gateway will use, how many parts a text takes, diacritics.

GSM-7 (no Vietnamese diacritics): 160 characters in one part, 153 a part when split; the
extension characters (``^{}\\[~]|€``) count twice. Anything else goes as UCS-2: 70 in one part, 67
a part when split (counted in UTF-16 units).
"""

import unicodedata

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)


def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics, as brand-name gateways often require: đ→d, Đ→D, ế→e."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def _units(text: str, gsm7: bool) -> int:
    if gsm7:
        return sum(2 if c in _EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def parts(text: str) -> int:
    """How many SMS parts ``text`` takes."""
    gsm7 = is_gsm7(text)
    single, multi = (160, 153) if gsm7 else (70, 67)
    units = _units(text, gsm7)
    if units <= single:
        return 1
    return -(-units // multi)


def fit(text: str, *, max_parts: int, strip: bool = False) -> str:
    """``text`` made ready for the gateway: without diacritics when ``strip``, whitespace folded,
    and, when longer than ``max_parts`` parts, cut at a space (never inside a word, a code or a
    link) and ended with "...". Only a single word longer than the whole budget is cut inside."""
    if strip:
        text = strip_diacritics(text)
    text = " ".join(text.split())
    if parts(text) <= max_parts:
        return text
    gsm7 = is_gsm7(text)
    single, multi = (160, 153) if gsm7 else (70, 67)
    budget = (single if max_parts == 1 else multi * max_parts) - 3  # room for "..."
    words = text.split(" ")
    kept: list[str] = []
    used = 0
    for word in words:
        cost = _units(word, gsm7) + (1 if kept else 0)
        if used + cost > budget:
            break
        kept.append(word)
        used += cost
    if not kept:  # one word longer than the budget: nothing else to do but cut it
        cut = words[0]
        while _units(cut, gsm7) > budget:
            cut = cut[:-1]
        kept = [cut]
    return " ".join(kept).rstrip(" ,;:.") + "..."


def describe(text: str) -> str:
    """ "2 phần tin (UCS-2, có dấu), 120 ký tự": what the gateway will send, for the template admin."""
    gsm7 = is_gsm7(text)
    encoding = "GSM-7" if gsm7 else "UCS-2"
    return f"{parts(text)} × {encoding}, {_units(text, gsm7)}"
