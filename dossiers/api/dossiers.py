"""The dossiers: list, detail, intake (online, at the desk, by post) and the actions on a
dossier as a whole."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Role
from dossiers import services
from dossiers.api.common import (
    CREATE_RESPONSES,
    JSON_ONLY,
    NOT_FOUND,
    WITH_FILES,
    DossierErrorsMixin,
    _action_schema,
)
from dossiers.models import Channel, Dossier
from dossiers.selectors import dossier_for, dossiers_visible_to
from dossiers.serializers import (
    ApologizeSerializer,
    ConfirmPaymentSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    ReasonSerializer,
    ReceiveSerializer,
    RequestSupplementSerializer,
    ResultNoteSerializer,
    ReturnSerializer,
    SubmitSerializer,
    SupplySerializer,
)
from dossiers.workflow import Status


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
            notice_version=data.get("notice_version", ""),
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

    @_action_schema(
        RequestSupplementSerializer, "Yêu cầu bổ sung hồ sơ trực tuyến trước khi tiếp nhận (một lần)"
    )
    @action(detail=True, methods=["post"], url_path="request-intake-supplement", parser_classes=JSON_ONLY)
    def request_intake_supplement(self, request, code=None):
        dossier = self._target()
        data = self._input(RequestSupplementSerializer)
        services.dossier_request_intake_supplement(
            actor=request.user, dossier=dossier, items=data["items"], note=data["note"]
        )
        return self._answer(code)

    @_action_schema(SupplySerializer, "Bổ sung hồ sơ trước khi tiếp nhận")
    @action(detail=True, methods=["post"], url_path="supply-intake", parser_classes=WITH_FILES)
    def supply_intake(self, request, code=None):
        dossier = self._target()
        data = self._input(SupplySerializer)
        services.dossier_supply_intake(
            actor=request.user, dossier=dossier, note=data["note"], files=data["uploads"]
        )
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

    @_action_schema(ConfirmPaymentSerializer, "Xác nhận đã thực hiện nghĩa vụ tài chính")
    @action(detail=True, methods=["post"], url_path="confirm-payment", parser_classes=JSON_ONLY)
    def confirm_payment(self, request, code=None):
        dossier = self._target()
        data = self._input(ConfirmPaymentSerializer)
        services.dossier_confirm_payment(
            actor=request.user, dossier=dossier, proof=data["proof"], note=data["note"]
        )
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
