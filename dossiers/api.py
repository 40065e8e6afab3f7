"""The dossier REST API (/api/v1/): thin — parse, call one service, answer with the dossier.

Errors: bad input (a serializer's or a service's DossierError) → 400 with field errors; a move
the state table or the service refuses (TransitionRefused) → 409 ``{"detail": message}``; a
dossier or step the user may not see → 404, the same answer as one that does not exist.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import can
from dossiers import services
from dossiers.models import Channel, Dossier, Step
from dossiers.selectors import dossier_for, dossier_for_tracking, dossiers_visible_to, inbox
from dossiers.serializers import (
    SERVICE_FIELDS,
    ApologizeSerializer,
    ApproveSerializer,
    DetailSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    InboxStepSerializer,
    NoteSerializer,
    ReasonSerializer,
    ReceiveSerializer,
    RequestPaymentSerializer,
    RequestSupplementSerializer,
    ResultNoteSerializer,
    ReturnSerializer,
    SubmitSerializer,
    SupplySerializer,
    TrackingQuerySerializer,
    TrackingSerializer,
)
from dossiers.views.tracking import (
    RETRY_AFTER_SECONDS,
    lookup_limited,
    not_found_message,
    public_summary,
)
from dossiers.workflow import Status, TransitionRefused
from procedures import workdays

# --- errors --------------------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại.")
    default_code = "transition_refused"


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's DossierError (or a file's ValidationError) as the API's field errors."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    errors = {}
    for name, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else SERVICE_FIELDS.get(name, name)
        errors[key] = messages
    return errors


class DossierErrorsMixin:
    def handle_exception(self, exc):
        if isinstance(exc, TransitionRefused):
            exc = Conflict(exc.message)
        elif isinstance(exc, DjangoValidationError):
            exc = ValidationError(field_errors(exc))
        elif isinstance(exc, Dossier.DoesNotExist | Step.DoesNotExist):
            exc = NotFound()
        return super().handle_exception(exc)


class TooManyLookups(Throttled):
    default_detail = _("Bạn đã tra cứu quá nhiều lần.")
    extra_detail_singular = extra_detail_plural = _("Vui lòng thử lại sau {wait} giây.")


FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Dữ liệu không hợp lệ: {tên trường: [thông báo lỗi]}."
)
NOT_FOUND = OpenApiResponse(
    DetailSerializer, description="Không có hồ sơ, hoặc bạn không được xem hồ sơ này."
)
REFUSED = OpenApiResponse(DetailSerializer, description="Thao tác không được phép ở trạng thái hiện tại.")
ACTION_RESPONSES = {200: DossierDetailSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 409: REFUSED}
CREATE_RESPONSES = {201: DossierDetailSerializer, 400: FIELD_ERRORS, 409: REFUSED}


JSON_ONLY = [JSONParser]
# Files come as multipart/form-data; JSON is enough when there are none.
WITH_FILES = [JSONParser, MultiPartParser, FormParser]


def _action_schema(request, summary: str, **kwargs):
    return extend_schema(request=request, responses=ACTION_RESPONSES, summary=summary, **kwargs)


# --- dossiers ------------------------------------------------------------------------------------


class DossierFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    procedure = django_filters.CharFilter(field_name="procedure__code", help_text=_("Mã thủ tục."))
    channel = django_filters.ChoiceFilter(choices=Channel.choices)

    class Meta:
        model = Dossier
        fields = ["status", "procedure", "channel"]


class DossierPagination(CursorPagination):
    """Newest first, without counting: a province holds millions of dossiers."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_view(
    list=extend_schema(summary="Hồ sơ bạn được xem (công dân: hồ sơ của mình; cán bộ: theo phạm vi)"),
    retrieve=extend_schema(
        summary="Một hồ sơ: các bước, tệp, nhật ký",
        responses={200: DossierDetailSerializer, 404: NOT_FOUND},
    ),
)
class DossierViewSet(
    DossierErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated]
    serializer_class = DossierListSerializer
    filterset_class = DossierFilter
    pagination_class = DossierPagination
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    parser_classes = WITH_FILES  # create; the other actions take JSON only

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Dossier.objects.none()
        return dossiers_visible_to(self.request.user)

    def get_object(self) -> Dossier:
        return dossier_for(self.request.user, self.kwargs["code"])

    def get_serializer_class(self):
        return DossierListSerializer if self.action == "list" else DossierDetailSerializer

    # helpers

    def _target(self) -> Dossier:
        """The dossier named in the URL, if the user may see it (404 otherwise)."""
        return dossiers_visible_to(self.request.user).get(code=self.kwargs["code"])

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, code: str, status_code: int = status.HTTP_200_OK) -> Response:
        dossier = dossier_for(self.request.user, code)
        return Response(
            DossierDetailSerializer(dossier, context=self.get_serializer_context()).data, status_code
        )

    # intake

    @extend_schema(
        request=SubmitSerializer,
        responses=CREATE_RESPONSES,
        summary="Nộp hồ sơ trực tuyến (công dân)",
    )
    def create(self, request):
        serializer = SubmitSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dossier = services.dossier_submit(
            actor=request.user,
            procedure=data["procedure"],
            office=data["office"],
            intake=serializer.intake(files=data["uploads"]),
        )
        return self._answer(dossier.code, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReceiveSerializer,
        responses=CREATE_RESPONSES,
        summary="Tiếp nhận hồ sơ tại quầy hoặc bưu chính",
    )
    @action(detail=False, methods=["post"], parser_classes=JSON_ONLY)
    def receive(self, request):
        serializer = ReceiveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        channel = data.get("channel") or (
            Channel.POSTAL if request.user.role == Role.POSTAL else Channel.COUNTER
        )
        dossier = services.dossier_receive(
            actor=request.user,
            procedure=data["procedure"],
            channel=channel,
            intake=serializer.intake(documents=data["documents"]),
        )
        return self._answer(dossier.code, status.HTTP_201_CREATED)

    @_action_schema(None, "Tiếp nhận hồ sơ nộp trực tuyến")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def accept(self, request, code=None):
        services.dossier_accept(actor=request.user, dossier=self._target())
        return self._answer(code)

    @_action_schema(ReasonSerializer, "Từ chối tiếp nhận hồ sơ trực tuyến")
    @action(detail=True, methods=["post"], url_path="refuse-intake", parser_classes=JSON_ONLY)
    def refuse_intake(self, request, code=None):
        dossier = self._target()
        data = self._input(ReasonSerializer)
        services.dossier_refuse_intake(actor=request.user, dossier=dossier, reason=data["reason"])
        return self._answer(code)

    @_action_schema(ReasonSerializer, "Rút hồ sơ")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def withdraw(self, request, code=None):
        dossier = self._target()
        data = self._input(ReasonSerializer)
        services.dossier_withdraw(actor=request.user, dossier=dossier, reason=data["reason"])
        return self._answer(code)

    @_action_schema(SupplySerializer, "Bổ sung hồ sơ")
    @action(detail=True, methods=["post"], parser_classes=WITH_FILES)
    def supply(self, request, code=None):
        dossier = self._target()
        data = self._input(SupplySerializer)
        services.dossier_supply(actor=request.user, dossier=dossier, note=data["note"], files=data["uploads"])
        return self._answer(code)

    @_action_schema(ReasonSerializer, "Dừng xử lý hồ sơ")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def stop(self, request, code=None):
        dossier = self._target()
        data = self._input(ReasonSerializer)
        services.dossier_stop(actor=request.user, dossier=dossier, reason=data["reason"])
        return self._answer(code)

    @_action_schema(ApologizeSerializer, "Xin lỗi và hẹn lại ngày trả kết quả")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def apologize(self, request, code=None):
        dossier = self._target()
        data = self._input(ApologizeSerializer)
        services.dossier_apologize(
            actor=request.user, dossier=dossier, reason=data["reason"], new_date=data["new_date"]
        )
        return self._answer(code)

    @_action_schema(NoteSerializer, "Xác nhận đã thực hiện nghĩa vụ tài chính")
    @action(detail=True, methods=["post"], url_path="confirm-payment", parser_classes=JSON_ONLY)
    def confirm_payment(self, request, code=None):
        dossier = self._target()
        data = self._input(NoteSerializer)
        services.dossier_confirm_payment(actor=request.user, dossier=dossier, note=data["note"])
        return self._answer(code)

    @_action_schema(ReturnSerializer, "Trả kết quả")
    @action(detail=True, methods=["post"], url_path="return", parser_classes=JSON_ONLY)
    def return_result(self, request, code=None):
        dossier = self._target()
        data = self._input(ReturnSerializer)
        services.dossier_return(actor=request.user, dossier=dossier, **data)
        return self._answer(code)

    @_action_schema(ResultNoteSerializer, "Giải quyết tại chỗ")
    @action(detail=True, methods=["post"], url_path="resolve-on-the-spot", parser_classes=JSON_ONLY)
    def resolve_on_the_spot(self, request, code=None):
        dossier = self._target()
        data = self._input(ResultNoteSerializer)
        services.dossier_resolve_on_the_spot(
            actor=request.user, dossier=dossier, result_note=data["result_note"]
        )
        return self._answer(code)


# --- steps ---------------------------------------------------------------------------------------


class StepViewSet(DossierErrorsMixin, viewsets.GenericViewSet):
    """Actions on one routed step of a dossier the user may see. Each answers with the dossier."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierDetailSerializer
    parser_classes = JSON_ONLY

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Step.objects.none()
        return Step.objects.filter(dossier__in=dossiers_visible_to(self.request.user)).select_related(
            "dossier"
        )

    def _answer(self, step: Step) -> Response:
        dossier = dossier_for(self.request.user, step.dossier.code)
        return Response(DossierDetailSerializer(dossier, context=self.get_serializer_context()).data)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @_action_schema(None, "Nhận xử lý bước")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def claim(self, request, pk=None):
        step = self.get_object()
        services.step_claim(actor=request.user, step=step)
        return self._answer(step)

    @_action_schema(NoteSerializer, "Chuyển bước tiếp theo")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def forward(self, request, pk=None):
        step = self.get_object()
        data = self._input(NoteSerializer)
        services.step_forward(actor=request.user, step=step, note=data["note"])
        return self._answer(step)

    @_action_schema(ReasonSerializer, "Trả lại bước trước")
    @action(detail=True, methods=["post"], url_path="send-back", parser_classes=JSON_ONLY)
    def send_back(self, request, pk=None):
        step = self.get_object()
        data = self._input(ReasonSerializer)
        services.step_send_back(actor=request.user, step=step, reason=data["reason"])
        return self._answer(step)

    @_action_schema(RequestSupplementSerializer, "Yêu cầu bổ sung hồ sơ")
    @action(detail=True, methods=["post"], url_path="request-supplement", parser_classes=JSON_ONLY)
    def request_supplement(self, request, pk=None):
        step = self.get_object()
        data = self._input(RequestSupplementSerializer)
        services.dossier_request_supplement(
            actor=request.user, step=step, items=data["items"], note=data["note"]
        )
        return self._answer(step)

    @_action_schema(ApproveSerializer, "Phê duyệt, có kết quả (bước cuối)")
    @action(detail=True, methods=["post"], parser_classes=WITH_FILES)
    def approve(self, request, pk=None):
        step = self.get_object()
        data = self._input(ApproveSerializer)
        services.step_approve(
            actor=request.user, step=step, result_note=data["result_note"], files=data["uploads"]
        )
        return self._answer(step)

    @_action_schema(ReasonSerializer, "Từ chối giải quyết")
    @action(detail=True, methods=["post"], parser_classes=JSON_ONLY)
    def refuse(self, request, pk=None):
        step = self.get_object()
        data = self._input(ReasonSerializer)
        services.step_refuse(actor=request.user, step=step, reason=data["reason"])
        return self._answer(step)

    @_action_schema(RequestPaymentSerializer, "Yêu cầu thực hiện nghĩa vụ tài chính")
    @action(detail=True, methods=["post"], url_path="request-payment", parser_classes=JSON_ONLY)
    def request_payment(self, request, pk=None):
        step = self.get_object()
        data = self._input(RequestPaymentSerializer)
        services.dossier_request_payment(
            actor=request.user, step=step, amount=data["amount"], note=data["note"]
        )
        return self._answer(step)


# --- inbox ---------------------------------------------------------------------------------------


class CanViewInbox(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can(request.user, "dossier.view_inbox")


@extend_schema(summary="Hộp việc của chuyên viên: các bước của cơ quan mình, hạn gần trước")
class InboxView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, CanViewInbox]
    serializer_class = InboxStepSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Step.objects.none()
        return inbox(self.request.user).select_related("agency")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "calendar": workdays.WorkCalendar()}


# --- public tracking -----------------------------------------------------------------------------


@extend_schema(
    summary="Tra cứu công khai bằng mã hồ sơ và mã tra cứu",
    description=(
        "Không cần đăng nhập. Chỉ trả về trạng thái và quá trình xử lý, không có thông tin cá nhân. "
        "Mã hồ sơ sai và mã tra cứu sai nhận cùng một câu trả lời (404). Số lần tra cứu của mỗi địa "
        "chỉ mạng có giới hạn (429)."
    ),
    parameters=[TrackingQuerySerializer],
    responses={
        200: TrackingSerializer,
        400: FIELD_ERRORS,
        404: OpenApiResponse(DetailSerializer, description="Không tìm thấy hồ sơ với mã và mã tra cứu này."),
        429: OpenApiResponse(DetailSerializer, description="Tra cứu quá nhiều lần, thử lại sau."),
    },
)
class TrackingView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        query = TrackingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if lookup_limited(request):
            raise TooManyLookups(wait=RETRY_AFTER_SECONDS)
        dossier = dossier_for_tracking(query.validated_data["code"], query.validated_data["secret"])
        if dossier is None:
            raise NotFound(not_found_message())
        return Response(TrackingSerializer(public_summary(dossier)).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
