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


def test_flat_choices_are_read_when_used_and_checked_as_django_checks_a_list():
    from django.utils.choices import CallableChoiceIterator

    from web.widgets import FlatChoices

    read = []

    def options():
        read.append(1)
        return tuple(FLAT)

    class Sample(forms.Form):
        nationality = forms.ChoiceField(choices=FlatChoices(options), required=False, widget=Select)

    assert not read  # nothing read when the form class is made
    form = Sample()
    django = forms.Select(choices=CallableChoiceIterator(options)).render("nationality", "VN")
    assert form["nationality"].as_widget() != "" and str(form["nationality"]).count("<option") == 4
    assert Select(choices=FlatChoices(options)).render("nationality", "VN") == django
    assert Sample({"nationality": "XX"}).is_valid()
    assert not Sample({"nationality": "ZZ"}).is_valid()
    assert list(Sample().fields["nationality"].choices) == FLAT


def test_the_nationality_options_follow_the_page_language():
    from django.utils import translation

    from dossiers.validators import nationality_options

    with translation.override("vi"):
        vietnamese = nationality_options()
        assert nationality_options() is vietnamese  # one list a language and process
    with translation.override("en"):
        english = nationality_options()
    assert vietnamese[0] == ("", "— Chọn quốc tịch —") and english[0] == ("", "— Choose a nationality —")
    assert ("KR", "Hàn Quốc") in vietnamese and ("KR", "South Korea") in english
