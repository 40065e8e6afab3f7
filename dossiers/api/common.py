"""What the dossier and step viewsets share: service errors as API errors, the schema's error
responses, the parsers, and the schema of an action."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.settings import api_settings

from dossiers.models import Dossier, Step
from dossiers.serializers import SERVICE_FIELDS, DetailSerializer, DossierDetailSerializer
from dossiers.workflow import TransitionRefused

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
