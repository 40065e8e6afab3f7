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
