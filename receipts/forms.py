"""Forms of the fee desk, cancellations, the register and the reconciliation pages."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receipts.models import PaymentMethod
from receipts.services import Payer
from web.inputs import DateInput, MonthField, MonthInput


class PaymentFields(forms.Form):
    payer_name = forms.CharField(label=_("Tên người nộp tiền"), max_length=300)
    payer_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    payer_tax_code = forms.CharField(label=_("Mã số thuế hoặc số định danh"), max_length=20, required=False)
    method = forms.ChoiceField(
        label=_("Hình thức thanh toán"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )
    transaction_ref = forms.CharField(
        label=_("Mã giao dịch"),
        max_length=100,
        required=False,
        help_text=_(
            "Bắt buộc khi chuyển khoản hoặc thanh toán trực tuyến: "
            "mã giao dịch của ngân hàng hoặc cổng thanh toán."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("method") and data["method"] != PaymentMethod.CASH and not data.get("transaction_ref"):
            self.add_error("transaction_ref", _("Vui lòng nhập mã giao dịch."))
        return data

    def payer(self) -> Payer:
        data = self.cleaned_data
        return Payer(name=data["payer_name"], address=data["payer_address"], tax_code=data["payer_tax_code"])


class CollectForm(PaymentFields):
    lines = forms.TypedMultipleChoiceField(
        label=_("Các khoản thu"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["lines", "payer_name", "payer_address", "payer_tax_code", "method", "transaction_ref"]

    def __init__(self, *args, due=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(line.pk, f"{line.name}") for line in due]
        self.fields["lines"].initial = [line.pk for line in due]


class ExemptForm(forms.Form):
    reason = forms.CharField(label=_("Lý do miễn"), max_length=500)


class CancelForm(PaymentFields):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)
    replace = forms.BooleanField(
        label=_("Lập biên lai thay thế cho cùng các khoản thu"), required=False, initial=True
    )

    field_order = [
        "reason",
        "replace",
        "payer_name",
        "payer_address",
        "payer_tax_code",
        "method",
        "transaction_ref",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer_name"].required = False
        self.fields["method"].required = False

    def clean(self):
        data = forms.Form.clean(self)
        if data.get("replace"):
            if not data.get("payer_name"):
                self.add_error("payer_name", _("Vui lòng ghi tên người nộp tiền."))
            if not data.get("method"):
                self.add_error("method", _("Vui lòng chọn hình thức thanh toán."))
            elif data["method"] != PaymentMethod.CASH and not data.get("transaction_ref"):
                self.add_error("transaction_ref", _("Vui lòng nhập mã giao dịch."))
        return data


class RegisterForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Bộ phận tiếp nhận"), queryset=None, empty_label=None)
    start = forms.DateField(label=_("Từ ngày"), widget=DateInput)
    end = forms.DateField(label=_("Đến ngày"), widget=DateInput)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
            if (end - start).days > 366:
                raise ValidationError(_("Chọn một khoảng thời gian không quá một năm."))
        return data


class ReconcileForm(forms.Form):
    month = MonthField(
        label=_("Tháng (theo cơ quan)"),
        required=False,
        widget=MonthInput(attrs={"class": "form-control"}),
        help_text=_("Ví dụ 2026-12."),
    )
    day = forms.DateField(
        label=_("Ngày (theo người thu)"), required=False, widget=DateInput(attrs={"class": "form-control"})
    )

    def clean_month(self) -> date:
        return self.cleaned_data.get("month") or timezone.localdate().replace(day=1)

    def clean_day(self) -> date:
        return self.cleaned_data.get("day") or timezone.localdate()
