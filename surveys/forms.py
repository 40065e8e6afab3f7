from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency
from surveys.models import Reason, Score, Subject
from web.inputs import DateInput


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"), choices=Score.choices, coerce=int, widget=forms.RadioSelect
    )
    reasons = forms.ModelMultipleChoiceField(
        label=_("Lý do không hài lòng"),
        queryset=Reason.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Ý kiến khác"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("score") == Score.UNSATISFIED
            and not data.get("reasons")
            and not (data.get("comment") or "").strip()
        ):
            self.add_error(
                "reasons", _("Vui lòng cho biết lý do không hài lòng (chọn lý do hoặc ghi ý kiến).")
            )
        return data


class PaperRowForm(forms.Form):
    dossier_code = forms.CharField(label=_("Mã hồ sơ (nếu có)"), required=False, max_length=40)
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=[("", "—"), *Score.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reasons = forms.ModelMultipleChoiceField(
        label=_("Lý do không hài lòng"),
        queryset=Reason.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(label=_("Ý kiến khác"), required=False, max_length=2000)


PaperFormSet = forms.formset_factory(PaperRowForm, extra=8, max_num=50)


class FeedbackForm(forms.Form):
    subject = forms.ChoiceField(label=_("Phản ánh về"), choices=Subject.choices)
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ (nếu có)"), required=False, max_length=40, help_text=_("In trên giấy tiếp nhận.")
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"), widget=forms.Textarea(attrs={"rows": 6})
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20)
    email = forms.EmailField(label=_("Email"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and "email" not in self.errors:
            self.add_error("phone", _("Vui lòng nhập số điện thoại hoặc email để nhận trả lời."))
        return data


class FeedbackTrackForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh"), max_length=20)


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Chuyển cho cơ quan"), queryset=Agency.objects.order_by("name"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 5}))


class PublishForm(forms.Form):
    public_content = forms.CharField(
        label=_("Nội dung phản ánh công khai (đã xóa thông tin cá nhân)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    public_answer = forms.CharField(
        label=_("Trả lời công khai (đã xóa thông tin cá nhân)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do không xử lý"), widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    agency = forms.ModelChoiceField(label=_("Cơ quan"), required=False, queryset=Agency.objects.none())

    def __init__(self, *args, agencies=None, **kwargs):
        from surveys.models import FeedbackStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả")), *FeedbackStatus.choices]
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), widget=DateInput)
    end = forms.DateField(label=_("Đến ngày"), widget=DateInput)
    agency = forms.ModelChoiceField(label=_("Cơ quan"), required=False, queryset=Agency.objects.none())

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
