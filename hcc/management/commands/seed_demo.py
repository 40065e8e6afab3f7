"""``manage.py seed_demo [--dossiers N]``: the demo data of an imaginary province (tỉnh Sơn Hà).

Each app loads its own part (``settings.HCC_DEMO_LOADERS``, in order): agencies and the catalog,
one account per role, the center's queue and, with ``--dossiers N``, sample dossiers with their
receipts, ratings and feedback. Running it again changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _(
        "Nạp dữ liệu trình diễn của tỉnh giả định Sơn Hà: cơ quan, danh mục thủ tục (qua chức năng "
        "nhập thủ tục), một tài khoản cho mỗi vai trò và (--dossiers N) hồ sơ mẫu ở mọi giai đoạn. "
        "Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers",
            type=int,
            default=0,
            metavar="N",
            help=_("số hồ sơ mẫu cần tạo (mặc định 0)"),
        )

    def handle(self, *args, dossiers: int, verbosity: int, **options):
        if dossiers < 0:
            raise CommandError(_("--dossiers phải là số không âm."))
        closing: list[str] = []
        for path in settings.HCC_DEMO_LOADERS:
            # A loader writes its own lines and may return lines to show last (the logins).
            closing += import_string(path)(self, dossiers=dossiers, verbosity=verbosity) or []
        self.stdout.write("")
        self.stdout.write(_("Cổng dịch vụ: %(url)s") % {"url": settings.HCC_SITE_URL})
        for line in closing:
            self.stdout.write(line)
