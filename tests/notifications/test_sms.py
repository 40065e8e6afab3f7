import pytest

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


def test_fit_never_cuts_inside_a_word_a_code_or_a_link():
    text = (
        "Hồ sơ TTPVHCC-261207-0001 đã có kết quả. Mời ông/bà nhận kết quả tại Trung tâm Phục vụ "
        "Hành chính công tỉnh Sơn Hà trong giờ hành chính. Tra cứu: https://hcc.sonha.gov.vn/ho-so/"
        "tra-cuu/q/abcdefghijklmnopqrstuvwxyz012345/ Phí, lệ phí: 1.234.567 đồng."
    )
    for max_parts in (1, 2):
        fitted = sms.fit(text, max_parts=max_parts)
        assert sms.parts(fitted) <= max_parts
        kept = fitted.removesuffix("...").split(" ")
        assert all(
            word in text.split(" ") or word.rstrip(",;:.") in [w.rstrip(",;:.") for w in text.split(" ")]
            for word in kept
        )
    assert "TTPVHCC-261207-0001" in sms.fit(text, max_parts=1)


def test_every_default_sms_fits_the_default_limit_whole(settings):
    """With values of usual length, no default SMS is cut (SMS_MAX_PARTS, 3 by default), with or
    without diacritics."""
    from notifications.defaults import TEMPLATES
    from notifications.services import sms_sample

    for code, _name, sms_body, _subject, _body in TEMPLATES:
        text = sms_sample(sms_body)
        for variant in (text, sms.strip_diacritics(text)):
            assert sms.parts(variant) <= settings.SMS_MAX_PARTS, (code, sms.describe(variant), variant)


@pytest.mark.django_db
def test_the_template_admin_shows_the_parts(admin_client):
    from notifications.models import MessageTemplate

    template = MessageTemplate.objects.get(code="dossier.received")
    page = admin_client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/").content.decode()
    assert "× UCS-2" in page and "× GSM-7" in page
