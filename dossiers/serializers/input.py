"""What each action takes. These only parse and type-check; the rules live in
``dossiers.services``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.files import MAX_FILES_PER_DOSSIER, upload_from_django
from dossiers.models import ApplicantKind, Channel, IdKind, ObligationKind, ReturnMethod
from dossiers.services import Applicant, Intake
from procedures.models import Agency, Procedure

# Field names used by the services → the names of the API fields that carry them.
SERVICE_FIELDS = {"name": "applicant_name", "kind": "applicant_kind"}


class TrackingQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text=_("Mã hồ sơ in trên giấy tiếp nhận."))
    secret = serializers.CharField(max_length=16, help_text=_("Mã tra cứu in trên giấy tiếp nhận."))


def _uploads(files, document_ids, *, field: str = "files") -> list:
    """Check uploaded files (type by content, size) and pair each with its document id."""
    uploads, errors = [], []
    for index, uploaded in enumerate(files):
        document_id = document_ids[index] if document_ids else None
        try:
            uploads.append(upload_from_django(uploaded, document_id=document_id))
        except DjangoValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise serializers.ValidationError({field: errors})
    return uploads


class FilesMixin(serializers.Serializer):
    """Files sent as multipart/form-data: ``files`` repeated, and ``file_documents`` repeated in
    the same order giving the required document (thành phần hồ sơ) id of each file."""

    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_FILES_PER_DOSSIER
    )
    file_documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text=_("Mã thành phần hồ sơ của từng tệp, theo đúng thứ tự của files."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        files, documents = attrs.pop("files", []), attrs.pop("file_documents", [])
        if documents and len(documents) != len(files):
            raise serializers.ValidationError(
                {"file_documents": [_("Mỗi tệp cần đúng một mã thành phần hồ sơ, theo thứ tự các tệp.")]}
            )
        attrs["uploads"] = _uploads(files, documents)
        return attrs


class IntakeSerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text=_("Mã thủ tục, ví dụ 1.009994."))
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    applicant_name = serializers.CharField(max_length=200, allow_blank=True)
    organisation_name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    id_kind = serializers.ChoiceField(
        choices=IdKind.choices, default=IdKind.CCCD, help_text=_("cccd (mặc định) hoặc passport.")
    )
    id_number = serializers.CharField(
        max_length=24,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("CCCD 12 chữ số, hoặc số hộ chiếu; tổ chức có mã số thuế: có thể để trống."),
    )
    nationality = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Quốc tịch theo ISO 3166-1 alpha-2 (ví dụ US, KR), bắt buộc khi dùng hộ chiếu."),
    )
    resolving_agency = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Mã cơ quan giải quyết, khi thủ tục có nhiều cơ quan có thẩm quyền "
            "(thủ tục cấp xã: UBND xã, phường nơi người nộp cư trú)."
        ),
    )
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, allow_blank=True)
    request_summary = serializers.CharField(required=False, allow_blank=True, default="")
    sets_count = serializers.IntegerField(min_value=1, max_value=99, default=1)
    return_method = serializers.ChoiceField(choices=ReturnMethod.choices, default=ReturnMethod.COUNTER)
    return_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_resolving_agency(self, value: str) -> Agency | None:
        if not value.strip():
            return None
        agency = Agency.objects.filter(code=value.strip()).first()
        if agency is None:
            raise serializers.ValidationError(_("Không tìm thấy cơ quan có mã này."))
        return agency

    def validate_procedure(self, value: str) -> Procedure:
        procedure = Procedure.objects.filter(code=value.strip()).first()
        if procedure is None:
            raise serializers.ValidationError(_("Không tìm thấy thủ tục có mã này."))
        return procedure

    def intake(self, **extra) -> Intake:
        data = self.validated_data
        return Intake(
            applicant=Applicant(
                name=data["applicant_name"],
                id_kind=data["id_kind"],
                id_number=data["id_number"],
                nationality=data["nationality"],
                address=data["address"],
                kind=data["applicant_kind"],
                organisation_name=data["organisation_name"],
                tax_code=data["tax_code"],
                phone=data["phone"],
                email=data["email"],
            ),
            request_summary=data["request_summary"],
            sets_count=data["sets_count"],
            return_method=data["return_method"],
            return_address=data["return_address"],
            resolving_agency=data["resolving_agency"],
            **extra,
        )


class SubmitSerializer(FilesMixin, IntakeSerializer):
    """An online submission by a citizen. Procedures with mandatory documents need their files:
    send multipart/form-data; JSON is enough for the others."""

    office = serializers.CharField(help_text=_("Mã bộ phận một cửa sẽ tiếp nhận hồ sơ."))
    notice_version = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "Phiên bản Thông báo xử lý dữ liệu cá nhân người nộp đã đọc và đồng ý "
            "(/du-lieu-ca-nhan/thong-bao-xu-ly/); được ghi lại cùng mã hồ sơ."
        ),
    )

    def validate_notice_version(self, value: str) -> str:
        from django.conf import settings

        if value and value != settings.PRIVACY_NOTICE_VERSION:
            raise serializers.ValidationError(
                _("Thông báo xử lý dữ liệu cá nhân đã đổi sang phiên bản %(version)s: vui lòng đọc lại.")
                % {"version": settings.PRIVACY_NOTICE_VERSION}
            )
        return value

    def validate_office(self, value: str) -> Agency:
        office = Agency.objects.filter(code=value.strip(), is_active=True).first()
        if office is None:
            raise serializers.ValidationError(_("Không tìm thấy nơi tiếp nhận có mã này."))
        return office


class DocumentCountSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, help_text=_("Mã thành phần hồ sơ."))
    originals = serializers.IntegerField(min_value=0, max_value=99, default=0)
    copies = serializers.IntegerField(min_value=0, max_value=99, default=0)


class ReceiveSerializer(IntakeSerializer):
    """A dossier received at the desk (counter) or from the post (postal staff), as JSON: the
    documents ticked with the number of originals and copies."""

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_(
            "counter hoặc postal. Mặc định: bưu chính với nhân viên bưu chính, trực tiếp với cán bộ một cửa."
        ),
    )
    documents = DocumentCountSerializer(many=True, required=False, default=list)

    def validate_channel(self, value: str) -> str:
        if value == Channel.ONLINE:
            raise serializers.ValidationError(_("Hồ sơ trực tuyến được nộp qua tài khoản công dân."))
        return value

    def validate_documents(self, value: list[dict]) -> dict[int, tuple[int, int]]:
        return {row["document"]: (row["originals"], row["copies"]) for row in value}


@extend_schema_field({"type": "string", "minLength": 1, "pattern": r"\S"})
class RequiredTextField(serializers.CharField):
    """Text the service requires: the schema says it must not be blank, and a blank one is handed
    to the service, which refuses it (400) with its own message for each action."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not data.strip():
            return ""
        return super().run_validation(data)


class ReasonSerializer(serializers.Serializer):
    reason = RequiredTextField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SupplySerializer(FilesMixin, NoteSerializer):
    """What was asked for: files (multipart/form-data) and/or a note."""


class ApologizeSerializer(ReasonSerializer):
    new_date = serializers.DateTimeField(help_text=_("Ngày hẹn trả kết quả mới."))


class ReturnSerializer(serializers.Serializer):
    collected_by = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Người nhận kết quả tại quầy."),
    )
    id_checked = serializers.BooleanField(default=False, help_text=_("Đã kiểm tra giấy tờ tùy thân."))
    postal_tracking = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text=_("Số hiệu bưu gửi.")
    )


class ResultNoteSerializer(serializers.Serializer):
    result_note = serializers.CharField(allow_blank=True)


class ApproveSerializer(FilesMixin, ResultNoteSerializer):
    """The result: a note and, optionally, result files (multipart/form-data)."""


class RequestSupplementSerializer(NoteSerializer):
    items = serializers.ListField(child=serializers.CharField(allow_blank=True))


class RequestPaymentSerializer(NoteSerializer):
    kind = serializers.ChoiceField(
        choices=ObligationKind.choices, default=ObligationKind.OTHER, help_text=_("Loại nghĩa vụ tài chính.")
    )
    amount = serializers.IntegerField(min_value=1, help_text=_("Số tiền (đồng)."))
    notice_number = serializers.CharField(max_length=100, help_text=_("Số thông báo nộp tiền."))
    issuing_authority = serializers.CharField(max_length=300, help_text=_("Cơ quan ra thông báo."))
    due_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Hạn nộp."))


class ConfirmPaymentSerializer(NoteSerializer):
    proof = serializers.CharField(max_length=300, help_text=_("Số chứng từ nộp tiền vào ngân sách nhà nước."))
