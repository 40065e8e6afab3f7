import pytest

from procedures.text import fold, search_terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cấp giấy phép xây dựng", "cap giay phep xay dung"),
        ("GIẤY PHÉP XÂY DỰNG", "giay phep xay dung"),
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("đ Đ", "d d"),
        ("  nhiều   khoảng  trắng ", "nhieu khoang trang"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_of_decomposed_input_matches_composed():
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Xây dựng")) == fold("Xây dựng")


def test_search_terms():
    assert search_terms("  Giấy   PHÉP ") == ["giay", "phep"]
    assert search_terms("") == []
