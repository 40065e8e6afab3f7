"""Recount the receipts' daily and monthly sums (``ReceiptDay``, ``ReceiptMonth``) from the receipts."""

from django.core.management.base import BaseCommand

from receipts import rollup


class Command(BaseCommand):
    help = (
        "Tính lại số biên lai, số tiền theo ngày và theo tháng từ các biên lai "
        "(sau khi ghi biên lai không qua dịch vụ, như nhập hàng loạt)."
    )

    def handle(self, *args, **options):
        rows = rollup.rebuild()
        self.stdout.write(self.style.SUCCESS(f"{rows} dòng số liệu biên lai đã được tính lại."))
