"""The wizard's fields written in Python (``web.fields``, as on the desk) are the HTML crispy
writes for them, whitespace aside: labels, required marks, help text, errors, aria attributes."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from dossiers.forms.online import ApplicantForm, ContactForm, OfficeForm
from procedures.services import agency_upsert
from web.fields import field_html as online_field


def squeezed(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).strip()


def assert_same(make_form):
    """Each field of two copies of the same form (crispy changes the widgets it renders)."""
    ours, theirs = make_form(), make_form()
    assert list(ours.fields)
    for name in ours.fields:
        mine, crispy = str(online_field(ours[name])), str(as_crispy_field(theirs[name]))
        assert squeezed(mine) == squeezed(crispy), name


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"kind": "organisation", "name": "", "id_kind": "passport", "id_number": "x", "tax_code": "12"},
        {"kind": "person", "name": "Trần <b>Thị</b> & “Bình”", "id_number": "123", "nationality": "VN"},
        {"kind": "person", "name": "Trần Thị Bình", "id_number": "001203004567"},
        {
            "kind": "person",
            "name": "Trần Thị Bình",
            "id_kind": "passport",
            "id_number": "B1",
            "nationality": "ZZ",
        },
        {
            "kind": "person",
            "name": "Trần Thị Bình",
            "id_kind": "passport",
            "id_number": "B1",
            "nationality": "FR",
        },
    ],
)
def test_applicant_fields_as_crispy_writes_them(db, data):
    initial = {"kind": "person", "name": 'Nguyễn "An" <i>', "id_kind": "passport", "nationality": "FR"}
    assert_same(lambda: ApplicantForm(data) if data is not None else ApplicantForm(initial=initial))


@pytest.mark.parametrize("data", [None, {}, {"email": "sai", "address": "Số 1"}, {"phone": "0912 345 678"}])
def test_contact_fields_as_crispy_writes_them(db, data):
    initial = {"phone": "0912 345 678", "email": "an@example.vn", "address": "Số 1 <Trần Phú>\nHà Nội"}
    assert_same(lambda: ContactForm(data) if data is not None else ContactForm(initial=initial))


@pytest.mark.parametrize("commune_level", [False, True])
@pytest.mark.parametrize("data", [None, {}, {"office": "999999", "return_method": "post"}])
def test_office_fields_as_crispy_writes_them(world, commune_level, data):
    procedure = world.on_the_spot if commune_level else world.procedure
    if commune_level:  # two communes: the form asks which one resolves
        agency_upsert(code="XA2", name="UBND xã Hai", level="commune", kind="peoples_committee")
    initial = {"office": world.center.pk, "return_method": "counter", "return_address": "Số 2"}
    assert_same(
        lambda: (
            OfficeForm(data, procedure=procedure)
            if data is not None
            else OfficeForm(initial=initial, procedure=procedure)
        )
    )
    if commune_level:
        assert "resolving_agency" in OfficeForm(procedure=procedure).fields


def test_other_widgets_are_left_to_crispy(db):
    class Other(forms.Form):
        agree = forms.BooleanField(label="Đồng ý")
        files = forms.FileField(label="Tệp", help_text="PDF")
        secret = forms.CharField(widget=forms.HiddenInput)

    assert_same(Other)
    assert_same(lambda: Other({}))


def test_help_text_and_errors_are_described(db):
    html = str(online_field(ContactForm({"email": "sai"})["email"]))
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert '<p id="error_1_id_email"><strong>Email không đúng định dạng' in html
    assert "<b>" not in str(online_field(ApplicantForm({"name": "<b>x</b>"})["name"]))
