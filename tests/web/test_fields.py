"""web.fields writes the HTML crispy-forms' Bootstrap 5 pack writes through its templates, for
every kind of field the pages render with it (whitespace between tags aside)."""

import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import Context, Template

from web.fields import field_html, widget_html
from web.widgets import Select

CHOICES = [("", "— Chọn —"), ("VN", "Việt Nam"), ("XX", 'Có <b>thẻ</b> & "ngoặc"')]


class Sample(forms.Form):
    name = forms.CharField(label="Họ và tên <người nộp>", max_length=200)
    note = forms.CharField(label="Ghi chú", required=False, help_text="Gợi ý <em>có HTML</em>.")
    phone = forms.CharField(
        label="Số điện thoại",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label="Email", required=False)
    summary = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    count = forms.IntegerField(label="Số bộ", min_value=1, max_value=99, initial=1, help_text="1 đến 99.")
    kind = forms.ChoiceField(
        label="Người nộp là",
        choices=[("person", "Cá nhân"), ("org", "Tổ chức")],
        initial="person",
        widget=forms.RadioSelect,
        help_text="Chọn một.",
    )
    optional_kind = forms.ChoiceField(
        label="Giấy tờ", choices=[("a", "A"), ("b", "B")], required=False, widget=forms.RadioSelect
    )
    country = forms.ChoiceField(label="Quốc tịch", choices=CHOICES, required=False, widget=Select)
    plain_select = forms.ChoiceField(label="Cơ quan", choices=CHOICES, help_text="Bắt buộc.")
    agreed = forms.BooleanField(label="Đồng ý", help_text="Đánh dấu để tiếp tục.")
    ticked = forms.BooleanField(label="Đã nhận", required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    files = forms.FileField(label="Bản quét", required=False)


def squeeze(html: str) -> str:
    """Whitespace aside: runs of blanks made one, none beside a tag's brackets."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


FORMS = {
    "unbound": lambda: Sample(),
    "initial": lambda: Sample(initial={"name": "Nguyễn <A>", "kind": "org", "country": "XX", "agreed": True}),
    "errors": lambda: Sample({"name": "", "count": "0", "kind": "", "plain_select": "bad", "email": "x"}),
    "valid": lambda: Sample(
        {
            "name": 'Lê "B" & C',
            "count": "3",
            "kind": "person",
            "plain_select": "VN",
            "agreed": "on",
            "ticked": "on",
            "summary": "dòng 1\n<dòng 2>",
            "country": "VN",
        }
    ),
}


def test_each_field_as_crispy_renders_it_in_every_state():
    for state, make in FORMS.items():
        form = make()
        form.is_bound and form.is_valid()
        for name in form.fields:
            ours = field_html(make_bound(make, name))
            theirs = as_crispy_field(make_bound(make, name))
            assert squeeze(ours) == squeeze(theirs), (state, name)


def make_bound(make, name: str):
    """A new form each time: crispy changes the widget's classes as it renders."""
    form = make()
    if form.is_bound:
        form.is_valid()
    return form[name]


def test_autofocus_and_a_class_already_on_the_widget_are_kept():
    def make():
        form = Sample({"name": "", "count": "2"})
        form.fields["name"].widget.attrs.update(autofocus=True, **{"class": "wide"})
        form.is_valid()
        return form

    assert squeeze(field_html(make()["name"])) == squeeze(as_crispy_field(make()["name"]))
    assert " autofocus" in field_html(make()["name"])


CRISPY_FIELD = Template("{% load crispy_forms_field %}{% crispy_field field 'class' css %}")


def test_a_widget_alone_as_crispy_field_renders_it():
    for state, make in FORMS.items():
        for name in ("name", "count", "ticked", "agreed", "summary", "files", "country", "plain_select"):
            for css in ("form-control", "form-check-input is-invalid", "form-control form-control-sm"):
                ours = widget_html(make_bound(make, name), css)
                theirs = CRISPY_FIELD.render(Context({"field": make_bound(make, name), "css": css}))
                assert squeeze(ours) == squeeze(theirs), (state, name, css)


def test_values_labels_and_errors_are_escaped():
    form = Sample({"name": '"><script>x</script>', "count": "1"})
    form.is_valid()
    html = field_html(form["name"]) + field_html(Sample()["name"])
    assert "<script>" not in html
    assert "&lt;người nộp&gt;" in html
    assert "Gợi ý <em>có HTML</em>." in field_html(Sample()["note"])  # help text is the page's own HTML
