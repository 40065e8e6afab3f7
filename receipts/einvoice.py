"""A fee receipt as an electronic receipt (biên lai điện tử) data file, for the tax authority.

Decree 123/2020/NĐ-CP (as amended by Decree 70/2025/NĐ-CP), art. 32, lists what a fee receipt
carries: its name, template code and series, number, the collecting organisation's name and tax
code, the payer's name (and tax code or ID if any), each fee and its amount, the total in figures
and in words, the date, and the collector's signature (a digital signature on an electronic one);
Circular 78/2021/TT-BTC gives the template code and series notation (a series ending in "E" is
electronic). The XML below carries those fields in the shape of the tax authority's data format
for e-invoices (a ``TTChung`` general block and a content block, Vietnamese abbreviations). The
element names of the receipt format itself and its schema were not available to check here
(docs/rules.md); the file says so in a comment. Transmission and the digital signature are later
work: ``ChKy`` stays empty.
"""

from xml.etree.ElementTree import Comment, Element, SubElement, tostring  # nosec B405 (writing only)

from django.utils import timezone

from receipts.models import Receipt
from web.money import amount_in_words

FORMAT_NOTE = (
    " Biên lai thu phí, lệ phí (Nghị định 123/2020/NĐ-CP Điều 32, sửa đổi bởi Nghị định 70/2025/NĐ-CP)."
    " Tên thẻ theo cách đặt của định dạng dữ liệu hóa đơn điện tử; chưa đối chiếu được lược đồ chính"
    " thức của biên lai. Chưa có chữ ký số. "
)


def _text(parent: Element, tag: str, value) -> Element:
    node = SubElement(parent, tag)
    node.text = "" if value is None else str(value)
    return node


def receipt_xml(receipt: Receipt) -> bytes:
    owner = receipt.owner or receipt.agency
    root = Element("BLai")
    root.append(Comment(FORMAT_NOTE))
    data = SubElement(root, "DLBLai")
    general = SubElement(data, "TTChung")
    _text(general, "PBan", "2.0.0")
    _text(general, "THDon", "Biên lai thu phí, lệ phí")
    _text(general, "KHMSBLai", receipt.template_code)
    _text(general, "KHBLai", receipt.series_code)
    _text(general, "SBLai", receipt.number_display)
    _text(general, "NLap", timezone.localtime(receipt.issued_at).strftime("%Y-%m-%d"))
    _text(general, "DVTTe", "VND")
    _text(general, "HTTToan", receipt.get_method_display())
    if receipt.transaction_ref:
        _text(general, "MGDich", receipt.transaction_ref)
    if receipt.replaces_id:
        replaced = SubElement(general, "TTBLLQuan")  # the receipt this one replaces
        _text(replaced, "TCBLai", "1")
        _text(replaced, "KHMSBLLQuan", receipt.replaces.template_code)
        _text(replaced, "KHBLLQuan", receipt.replaces.series_code)
        _text(replaced, "SBLLQuan", receipt.replaces.number_display)
    content = SubElement(data, "NDBLai")
    collector = SubElement(content, "TCThu")  # the organisation the fees belong to
    _text(collector, "Ten", owner.name)
    _text(collector, "MST", owner.tax_code)
    _text(collector, "DChi", owner.address)
    if owner.pk != receipt.agency_id:
        desk = SubElement(content, "DVThuHo")  # the one-stop desk that collected on its behalf
        _text(desk, "Ten", receipt.agency.name)
        _text(desk, "MST", receipt.agency.tax_code)
    payer = SubElement(content, "NNop")
    _text(payer, "Ten", receipt.payer_name)
    _text(payer, "MST", receipt.payer_tax_code)
    _text(payer, "DChi", receipt.payer_address)
    fees = SubElement(content, "DSPhi")
    for number, line in enumerate(receipt.lines.all(), start=1):
        item = SubElement(fees, "Phi")
        _text(item, "STT", number)
        _text(item, "TPhi", line.name)
        _text(item, "LPhi", line.get_kind_display())
        _text(item, "STien", line.amount)
    totals = SubElement(content, "TToan")
    _text(totals, "TgTien", receipt.total)
    _text(totals, "TgTBChu", amount_in_words(receipt.total))
    _text(content, "NThu", receipt.collector.display_name)
    _text(content, "HSo", receipt.dossier.code)
    if receipt.is_cancelled:
        _text(content, "TThai", "Đã hủy: " + receipt.cancellation.reason)
    SubElement(root, "DSCKS")  # digital signatures: not yet
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")
