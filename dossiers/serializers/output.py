"""What the API shows: a dossier (list and detail) with its steps, files, events and
supplement requests, a reviewer's inbox step, the public tracking view and error bodies."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role
from dossiers.models import DocumentReceived, Dossier, DossierFile, Event, Step, StepStatus, SupplementRequest
from dossiers.permissions import action_names, dossier_actions_for
from dossiers.workflow import Action, Status


class StepStatusField(serializers.ChoiceField):
    """A step's status: its own schema component, apart from the dossier's status."""

    def __init__(self, **kwargs):
        super().__init__(choices=StepStatus.choices, **kwargs)


class StepStatusFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StepStatusField

    def get_name(self) -> str:
        return "StepStatusEnum"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "enum": list(StepStatus.values),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in StepStatus.choices),
        }


class StepSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    status = StepStatusField(read_only=True)
    claimed_by = serializers.CharField(source="claimed_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = Step
        fields = [
            "id",
            "order",
            "agency",
            "agency_name",
            "name",
            "working_days",
            "status",
            "status_label",
            "started_at",
            "due_at",
            "claimed_by",
            "claimed_at",
            "finished_at",
            "note",
        ]


class DossierFileSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierFile
        fields = [
            "id",
            "document",
            "kind",
            "kind_label",
            "is_original",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: DossierFile) -> str | None:
        """The checked download page (it asks again whether the user may see the dossier)."""
        try:
            path = reverse("dossiers:file", args=[obj.pk])
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EventSerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor.display_name", read_only=True, allow_null=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True, allow_null=True)
    data = serializers.JSONField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "step",
            "actor",
            "agency",
            "agency_name",
            "note",
            "data",
        ]

    def get_action_label(self, obj: Event) -> str:
        return Action(obj.action).label if obj.action in Action.values else obj.action


class SupplementRequestSerializer(serializers.ModelSerializer):
    items = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SupplementRequest
        fields = ["id", "step", "at_intake", "items", "requested_at", "supplied_at", "supplied_note"]


class DocumentReceivedSerializer(serializers.ModelSerializer):
    document_name = serializers.CharField(source="name", read_only=True)

    class Meta:
        model = DocumentReceived
        fields = ["document", "document_name", "originals", "copies"]


class TrackingLinkSerializer(serializers.Serializer):
    secret = serializers.CharField()
    url = serializers.URLField()


class DossierListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="dossier-detail", lookup_field="code")
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    status_code = serializers.IntegerField(read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    intake_office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    resolving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "url",
            "code",
            "procedure",
            "procedure_name",
            "status",
            "status_label",
            "status_code",
            "channel",
            "channel_label",
            "intake_office",
            "resolving_agency",
            "applicant_name",
            "organisation_name",
            "submitted_at",
            "received_at",
            "due_at",
            "promised_at",
            "result_ready_at",
            "returned_at",
        ]


class DossierDetailSerializer(DossierListSerializer):
    """One dossier for someone who may see it. The ID number is masked except for the applicant;
    the tracking secret is shown to the applicant and to the intake office's desk."""

    id_number = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)
    files = DossierFileSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    supplement_requests = SupplementRequestSerializer(many=True, read_only=True)
    documents_received = DocumentReceivedSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()
    tracking = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "applicant_kind",
            "id_kind",
            "id_number",
            "nationality",
            "tax_code",
            "phone",
            "email",
            "address",
            "request_summary",
            "sets_count",
            "return_method",
            "return_address",
            "result_note",
            "closing_reason",
            "returned_to",
            "postal_tracking",
            "closed_at",
            "actions",
            "tracking",
            "steps",
            "files",
            "documents_received",
            "supplement_requests",
            "events",
        ]

    def _user(self):
        return self.context["request"].user

    def get_id_number(self, obj: Dossier) -> str:
        if obj.applicant_user_id is not None and obj.applicant_user_id == self._user().id:
            return obj.id_number
        return obj.masked_id_number

    def get_actions(self, obj: Dossier) -> list[str]:
        """What the user may do now: the services' own checks (``dossier_actions_for``)."""
        return action_names(dossier_actions_for(actor=self._user(), dossier=obj))

    @extend_schema_field(TrackingLinkSerializer(allow_null=True))
    def get_tracking(self, obj: Dossier) -> dict | None:
        user = self._user()
        own_desk = user.role in (Role.CLERK, Role.POSTAL) and user.agency_id == obj.intake_office_id
        if not (
            user.is_superuser or own_desk or (obj.applicant_user_id and obj.applicant_user_id == user.id)
        ):
            return None
        path = reverse("dossiers:track_token", args=[obj.tracking_token])
        return {"secret": obj.secret, "url": self.context["request"].build_absolute_uri(path)}


class InboxStepSerializer(StepSerializer):
    dossier = serializers.CharField(source="dossier.code", read_only=True)
    dossier_url = serializers.SerializerMethodField()
    procedure_name = serializers.CharField(source="dossier.procedure.name", read_only=True)
    dossier_status = serializers.CharField(source="dossier.status", read_only=True)
    dossier_due_at = serializers.DateTimeField(source="dossier.due_at", read_only=True, allow_null=True)
    urgency = serializers.SerializerMethodField()

    class Meta(StepSerializer.Meta):
        fields = [
            *StepSerializer.Meta.fields,
            "dossier",
            "dossier_url",
            "procedure_name",
            "dossier_status",
            "dossier_due_at",
            "urgency",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_dossier_url(self, obj: Step) -> str:
        return self.context["request"].build_absolute_uri(reverse("dossier-detail", args=[obj.dossier.code]))

    @extend_schema_field(serializers.ChoiceField(choices=["overdue", "due_today", "due_soon", "ok"]))
    def get_urgency(self, obj: Step) -> str:
        from dossiers.selectors import urgency

        return urgency(obj.due_at, calendar=self.context.get("calendar"))


class TimelineRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    agency = serializers.CharField(help_text=_("Cơ quan thực hiện (trống nếu người nộp tự thực hiện)."))


class TrackingSerializer(serializers.Serializer):
    """The public view of a dossier (``dossiers.views.tracking.public_summary``): no personal data."""

    code = serializers.CharField()
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    status_code = serializers.IntegerField()
    current_agencies = serializers.ListField(child=serializers.CharField())
    intake_office = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    promised_at = serializers.DateTimeField(allow_null=True)
    result_ready_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    notice = serializers.CharField()
    timeline = TimelineRowSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    """An error with a message: 404, 409 (move refused), 429 (too many lookups)."""

    detail = serializers.CharField()
