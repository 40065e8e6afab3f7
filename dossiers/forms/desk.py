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
from dossiers.models import ApplicantKind, GuidanceKind, IdKind, ReturnMethod
from dossiers.services import Applicant, Intake
from dossiers.validators import (
    nationality_options,
    normalize_passport_number,
    validate_id_number,
    validate_passport_number,
    validate_tax_code,
)
from procedures.models import Agency
from web.widgets import FlatChoices, Select


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


def clean_identity(form: forms.Form, data: dict) -> None:
    """The shape of the applicant's identity (desk and online forms): a CCCD of 12 digits, or a
    passport number with a nationality; optional for an organisation, which gives its tax code.
    The service checks the same (``dossiers.services.intake._clean_identity``)."""
    organisation = data.get("kind") == ApplicantKind.ORGANISATION
    kind = data["id_kind"] = data.get("id_kind") or IdKind.CCCD
    number = "".join((data.get("id_number") or "").split())
    if kind == IdKind.PASSPORT:
        number = normalize_passport_number(number)
        if not data.get("nationality"):
            form.add_error("nationality", _("Vui lòng chọn quốc tịch của người mang hộ chiếu."))
    else:
        data["nationality"] = ""
    data["id_number"] = number
    if not number:
        if not organisation and "id_number" not in form.errors:
            form.add_error(
                "id_number",
                _("Vui lòng nhập số hộ chiếu.")
                if kind == IdKind.PASSPORT
                else _("Vui lòng nhập số định danh cá nhân (CCCD)."),
            )
        return
    try:
        (validate_passport_number if kind == IdKind.PASSPORT else validate_id_number)(number)
    except ValidationError as exc:
        form.add_error("id_number", exc.messages)


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
    id_kind = forms.ChoiceField(
        label=gettext_lazy("Giấy tờ tùy thân"),
        choices=IdKind.choices,
        initial=IdKind.CCCD,
        required=False,  # not sent: a CCCD
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD) hoặc số hộ chiếu"),
        required=False,
        help_text=gettext_lazy(
            "CCCD: 12 chữ số in trên thẻ căn cước. Người nước ngoài: số hộ chiếu. "
            "Tổ chức đã có mã số thuế: không bắt buộc."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": "24"}),
    )
    nationality = forms.ChoiceField(
        label=gettext_lazy("Quốc tịch (khi dùng hộ chiếu)"),
        required=False,
        choices=FlatChoices(nationality_options),  # read when shown or checked, in the page's language
        widget=Select,
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

    resolving_agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan giải quyết"),
        queryset=Agency.objects.none(),
        required=False,
        widget=Select,
        error_messages={
            "required": gettext_lazy("Vui lòng chọn cơ quan giải quyết."),
            "invalid_choice": gettext_lazy("Cơ quan đã chọn không giải quyết thủ tục này."),
        },
        help_text=gettext_lazy(
            "Tiếp nhận không phụ thuộc địa giới hành chính: chọn cơ quan có thẩm quyền, "
            "ví dụ UBND xã, phường nơi người nộp cư trú."
        ),
    )

    def __init__(
        self, *args, procedure, competent: list[Agency] | None = None, office=None, offers=None, **kwargs
    ):
        """``competent``: the agencies that may resolve (``procedures.selectors.competent_agencies``);
        with more than one, the clerk chooses (the desk's own agency first when it is one)."""
        super().__init__(*args, **kwargs)
        competent = competent or []
        if len(competent) > 1:
            field = self.fields["resolving_agency"]
            field.queryset = Agency.objects.filter(pk__in=[a.pk for a in competent]).order_by("name")
            own = office is not None and any(a.pk == office.pk for a in competent)
            field.required = not own
            field.empty_label = _("— Chọn cơ quan giải quyết —") if not own else None
            if own:
                field.initial = office.pk
            # the options from ``competent`` (already in the order of their names), not the
            # queryset read again when the page is rendered; the queryset still checks a POST
            field.widget.choices = ([("", field.empty_label)] if field.empty_label is not None else []) + [
                (str(agency.pk), field.label_from_instance(agency)) for agency in competent
            ]
        else:
            del self.fields["resolving_agency"]
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
        clean_identity(self, data)
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
                id_kind=data["id_kind"],
                id_number=data["id_number"],
                nationality=data["nationality"],
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
            resolving_agency=data.get("resolving_agency"),
        )


def _item_lines(value: str) -> list[str]:
    items = [line.strip(" \t-•*") for line in value.splitlines()]
    return [item for item in items if item]


class IntakeSupplementForm(forms.Form):
    """Form 02 for an online submission: everything to supplement, one line each, at once."""

    items = forms.CharField(
        label=gettext_lazy("Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung)"),
        help_text=gettext_lazy(
            "Ghi một lần, đầy đủ mọi nội dung còn thiếu hoặc chưa đúng: hồ sơ chỉ được yêu cầu bổ sung "
            "một lần trước khi tiếp nhận."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú cho người nộp"), required=False, max_length=2000)

    def clean_items(self) -> list[str]:
        items = _item_lines(self.cleaned_data["items"])
        if not items:
            raise ValidationError(_("Vui lòng liệt kê nội dung cần bổ sung."), code="required")
        return items


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


class GuidanceForm(forms.Form):
    """A walk-in dossier the desk does not receive: form 02 (what is missing, ticked from the
    procedure's documents and typed, all at once) or form 03 (the reason)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Phiếu cần lập"),
        choices=GuidanceKind.choices,
        initial=GuidanceKind.SUPPLEMENT,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=gettext_lazy("Họ và tên người nộp"), max_length=200)
    organisation_name = forms.CharField(label=gettext_lazy("Tên tổ chức"), max_length=300, required=False)
    id_kind = forms.ChoiceField(
        label=gettext_lazy("Giấy tờ tùy thân"),
        choices=IdKind.choices,
        initial=IdKind.CCCD,
        required=False,
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD) hoặc số hộ chiếu"),
        required=False,
        max_length=24,
        help_text=gettext_lazy("Không bắt buộc."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nationality = forms.ChoiceField(
        label=gettext_lazy("Quốc tịch (khi dùng hộ chiếu)"),
        required=False,
        choices=FlatChoices(nationality_options),
        widget=Select,
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=500, required=False)
    missing = forms.MultipleChoiceField(
        label=gettext_lazy("Giấy tờ còn thiếu hoặc chưa hợp lệ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_items = forms.CharField(
        label=gettext_lazy("Nội dung khác cần bổ sung, hoàn thiện (mỗi dòng một nội dung)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (bắt buộc khi từ chối tiếp nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.documents = {str(d.id): d for d in procedure.documents.all()}
        self.fields["missing"].choices = [(key, d.name) for key, d in self.documents.items()]

    def clean(self):
        data = super().clean()
        data["id_kind"] = data.get("id_kind") or IdKind.CCCD
        items = [self.documents[key].name for key in data.get("missing") or []]
        data["items"] = items + _item_lines(data.get("other_items") or "")
        if data.get("kind") == GuidanceKind.SUPPLEMENT and not data["items"]:
            self.add_error(
                "missing", _("Đánh dấu hoặc ghi đầy đủ, một lần, các nội dung cần bổ sung, hoàn thiện.")
            )
        if data.get("kind") == GuidanceKind.REFUSAL and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Vui lòng nêu rõ lý do từ chối tiếp nhận."))
        return data

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["name"],
            id_number=data["id_number"],
            address=data["address"],
            kind=ApplicantKind.ORGANISATION if data["organisation_name"].strip() else ApplicantKind.PERSON,
            organisation_name=data["organisation_name"],
            phone=data["phone"],
            id_kind=data["id_kind"],
            nationality=data["nationality"],
        )
