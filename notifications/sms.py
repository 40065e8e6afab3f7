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
    and cut (ending in "...") to at most ``max_parts`` parts."""
    if strip:
        text = strip_diacritics(text)
    text = " ".join(text.split())
    if parts(text) <= max_parts:
        return text
    gsm7 = is_gsm7(text)
    single, multi = (160, 153) if gsm7 else (70, 67)
    budget = single if max_parts == 1 else multi * max_parts
    cut = text
    while cut and _units(cut, gsm7) + 3 > budget:
        cut = cut[: -max(1, (_units(cut, gsm7) + 3 - budget) // 2)]
    return cut.rstrip() + "..."
