from notifications import sms


def test_plain_ascii_is_gsm7_160_then_153_a_part():
    assert sms.parts("a" * 160) == 1
    assert sms.parts("a" * 161) == 2
    assert sms.parts("a" * 306) == 2
    assert sms.parts("a" * 307) == 3


def test_gsm7_extension_characters_count_twice():
    assert sms.parts("[" * 80) == 1
    assert sms.parts("[" * 81) == 2


def test_vietnamese_with_diacritics_is_ucs2_70_then_67_a_part():
    assert not sms.is_gsm7("Hồ sơ")
    assert sms.parts("ồ" * 70) == 1
    assert sms.parts("ồ" * 71) == 2
    assert sms.parts("ồ" * 134) == 2
    assert sms.parts("ồ" * 135) == 3


def test_diacritics_removed_including_d_with_stroke():
    assert sms.strip_diacritics("Đã tiếp nhận hồ sơ, Đường Lê Lợi") == "Da tiep nhan ho so, Duong Le Loi"
    assert sms.is_gsm7(sms.strip_diacritics("Hẹn trả kết quả ngày 21/12/2026"))


def test_fit_cuts_to_the_maximum_number_of_parts():
    text = "Hồ sơ đã được tiếp nhận. " * 40
    fitted = sms.fit(text, max_parts=2)
    assert sms.parts(fitted) == 2 and fitted.endswith("...")
    assert sms.parts(sms.fit(text, max_parts=1)) == 1
    stripped = sms.fit(text, max_parts=2, strip=True)
    assert sms.is_gsm7(stripped) and sms.parts(stripped) == 2 and len(stripped) > 250


def test_short_text_is_kept_with_whitespace_folded():
    assert sms.fit("Hồ sơ  A\nđã nhận", max_parts=1) == "Hồ sơ A đã nhận"
