"""Public tracking by dossier code and tracking secret: no login, no personal data."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.api.common import FIELD_ERRORS
from dossiers.selectors import public_tracking
from dossiers.serializers import DetailSerializer, TrackingQuerySerializer, TrackingSerializer
from dossiers.views.tracking import RETRY_AFTER_SECONDS, lookup_limited, not_found_message, public_summary


class TooManyLookups(Throttled):
    default_detail = _("Bạn đã tra cứu quá nhiều lần.")
    extra_detail_singular = extra_detail_plural = _("Vui lòng thử lại sau {wait} giây.")


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
        tracked = public_tracking(code=query.validated_data["code"], secret=query.validated_data["secret"])
        if tracked is None:
            raise NotFound(not_found_message())
        return Response(TrackingSerializer(public_summary(tracked)).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
