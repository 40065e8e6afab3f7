from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from national.catalog import PullError, catalog_pull


class Command(BaseCommand):
    help = _("Lấy danh mục thủ tục từ CSDL quốc gia và lập báo cáo thay đổi chờ duyệt.")

    def handle(self, *args, **options):
        try:
            pull = catalog_pull()
        except PullError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Lần lấy #%(id)s: mới %(new)d, thay đổi %(changed)d, bãi bỏ %(withdrawn)d; "
                "duyệt trong trang quản trị."
            )
            % {
                "id": pull.pk,
                "new": len(pull.new),
                "changed": len(pull.changed),
                "withdrawn": len(pull.withdrawn),
            }
        )
