"""The actions on one routed step of a dossier, and the reviewers' inbox."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import can
from dossiers import services
from dossiers.api.common import JSON_ONLY, WITH_FILES, DossierErrorsMixin, _action_schema
from dossiers.models import Step
from dossiers.selectors import dossier_for, dossiers_visible_to, inbox
from dossiers.serializers import (
    ApproveSerializer,
    DossierDetailSerializer,
    InboxStepSerializer,
    NoteSerializer,
    ReasonSerializer,
    RequestPaymentSerializer,
    RequestSupplementSerializer,
)
from procedures import workdays


class StepViewSet(DossierErrorsMixin, viewsets.GenericViewSet):
    """Actions on one routed step of a dossier the user may see. Each answers with the dossier."""

    permission_classes = [IsAuthenticated]
    serializer_class = DossierDetailSerializer
    parser_classes = JSON_ONLY
    lookup_value_regex = r"[0-9]+"

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
            actor=request.user,
            step=step,
            kind=data["kind"],
            amount=data["amount"],
            notice_number=data["notice_number"],
            issuing_authority=data["issuing_authority"],
            due_date=data["due_date"],
            note=data["note"],
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
