"""Catalog filters, shared by the public pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Field, Level, OnlineLevel, Procedure
from procedures.selectors import procedures_search


class ProcedureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm thủ tục"),
        method="filter_search",
        help_text=_("Tên hoặc mã thủ tục, gõ có dấu hay không dấu đều được."),
    )
    level = django_filters.ChoiceFilter(
        label=_("Cấp thực hiện"), choices=Level.choices, empty_label=_("Tất cả")
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Cơ quan giải quyết"),
        field_name="agency",
        to_field_name="code",
        queryset=Agency.objects.filter(is_active=True, procedures__isnull=False).distinct().order_by("name"),
        empty_label=_("Tất cả"),
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"),
        field_name="field",
        to_field_name="code",
        queryset=Field.objects.order_by("name"),
        empty_label=_("Tất cả"),
    )
    online_level = django_filters.ChoiceFilter(
        label=_("Mức độ trực tuyến"), choices=OnlineLevel.choices, empty_label=_("Tất cả")
    )

    class Meta:
        model = Procedure
        fields = ["q", "level", "agency", "field", "online_level"]

    def filter_search(self, queryset, name, value):
        return procedures_search(value, queryset)
