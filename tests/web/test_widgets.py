"""web.widgets.Select writes the HTML Django's own Select writes through its templates."""

from django import forms

from web.widgets import Select

CHOICES = [
    ("", "— Chọn quốc tịch —"),
    ("VN", "Việt Nam"),
    ("XX", 'Tên có <b>thẻ</b> & "ngoặc"'),
    ("Nhóm", [("A1", "Một"), ("A2", "Hai")]),
]


def both(value, attrs=None):
    ours = Select(choices=CHOICES).render("nationality", value, attrs)
    django = forms.Select(choices=CHOICES).render("nationality", value, attrs)
    return ours, django


def test_the_same_html_as_django_with_a_value_groups_and_attributes():
    for value in ("", "VN", "A2", None, "absent"):
        ours, django = both(value, {"id": "id_nationality", "class": "form-select", "required": True})
        assert ours == django


def test_values_and_labels_are_escaped():
    ours, _ = both("XX", {"data-x": '"><script>'})
    assert "<b>" not in ours and "<script>" not in ours
    assert "&lt;b&gt;thẻ&lt;/b&gt; &amp; &quot;ngoặc&quot;" in ours
    assert '<option value="XX" selected>' in ours


def test_a_false_attribute_is_left_out():
    ours, django = both("VN", {"disabled": False, "autofocus": True})
    assert ours == django
    assert "disabled" not in ours and " autofocus" in ours


FLAT = [("", "— Chọn quốc tịch —"), ("VN", "Việt Nam"), ("XX", 'Tên <b>thẻ</b> & "ngoặc"'), ("VN", "Lặp")]


def test_a_flat_list_of_strings_the_same_as_django_in_every_state():
    for value in ("", "VN", "XX", None, "absent", ["VN"]):
        for attrs in (None, {"id": "id_n", "class": "form-select", "required": True, "autofocus": False}):
            ours = Select(choices=FLAT).render("nationality", value, attrs)
            django = forms.Select(choices=FLAT).render("nationality", value, attrs)
            assert ours == django, (value, attrs)


def test_a_flat_list_rendered_again_with_another_value_or_other_labels():
    Select(choices=FLAT).render("nationality", "VN")
    again = Select(choices=FLAT).render("nationality", "XX")
    assert '<option value="XX" selected>' in again and '<option value="VN">' in again
    english = [("", "— Choose —"), ("VN", "Vietnam")]
    assert ">Vietnam</option>" in Select(choices=english).render("nationality", "")
