from django import forms
from django.utils.translation import gettext_lazy as _


class DescribeForm(forms.Form):
    """What the clerk reads off the paper: kind, issuer, number, dates (dd/mm/yyyy)."""

    kind = forms.CharField(
        label=_("Loại giấy tờ"), max_length=300, help_text=_("Ví dụ: Giấy khai sinh, Giấy phép xây dựng.")
    )
    issuer = forms.CharField(label=_("Cơ quan cấp"), max_length=300, required=False)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    issued_on = forms.DateField(
        label=_("Ngày cấp"), required=False, help_text=_("Ngày/tháng/năm, ví dụ 12/03/2026.")
    )
    valid_until = forms.DateField(
        label=_("Có giá trị đến"), required=False, help_text=_("Để trống nếu giấy tờ không có thời hạn.")
    )
