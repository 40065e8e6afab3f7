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
