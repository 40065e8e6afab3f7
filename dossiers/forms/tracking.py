"""The public tracking form: the dossier code and the secret printed on the intake receipt."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        help_text=_("In trên giấy tiếp nhận hồ sơ, ví dụ TTPVHCC-261207-0001."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    secret = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=16,
        help_text=_("8 ký tự in cạnh mã hồ sơ trên giấy tiếp nhận."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"].strip().upper()
