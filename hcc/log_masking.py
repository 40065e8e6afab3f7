"""Personal identity numbers (CCCD, 12 digits) never reach the logs (Law 91/2025 on personal data).

``MaskIdNumbers`` is a logging filter set on every handler in ``settings.LOGGING``: it formats the
record's message (and its traceback) and replaces every run of 12 digits, also when typed in groups
(``0012 0300 4567``, ``001.203.004.567``), by ``********4567``, as the pages show it. Longer digit
runs (timestamps, bank accounts) are left alone.
"""

import logging
import re

# 12 digits, optionally grouped by one space, dot or hyphen, not inside a longer run of digits.
ID_NUMBER = re.compile(r"(?<![\d.-])(?:\d[ .-]?){11}\d(?![\d])")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * 8 + digits[-4:]


def mask_id_numbers(text: str) -> str:
    return ID_NUMBER.sub(_mask, text)


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True
