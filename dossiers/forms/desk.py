"""Forms of the one-stop desk: counter and postal intake, online queue, return, on-the-spot,
supplement and withdrawal. They parse and check the shape of what the clerk typed; the rules
that change a dossier stay in ``dossiers.services``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.phones import normalize_phone
from dossiers.files import MAX_FILES_PER_DOSSIER, FileUpload
from dossiers.forms.fields import CheckedFilesField as MultipleFileField
from dossiers.models import ApplicantKind, ReturnMethod
from dossiers.services import Applicant, Intake
from dossiers.validators import validate_id_number, validate_tax_code


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Tìm thủ tục"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Tên hoặc mã thủ tục, gõ có dấu hay không dấu đều được."),
    )


class ApplicantLookupForm(forms.Form):
    """Find the applicant of an earlier dossier (POSTed: an ID number never goes in a URL)."""

    find = forms.CharField(
        label=gettext_lazy("Tìm người nộp trước đây theo số CCCD hoặc số điện thoại"),
        max_length=20,
        help_text=gettext_lazy("Điền sẵn họ tên, địa chỉ, điện thoại, email từ hồ sơ gần nhất."),
    )

    def clean_find(self) -> dict[str, str]:
        """``{"id_number": …}`` or ``{"phone": …}`` (E.164)."""
        value = "".join(self.cleaned_data["find"].split())
        if value.isdigit() and len(value) == 12:
            validate_id_number(value)
            return {"id_number": value}
        try:
            return {"phone": normalize_phone(value)}
        except ValidationError:
            raise ValidationError(
                _("Nhập số CCCD gồm 12 chữ số hoặc một số điện thoại hợp lệ."), code="invalid"
            ) from None


class IntakeForm(forms.Form):
    """One page: the applicant, the request, the documents ticked as received (with scans) and
    how the result goes back. ``procedure`` must have its documents prefetched."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Người nộp là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=gettext_lazy("Họ và tên người nộp"), max_length=200)
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD)"),
        help_text=gettext_lazy("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "15"}),
    )
    organisation_name = forms.CharField(
        label=gettext_lazy("Tên tổ chức"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Khi người nộp là tổ chức."),
    )
    tax_code = forms.CharField(
        label=gettext_lazy("Mã số thuế"),
        max_length=14,
        required=False,
        help_text=gettext_lazy("Khi người nộp là tổ chức: 10 chữ số, hoặc dạng 0101234567-001."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=500)
    request_summary = forms.CharField(
        label=gettext_lazy("Nội dung yêu cầu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sets_count = forms.IntegerField(label=gettext_lazy("Số bộ hồ sơ"), min_value=1, max_value=99, initial=1)
    return_method = forms.ChoiceField(
        label=gettext_lazy("Hình thức nhận kết quả"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    return_address = forms.CharField(
        label=gettext_lazy("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Bắt buộc khi nhận kết quả qua bưu chính."),
    )

    def __init__(self, *args, procedure, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.documents = list(procedure.documents.all())
        # document id → papers of the applicant's store it could reuse (``dossiers.extensions``)
        self.offers = offers or {}
        for document in self.documents:
            prefix = f"doc_{document.id}"
            if self.offers.get(document.id):
                self.fields[f"{prefix}_reuse"] = forms.ChoiceField(
                    label=_("Dùng lại bản trong kho dữ liệu: %(name)s") % {"name": document.name},
                    choices=[("", _("Không dùng lại"))]
                    + [(o.key, o.label) for o in self.offers[document.id]],
                    required=False,
                    widget=forms.RadioSelect,
                )
            self.fields[prefix] = forms.BooleanField(
                label=_("Đã nhận: %(name)s") % {"name": document.name}, required=False
            )
            self.fields[f"{prefix}_originals"] = forms.IntegerField(
                label=_("Số bản chính: %(name)s") % {"name": document.name},
                min_value=0,
                max_value=99,
                initial=document.originals,
                widget=forms.NumberInput(attrs={"class": "count-input"}),
            )
            self.fields[f"{prefix}_copies"] = forms.IntegerField(
                label=_("Số bản sao: %(name)s") % {"name": document.name},
                min_value=0,
                max_value=99,
                initial=document.copies,
                widget=forms.NumberInput(attrs={"class": "count-input"}),
            )
            self.fields[f"{prefix}_files"] = MultipleFileField(
                label=_("Bản quét: %(name)s") % {"name": document.name}, document_id=document.id
            )

    def clean_id_number(self) -> str:
        value = "".join(self.cleaned_data["id_number"].split())
        validate_id_number(value)
        return value

    def document_rows(self) -> list[dict]:
        """For the template: one row of bound fields per required document."""
        return [
            {
                "document": document,
                "received": self[f"doc_{document.id}"],
                "originals": self[f"doc_{document.id}_originals"],
                "copies": self[f"doc_{document.id}_copies"],
                "files": self[f"doc_{document.id}_files"],
                "reuse": self[f"doc_{document.id}_reuse"]
                if f"doc_{document.id}_reuse" in self.fields
                else None,
            }
            for document in self.documents
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ApplicantKind.ORGANISATION:
            if not data.get("organisation_name", "").strip():
                self.add_error("organisation_name", _("Vui lòng nhập tên tổ chức."))
            if data.get("tax_code") is not None:
                try:
                    validate_tax_code(data["tax_code"])
                except ValidationError as exc:
                    self.add_error("tax_code", exc)
        if data.get("phone"):
            try:
                data["phone"] = normalize_phone(data["phone"])
            except ValidationError as exc:
                self.add_error("phone", exc)
        if data.get("return_method") == ReturnMethod.POST and not data.get("return_address", "").strip():
            self.add_error("return_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."))
        file_count = 0
        for document in self.documents:
            prefix = f"doc_{document.id}"
            received = data.get(prefix)
            if data.get(f"{prefix}_reuse") and not received:
                continue  # the stored paper stands for it: nothing handed over
            counted = (data.get(f"{prefix}_originals") or 0) + (data.get(f"{prefix}_copies") or 0)
            files = data.get(f"{prefix}_files") or []
            file_count += len(files)
            if received and counted == 0 and f"{prefix}_originals" in data:
                self.add_error(f"{prefix}_originals", _("Ghi số bản chính hoặc số bản sao đã nhận."))
            elif document.mandatory and not received:
                self.add_error(prefix, _("Giấy tờ bắt buộc chưa được đánh dấu đã nhận."))
            if files and not received:
                self.add_error(
                    f"{prefix}_files", _("Đánh dấu đã nhận giấy tờ này trước khi đính kèm bản quét.")
                )
        if file_count > MAX_FILES_PER_DOSSIER:
            raise ValidationError(
                _("Mỗi hồ sơ đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER}, code="too_many"
            )
        return data

    def intake(self) -> Intake:
        data = self.cleaned_data
        organisation = data["kind"] == ApplicantKind.ORGANISATION
        documents: dict[int, tuple[int, int]] = {}
        files: list[FileUpload] = []
        reused: dict[int, str] = {}
        for document in self.documents:
            prefix = f"doc_{document.id}"
            if data.get(f"{prefix}_reuse") and not data.get(prefix):
                reused[document.id] = data[f"{prefix}_reuse"]
            if data.get(prefix):
                documents[document.id] = (data[f"{prefix}_originals"], data[f"{prefix}_copies"])
                files.extend(data[f"{prefix}_files"])
        return Intake(
            applicant=Applicant(
                kind=data["kind"],
                name=data["name"],
                id_number=data["id_number"],
                organisation_name=data["organisation_name"] if organisation else "",
                tax_code=data["tax_code"] if organisation else "",
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
            ),
            request_summary=data["request_summary"],
            sets_count=data["sets_count"],
            return_method=data["return_method"],
            return_address=data["return_address"] if data["return_method"] == ReturnMethod.POST else "",
            documents=documents,
            files=files,
            reused=reused,
        )


class RefuseIntakeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối tiếp nhận"),
        help_text=gettext_lazy("Người nộp sẽ thấy lý do này: nêu rõ giấy tờ còn thiếu hoặc chưa đúng."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    """What the service needs for the dossier's return method: at the counter who collected it
    and that their ID was checked, by post the tracking number, online nothing more."""

    collected_by = forms.CharField(label=gettext_lazy("Người nhận kết quả"), max_length=200)
    id_checked = forms.BooleanField(
        label=gettext_lazy("Đã kiểm tra giấy tờ tùy thân (CCCD, giấy ủy quyền nếu nhận thay)"),
    )
    postal_tracking = forms.CharField(label=gettext_lazy("Số hiệu bưu gửi"), max_length=64)

    FIELDS_BY_METHOD = {
        ReturnMethod.COUNTER: ("collected_by", "id_checked"),
        ReturnMethod.POST: ("postal_tracking",),
        ReturnMethod.ONLINE: (),
    }

    def __init__(self, *args, return_method: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS_BY_METHOD.get(return_method, ())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class ResultNoteForm(forms.Form):
    result_note = forms.CharField(
        label=gettext_lazy("Kết quả giải quyết"),
        help_text=gettext_lazy("Ví dụ: Đã chứng thực 3 bản sao, số chứng thực 125/2026."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OnTheSpotForm(ResultNoteForm):
    """The result of an on-the-spot dossier and who signed it, among the people authorised for the
    procedure at this desk."""

    signed_by = forms.ModelChoiceField(
        label=gettext_lazy("Người ký kết quả"),
        queryset=None,
        empty_label=None,
        help_text=gettext_lazy("Người được ủy quyền ký kết quả thủ tục này tại bộ phận một cửa."),
    )

    def __init__(self, *args, signers, initial_signer=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["signed_by"]
        field.queryset = signers
        field.label_from_instance = lambda user: user.display_name
        if initial_signer is not None and signers.filter(pk=initial_signer.pk).exists():
            field.initial = initial_signer.pk


class SupplyForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Nội dung đã bổ sung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=gettext_lazy("Bản quét giấy tờ bổ sung (PDF, JPEG, PNG)"))

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("files") and not data.get("note", "").strip():
            raise ValidationError(
                _("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú nội dung đã bổ sung."), code="required"
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do rút hồ sơ (theo đề nghị của người nộp)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
