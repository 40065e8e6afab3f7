"""Personal identity numbers never reach the logs: every handler masks them."""

import io
import logging

import pytest

from hcc.log_masking import MaskIdNumbers, mask_id_numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CCCD 001203004567 nộp hồ sơ", "CCCD ********4567 nộp hồ sơ"),
        ("id_number='0012 0300 4567'", "id_number='********4567'"),
        ("001.203.004.567 và 079-123-456-789", "********4567 và ********6789"),
        ("find=001203004567&x=1", "find=********4567&x=1"),
    ],
)
def test_twelve_digit_numbers_are_masked(text, expected):
    assert mask_id_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "TTPVHCC-261207-0001",  # a dossier code
        "0912345678 và +84912345678",  # phone numbers
        "20261207080000123",  # a longer run of digits
        "lệ phí 1.500.000 ₫",
        "0101234567-001",  # a branch's tax code
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_id_numbers(text) == text


def _handlers():
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    return {handler for logger in loggers for handler in logger.handlers}


def test_every_configured_handler_masks():
    handlers = _handlers()
    assert handlers
    for handler in handlers:
        if isinstance(handler, logging.NullHandler) or "pytest" in type(handler).__module__:
            continue  # writes nothing / pytest's own capture
        assert any(isinstance(f, MaskIdNumbers) for f in handler.filters), handler


def test_a_logged_message_with_arguments_and_a_traceback_is_masked():
    (console,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskIdNumbers) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        logger = logging.getLogger("dossiers.intake")
        logger.warning("applicant %s lookup by %r", "Nguyễn Văn An", {"find": "001203004567"})
        try:
            raise ValueError("duplicate id_number 079123456789")
        except ValueError:
            logger.exception("intake failed for %s", "0012 0300 4567")
        logging.getLogger("django.request").error("Bad request: id_number=001203004567")
    finally:
        console.setStream(previous)
    output = stream.getvalue()
    assert "001203004567" not in output and "079123456789" not in output and "0012 0300 4567" not in output
    assert output.count("********4567") == 3
    assert "ValueError: duplicate id_number ********6789" in output
