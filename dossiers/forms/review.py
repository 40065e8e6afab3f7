"""Forms of the reviewers' step actions and of the dossier-level actions (stop, apology, payment)."""

import re
from datetime import datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dossiers.files import MAX_FILE_BYTES, FileUpload, upload_from_django
from dossiers.forms.fields import MultipleFileField
from dossiers.models import ObligationKind
from procedures import workdays

# What phones and scanners make; checked again by content on the server (dossiers.files).
MAX_RESULT_FILES = 10


def _textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ForwardForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến xử lý"),
        required=False,
        max_length=2000,
        help_text=_("Ghi chú cho bước tiếp theo (không bắt buộc)."),
        widget=_textarea(),
    )


class ReasonForm(forms.Form):
    """send back, refuse, stop: a reason is required (and checked again by the service)."""

    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=_textarea(4),
        error_messages={"required": _("Vui lòng nêu lý do.")},
    )


class SupplementForm(forms.Form):
    items = forms.CharField(
        label=_("Nội dung cần bổ sung"),
        help_text=_("Mỗi dòng một nội dung, ví dụ: “Bản sao giấy chứng nhận quyền sử dụng đất”."),
        widget=_textarea(5),
        error_messages={"required": _("Vui lòng liệt kê ít nhất một nội dung cần bổ sung.")},
    )
    note = forms.CharField(
        label=_("Ghi chú cho người nộp"),
        required=False,
        max_length=2000,
        widget=_textarea(),
    )

    def clean_items(self) -> list[str]:
        items = [line.strip(" \t-•*") for line in self.cleaned_data["items"].splitlines()]
        items = [item for item in items if item]
        if not items:
            raise ValidationError(_("Vui lòng liệt kê ít nhất một nội dung cần bổ sung."))
        if len(items) > 50:
            raise ValidationError(_("Tối đa 50 nội dung trong một lần yêu cầu."))
        return items


class ApproveForm(forms.Form):
    result_note = forms.CharField(
        label=_("Kết quả giải quyết"),
        max_length=4000,
        help_text=_("Ví dụ: số, ngày ký của giấy phép hoặc văn bản kết quả."),
        widget=_textarea(4),
        error_messages={"required": _("Vui lòng ghi kết quả giải quyết.")},
    )
    result_files = MultipleFileField(label=_("Tệp kết quả"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_files"].help_text = gettext(
            "PDF, JPEG hoặc PNG, mỗi tệp tối đa %(mb)s MB (không bắt buộc)."
        ) % {"mb": MAX_FILE_BYTES // (1024 * 1024)}

    def clean_result_files(self) -> list[FileUpload]:
        files = self.cleaned_data["result_files"]
        if len(files) > MAX_RESULT_FILES:
            raise ValidationError(_("Tối đa %(n)s tệp kết quả.") % {"n": MAX_RESULT_FILES})
        uploads, errors = [], []
        for uploaded in files:
            try:
                uploads.append(upload_from_django(uploaded))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


_AMOUNT_NOISE = re.compile(r"[\s.,_]|₫|đ|vnd|đồng", re.IGNORECASE)


class PaymentForm(forms.Form):
    """A financial obligation on the tax authority's notice (not a fee of the center)."""

    kind = forms.ChoiceField(
        label=_("Loại nghĩa vụ tài chính"),
        choices=ObligationKind.choices,
        error_messages={"required": _("Vui lòng chọn loại nghĩa vụ tài chính.")},
    )
    amount = forms.CharField(
        label=_("Số tiền (đồng)"),
        max_length=20,
        help_text=_("Ví dụ: 1.500.000"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Vui lòng nhập số tiền.")},
    )
    notice_number = forms.CharField(
        label=_("Số thông báo nộp tiền"),
        max_length=100,
        error_messages={"required": _("Vui lòng ghi số thông báo nộp tiền.")},
    )
    issuing_authority = forms.CharField(
        label=_("Cơ quan ra thông báo"),
        max_length=300,
        help_text=_("Ví dụ: Thuế cơ sở 1 tỉnh Sơn Hà."),
        error_messages={"required": _("Vui lòng ghi cơ quan ra thông báo (ví dụ: Thuế cơ sở).")},
    )
    due_date = forms.DateField(
        label=_("Hạn nộp"),
        required=False,
        help_text=_("Dạng ngày/tháng/năm, ví dụ 25/12/2026 (không bắt buộc)."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={"invalid": _("Ngày không hợp lệ: nhập dạng ngày/tháng/năm, ví dụ 25/12/2026.")},
    )
    note = forms.CharField(
        label=_("Nơi và cách nộp, ghi chú"),
        required=False,
        max_length=2000,
        help_text=_("Ví dụ: nộp vào Kho bạc Nhà nước hoặc ngân hàng ủy nhiệm thu theo thông báo."),
        widget=_textarea(),
    )

    def clean_amount(self) -> int:
        text = _AMOUNT_NOISE.sub("", self.cleaned_data["amount"])
        if not text.isdigit() or len(text) > 15:
            raise ValidationError(_("Số tiền chỉ gồm chữ số, ví dụ 1.500.000."))
        amount = int(text)
        if amount <= 0:
            raise ValidationError(_("Số tiền phải lớn hơn 0."))
        return amount


class ConfirmPaymentForm(forms.Form):
    proof = forms.CharField(
        label=_("Số chứng từ nộp tiền"),
        max_length=300,
        help_text=_("Số giấy nộp tiền vào ngân sách nhà nước hoặc chứng từ của ngân hàng."),
        error_messages={
            "required": _("Vui lòng ghi số chứng từ nộp tiền vào ngân sách nhà nước (hoặc của ngân hàng).")
        },
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000, widget=_textarea())


class ApologizeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do chậm trễ"),
        max_length=2000,
        widget=_textarea(4),
        error_messages={"required": _("Vui lòng nêu lý do chậm trễ.")},
    )
    new_date = forms.DateField(
        label=_("Ngày hẹn trả kết quả mới"),
        help_text=_("Dạng ngày/tháng/năm, ví dụ 25/12/2026. Phải sau hạn trả kết quả hiện tại."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/yyyy"}
        ),
        error_messages={
            "required": _("Vui lòng nhập ngày hẹn mới."),
            "invalid": _("Ngày không hợp lệ: nhập dạng ngày/tháng/năm, ví dụ 25/12/2026."),
        },
    )
    new_time = forms.TimeField(
        label=_("Giờ hẹn"),
        required=False,
        help_text=_("Dạng giờ:phút, ví dụ 16:30. Bỏ trống: cuối giờ làm việc của ngày đó."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "HH:MM"}),
        error_messages={"invalid": _("Giờ không hợp lệ: nhập dạng giờ:phút, ví dụ 16:30.")},
    )

    def clean(self):
        data = super().clean()
        day = data.get("new_date")
        if day is not None and "new_time" not in self.errors:
            moment = datetime.combine(day, data.get("new_time") or end_of_office_day())
            data["new_moment"] = timezone.make_aware(moment)
        return data


def end_of_office_day() -> time:
    """The end of the last office period (17:00 by default)."""
    return workdays.parse_office_hours(settings.HCC_OFFICE_HOURS)[-1][1]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        help_text=_("Ví dụ: số chứng từ nộp tiền (không bắt buộc)."),
        widget=_textarea(),
    )
