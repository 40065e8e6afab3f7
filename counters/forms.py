"""Forms of the kiosk, the clerk console and the figures page."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counters.figures import GROUPINGS
from counters.models import Counter, Priority, Service

PRIORITY_KINDS = [(value, label) for value, label in Priority.choices if value != Priority.NONE]


class TakeTicketForm(forms.Form):
    """The kiosk's buttons: a service and, for a priority ticket, its kind."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Dịch vụ"))
    priority = forms.ChoiceField(choices=Priority.choices, label=_("Ưu tiên"), initial=Priority.NONE)

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(office=office, is_active=True)


class TransferForm(forms.Form):
    to_counter = forms.ModelChoiceField(
        queryset=Counter.objects.none(), label=_("Chuyển đến quầy"), required=False, empty_label="—"
    )
    to_service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("hoặc chuyển sang dịch vụ"), required=False, empty_label="—"
    )

    def __init__(self, *args, counter: Counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_counter"].queryset = Counter.objects.filter(
            office_id=counter.office_id, is_active=True
        ).exclude(pk=counter.pk)
        self.fields["to_service"].queryset = Service.objects.filter(
            office_id=counter.office_id, is_active=True
        )
        prefix = self.prefix or ""
        for name in self.fields:
            self.fields[name].widget.attrs["id"] = f"id_{prefix}{name}"

    def clean(self):
        data = super().clean()
        if bool(data.get("to_counter")) == bool(data.get("to_service")):
            raise forms.ValidationError(_("Chọn một quầy hoặc một dịch vụ để chuyển số đến."))
        return data


class AttachDossierForm(forms.Form):
    dossier = forms.CharField(
        label=_("Mã hồ sơ đã tiếp nhận"),
        max_length=40,
        help_text=_("Ví dụ TTPVHCC-261207-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_dossier(self) -> str:
        return self.cleaned_data["dossier"].strip().upper()


class FiguresForm(forms.Form):
    office = forms.ChoiceField(label=_("Nơi tiếp nhận"), required=False)
    day_from = forms.DateField(label=_("Từ ngày"), required=False)
    day_to = forms.DateField(label=_("Đến ngày"), required=False)
    by = forms.ChoiceField(
        label=_("Theo"),
        choices=[
            ("service", _("dịch vụ")),
            ("counter", _("quầy")),
            ("day", _("ngày")),
            ("office", _("nơi tiếp nhận")),
        ],
        required=False,
    )

    MAX_DAYS = 366

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("Tất cả"))] + [(str(o.pk), o.name) for o in offices]
        for name in ("day_from", "day_to"):
            self.fields[name].widget.attrs["placeholder"] = "dd/mm/yyyy"

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["day_to"] = data.get("day_to") or today
        data["day_from"] = data.get("day_from") or data["day_to"]
        data["by"] = data.get("by") or "service"
        if data["by"] not in GROUPINGS:
            raise forms.ValidationError(_("Cách nhóm không hợp lệ."))
        if data["day_from"] > data["day_to"]:
            self.add_error("day_from", _("Ngày bắt đầu phải trước ngày kết thúc."))
        elif data["day_to"] - data["day_from"] > timedelta(days=self.MAX_DAYS):
            self.add_error("day_from", _("Xem tối đa một năm mỗi lần."))
        return data
