"""Forms of the citizen's online submission (one question group per page) and own dossiers."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone
from dossiers.files import (
    MAX_FILE_BYTES,
    MAX_FILES_PER_DOSSIER,
    FileUpload,
    StagedUpload,
    stage_from_django,
    upload_from_django,
)
from dossiers.forms.desk import clean_identity
from dossiers.forms.fields import MultipleFileField
from dossiers.models import ApplicantKind, IdKind, ReturnMethod
from dossiers.validators import nationality_options, validate_tax_code
from procedures.models import TWO_TIER_FROM, Agency, Level, OnlineLevel, Procedure, RequiredDocument
from procedures.selectors import competent_agencies, one_stop_offices
from web import compiled
from web.widgets import FlatChoices, Select


def _staged_uploads(form: forms.Form, field_name: str, files, document_id: int) -> list[StagedUpload]:
    """Each file checked by size and content where the upload handler left it (not read)."""
    staged: list[StagedUpload] = []
    for uploaded in files or []:
        try:
            staged.append(stage_from_django(uploaded, document_id=document_id))
        except ValidationError as exc:
            form.add_error(field_name, exc.messages)
    return staged


def _checked_uploads(form: forms.Form, field_name: str, files, document_id: int | None = None):
    """Each file read and checked by content; a bad one becomes an error on its field."""
    uploads: list[FileUpload] = []
    for uploaded in files or []:
        try:
            uploads.append(upload_from_django(uploaded, document_id=document_id))
        except ValidationError as exc:
            form.add_error(field_name, exc.messages)
    return uploads


# --- the submission wizard -----------------------------------------------------------------------


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Người nộp hồ sơ là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn người nộp là cá nhân hay tổ chức.")},
    )
    name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=200,
        help_text=_("Với tổ chức: họ tên người đại diện hoặc người được ủy quyền nộp hồ sơ."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên người nộp.")},
    )
    id_kind = forms.ChoiceField(
        label=_("Giấy tờ tùy thân"),
        choices=IdKind.choices,
        initial=IdKind.CCCD,
        required=False,  # not sent: a CCCD
        widget=forms.RadioSelect,
        help_text=_("Người nước ngoài dùng hộ chiếu và chọn quốc tịch."),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) hoặc số hộ chiếu"),
        max_length=24,
        required=False,
        help_text=_(
            "CCCD: 12 chữ số in trên thẻ căn cước. Hộ chiếu: số in trên trang thông tin. "
            "Tổ chức có mã số thuế: không bắt buộc."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    nationality = forms.ChoiceField(
        label=_("Quốc tịch (khi dùng hộ chiếu)"),
        required=False,
        choices=FlatChoices(nationality_options),  # read when shown or checked, in the page's language
        widget=Select,
    )
    organisation_name = forms.CharField(
        label=_("Tên tổ chức"),
        max_length=300,
        required=False,
        help_text=_("Chỉ điền khi người nộp là tổ chức."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế của tổ chức"),
        max_length=14,
        required=False,
        help_text=_("Chỉ điền khi người nộp là tổ chức. 10 chữ số, hoặc dạng 0101234567-001 với chi nhánh."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_tax_code(self) -> str:
        return "".join(self.cleaned_data["tax_code"].split())

    def clean(self):
        data = super().clean()
        clean_identity(self, data)
        if data.get("kind") == ApplicantKind.ORGANISATION:
            if not data.get("organisation_name", "").strip():
                self.add_error("organisation_name", _("Vui lòng nhập tên tổ chức."))
            if "tax_code" in data:
                try:
                    validate_tax_code(data["tax_code"])
                except ValidationError as exc:
                    self.add_error("tax_code", exc.messages)
        else:
            data["organisation_name"] = ""
            data["tax_code"] = ""
        return data


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Để Bộ phận Một cửa liên hệ về hồ sơ. Ví dụ 0912 345 678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Không bắt buộc nếu đã có số điện thoại."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": _("Email không đúng định dạng, ví dụ ten@example.vn.")},
    )
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=500,
        help_text=_("Số nhà, đường/thôn, xã/phường, tỉnh/thành phố."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        error_messages={"required": _("Vui lòng nhập địa chỉ liên hệ.")},
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return normalize_phone(value) if value else ""

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if "phone" in data and "email" in data and not data["phone"] and not data["email"]:
            self.add_error(
                "phone", _("Vui lòng nhập số điện thoại hoặc email để Bộ phận Một cửa liên hệ về hồ sơ.")
            )
        return data


def desks_listed() -> list[Agency]:
    """The rows of ``desks_for_citizens()``, its statement compiled once a connection (the office
    page reads them on each request, ``web.compiled``)."""
    return compiled.rows(("desks_for_citizens", timezone.localdate() >= TWO_TIER_FROM), desks_for_citizens)


def desks_for_citizens() -> QuerySet[Agency]:
    """Every one-stop desk of the province: province-level ones (the center) first, then by name."""
    return one_stop_offices().order_by(
        Case(
            When(level=Level.PROVINCE, then=Value(0)),
            When(level=Level.CENTRAL, then=Value(1)),
            When(level=Level.DISTRICT, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        "name",
        "id",
    )


class _ListedChoices(ModelChoiceIterator):
    """The choices of a ``ListedModelChoiceField`` from the rows its view has read already."""

    def __iter__(self):
        if self.field.listed is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        if self.field.listed is None:
            return super().__len__()
        return len(self.field.listed) + (self.field.empty_label is not None)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` shown from ``listed`` (the rows of its queryset, read by the view in
    this request) when set, and a posted choice checked against those rows (the queryset's, read
    once); without ``listed``, against the queryset."""

    iterator = _ListedChoices
    listed: list | None = None

    def to_python(self, value):
        if self.listed is None or value in self.empty_values or self.to_field_name:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        model = self.queryset.model
        try:
            key = model._meta.pk.to_python(value.pk if isinstance(value, model) else value)
        except (ValueError, TypeError, ValidationError):
            key = None
        for obj in self.listed:
            if key is not None and obj.pk == key:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class OfficeForm(forms.Form):
    office = ListedModelChoiceField(
        label=_("Nơi tiếp nhận hồ sơ"),
        queryset=Agency.objects.none(),
        empty_label=None,
        help_text=_(
            "Bộ phận Một cửa sẽ kiểm tra và tiếp nhận hồ sơ của bạn. "
            "Bạn có thể chọn bất kỳ nơi nào trong tỉnh, không phụ thuộc nơi cư trú."
        ),
        error_messages={
            "required": _("Vui lòng chọn nơi tiếp nhận hồ sơ."),
            "invalid_choice": _("Nơi đã chọn không nhận hồ sơ; vui lòng chọn một nơi trong danh sách."),
        },
    )
    resolving_agency = ListedModelChoiceField(
        label=_("Cơ quan giải quyết"),
        queryset=Agency.objects.none(),
        help_text=_("Thủ tục cấp xã: chọn UBND xã, phường nơi bạn cư trú (theo địa chỉ đã khai)."),
        error_messages={
            "required": _("Vui lòng chọn cơ quan giải quyết."),
            "invalid_choice": _("Cơ quan đã chọn không giải quyết thủ tục này; hãy chọn trong danh sách."),
        },
    )
    return_method = forms.ChoiceField(
        label=_("Cách nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn cách nhận kết quả."),
            "invalid_choice": _("Vui lòng chọn một cách nhận kết quả trong danh sách."),
        },
    )
    return_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=500,
        required=False,
        help_text=_("Chỉ điền khi nhận kết quả qua bưu chính."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )

    def __init__(self, *args, procedure: Procedure, desks=None, competent=None, **kwargs):
        """``desks`` (``desks_for_citizens()``) and ``competent`` (``competent_agencies``): the
        rows, when the view has read them already."""
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = desks_for_citizens()
        self.fields["office"].listed = desks
        if competent is None:
            competent = competent_agencies(procedure, timezone.localdate())
        if len(competent) > 1:
            self.fields["resolving_agency"].queryset = Agency.objects.filter(
                pk__in=[a.pk for a in competent]
            ).order_by("name", "id")
            self.fields["resolving_agency"].listed = list(competent)  # read in this order
        else:
            del self.fields["resolving_agency"]
        methods = [ReturnMethod.COUNTER, ReturnMethod.POST]
        if procedure.online_level == OnlineLevel.FULL:
            methods.append(ReturnMethod.ONLINE)
        self.fields["return_method"].choices = [(m.value, m.label) for m in methods]
        self.fields["return_method"].initial = ReturnMethod.COUNTER

    def clean(self):
        data = super().clean()
        if data.get("return_method") == ReturnMethod.POST and not data.get("return_address", "").strip():
            self.add_error("return_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."))
        elif data.get("return_method") != ReturnMethod.POST:
            data["return_address"] = ""
        return data


def document_field_name(document: RequiredDocument) -> str:
    return f"document_{document.pk}"


def reuse_field_name(document: RequiredDocument) -> str:
    return f"reuse_{document.pk}"


class DocumentsForm(forms.Form):
    """One upload field per required document. Files already kept for a document count: the
    citizen never uploads the same file twice."""

    def __init__(
        self,
        *args,
        documents: list[RequiredDocument],
        kept: dict[int, int],
        check_mandatory: bool = True,
        offers=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.documents = documents
        self.kept = kept  # document id → number of files kept
        self.check_mandatory = check_mandatory
        self.uploads: list[StagedUpload] = []
        # document id → papers of the citizen's store it could reuse (``dossiers.extensions``)
        self.offers = offers or {}
        self.reused: dict[int, str] = {}
        for document in documents:
            if self.offers.get(document.pk):
                self.fields[reuse_field_name(document)] = forms.ChoiceField(
                    label=_("Dùng lại giấy tờ trong kho dữ liệu của bạn"),
                    choices=[
                        ("", _("Không, tôi tải lên tệp")),
                        *((o.key, o.label) for o in self.offers[document.pk]),
                    ],
                    required=False,
                    widget=forms.RadioSelect,
                )
            help_parts = []
            if document.case:
                help_parts.append(_("Trường hợp: %(case)s") % {"case": document.case})
            if kept.get(document.pk):
                help_parts.append(
                    _("Đã tải lên %(n)s tệp; chọn thêm tệp nếu cần.") % {"n": kept[document.pk]}
                )
            self.fields[document_field_name(document)] = MultipleFileField(
                label=document.name, help_text=" ".join(str(p) for p in help_parts)
            )

    def clean(self):
        data = super().clean()
        uploads: list[StagedUpload] = []
        for document in self.documents:
            name = document_field_name(document)
            uploads += _staged_uploads(self, name, data.get(name), document_id=document.pk)
            if data.get(reuse_field_name(document)):
                self.reused[document.pk] = data[reuse_field_name(document)]
            if (
                self.check_mandatory
                and document.mandatory
                and not self.kept.get(document.pk)
                and document.pk not in self.reused
                and name not in self.errors
                and not data.get(name)
            ):
                self.add_error(name, _("Vui lòng tải lên %(name)s.") % {"name": document.name})
        if sum(self.kept.values()) + len(uploads) > MAX_FILES_PER_DOSSIER:
            self.add_error(None, _("Mỗi hồ sơ có tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER})
            uploads = []
        self.uploads = uploads
        return data


# --- own dossiers --------------------------------------------------------------------------------


class SupplyForm(forms.Form):
    files = MultipleFileField(label=_("Giấy tờ bổ sung"))
    note = forms.CharField(
        label=_("Ghi chú cho cán bộ"),
        required=False,
        max_length=2000,
        help_text=_("Ví dụ: đã bổ sung bản vẽ mặt bằng móng; sẽ nộp bản chính khi nhận kết quả."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, JPEG hoặc PNG (có thể chụp bằng điện thoại), mỗi tệp tối đa %(size)s."
        ) % {"size": filesizeformat(MAX_FILE_BYTES)}
        self.uploads: list[FileUpload] = []

    def clean(self):
        data = super().clean()
        self.uploads = _checked_uploads(self, "files", data.get("files"))
        if "files" not in self.errors and not self.uploads and not data.get("note", "").strip():
            self.add_error("files", _("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú nội dung đã bổ sung."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nêu lý do rút hồ sơ.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận muốn rút hồ sơ này"),
        error_messages={"required": _("Vui lòng xác nhận rằng bạn muốn rút hồ sơ.")},
    )
