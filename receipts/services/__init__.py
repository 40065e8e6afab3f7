"""Every write of fees and receipts: one transaction each, the dossier and counter rows locked.

Callers import from here: ``from receipts import services; services.receipt_issue(...)``.
"""

from receipts.services.fees import ReceiptError, fee_line_exempt, fee_lines_backfill, fee_lines_set, fees_due
from receipts.services.issue import (
    Payer,
    receipt_cancel,
    receipt_issue,
    receipt_replace,
    receipts_issue,
    receipts_issue_paid_online,
)

__all__ = [
    "Payer",
    "ReceiptError",
    "fee_line_exempt",
    "fee_lines_backfill",
    "fee_lines_set",
    "fees_due",
    "receipt_cancel",
    "receipt_issue",
    "receipt_replace",
    "receipts_issue",
    "receipts_issue_paid_online",
]
