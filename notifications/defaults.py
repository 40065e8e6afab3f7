# ruff: noqa: E501  (message texts: one line of source per line of text reads best)
"""The default Vietnamese text of every notice the program sends, by template code.

The data migration loads them into ``MessageTemplate`` rows, which an administrator edits; a code
without a row (a database emptied by a test's flush, a code added since) falls back to these.
Tuples: (code, name, SMS text, e-mail subject, e-mail body), in Django template syntax.
"""

SIGN = "\n\n{{ center }}"
TEMPLATES = [
    (
        "feedback.answered",
        "Trả lời phản ánh, kiến nghị",
        "Phản ánh {{ code }} đã có trả lời. Xem tại {{ track_url }} (nhập mã {{ code }}).",
        "Trả lời phản ánh, kiến nghị {{ code }}",
        "Kính gửi {{ sender }},\n\nPhản ánh, kiến nghị của ông/bà: {{ title }}\n\nTrả lời:\n{{ answer }}"
        "\n\nTra cứu bằng mã {{ code }} tại: {{ track_url }}" + SIGN,
    ),
    (
        "dossier.received",
        "Đã tiếp nhận hồ sơ",
        "Đã tiếp nhận hồ sơ {{ code }}. Hẹn trả kết quả ngày {{ due_date }}. Tra cứu: {{ tracking_url }}",
        "Đã tiếp nhận hồ sơ {{ code }}",
        "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} ({{ procedure }}) đã được tiếp nhận ngày "
        "{{ received_date }}. Ngày hẹn trả kết quả: {{ due_date }}.\n\nTheo dõi tình trạng hồ sơ tại: "
        "{{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.supplement_requested",
        "Yêu cầu bổ sung hồ sơ",
        "Hồ sơ {{ code }} cần bổ sung: {{ items_text }}. {{ how }}",
        "Hồ sơ {{ code }} cần bổ sung giấy tờ",
        "Kính gửi {{ applicant }},\n\nĐể tiếp tục giải quyết hồ sơ {{ code }} ({{ procedure }}), "
        "đề nghị ông/bà bổ sung:\n{% for item in items %}- {{ item }}\n{% endfor %}"
        "{% if note %}\nGhi chú: {{ note }}\n{% endif %}\n{{ how }}\n\nTra cứu hồ sơ: {{ tracking_url }}"
        + SIGN,
    ),
    (
        "dossier.refused",
        "Từ chối hồ sơ",
        "Hồ sơ {{ code }} bị từ chối. Lý do: {{ reason }}",
        "Hồ sơ {{ code }} bị từ chối",
        "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} ({{ procedure }}) không được giải quyết.\n"
        "Lý do: {{ reason }}\n\nTra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.stopped",
        "Dừng giải quyết hồ sơ",
        "Hồ sơ {{ code }} đã dừng giải quyết ngày {{ closed_date }}. Lý do: {{ reason }}",
        "Thông báo dừng giải quyết hồ sơ {{ code }}",
        "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} ({{ procedure }}) đã dừng giải quyết ngày "
        "{{ closed_date }}.\nLý do: {{ reason }}\n\nTra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.withdrawn",
        "Rút hồ sơ",
        "Hồ sơ {{ code }} đã được rút theo đề nghị ngày {{ closed_date }}. Lý do: {{ reason }}",
        "Xác nhận rút hồ sơ {{ code }}",
        "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} ({{ procedure }}) đã được rút theo đề nghị của "
        "ông/bà ngày {{ closed_date }}.\nLý do: {{ reason }}\n\nTra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.result_ready",
        "Đã có kết quả",
        "Hồ sơ {{ code }} đã có kết quả.{% if fees_total %} Phí, lệ phí: {{ fees_total }}.{% endif %} {{ where_short }}",
        "Hồ sơ {{ code }} đã có kết quả",
        "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} ({{ procedure }}) đã có kết quả ngày {{ ready_date }}.\n"
        "{{ where }}\nKhi nhận, vui lòng mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân."
        "{% if fees %}\n\nPhí, lệ phí phải nộp:\n{% for fee in fees %}- {{ fee }}\n{% endfor %}"
        "Tổng cộng: {{ fees_total }}{% endif %}\n\nTra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.sent_by_post",
        "Đã gửi kết quả qua bưu chính",
        "Kết quả hồ sơ {{ code }} đã gửi qua bưu chính, số hiệu bưu gửi {{ postal_tracking }}.",
        "Kết quả hồ sơ {{ code }} đã gửi qua bưu chính",
        "Kính gửi {{ applicant }},\n\nKết quả hồ sơ {{ code }} ({{ procedure }}) đã được gửi qua bưu chính "
        "ngày {{ returned_date }} đến địa chỉ: {{ return_address }}.\nSố hiệu bưu gửi: {{ postal_tracking }}."
        + SIGN,
    ),
    (
        "dossier.returned",
        "Đã trả kết quả",
        "Hồ sơ {{ code }} đã trả kết quả ngày {{ returned_date }}. Cảm ơn ông/bà.",
        "Hồ sơ {{ code }} đã trả kết quả",
        "Kính gửi {{ applicant }},\n\nKết quả hồ sơ {{ code }} ({{ procedure }}) đã được trả ngày "
        "{{ returned_date }}{% if returned_to %} cho {{ returned_to }}{% endif %}." + SIGN,
    ),
    (
        "dossier.payment_requested",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Hồ sơ {{ code }}: đề nghị nộp {{ kind }} {{ amount }} theo thông báo số {{ notice_number }}"
        "{% if due %}, hạn {{ due }}{% endif %}. Thời hạn giải quyết tạm dừng đến khi nộp.",
        "Hồ sơ {{ code }}: đề nghị thực hiện nghĩa vụ tài chính",
        "Kính gửi {{ applicant }},\n\nĐể tiếp tục giải quyết hồ sơ {{ code }} ({{ procedure }}), đề nghị "
        "ông/bà nộp {{ kind }}: {{ amount }}, theo thông báo số {{ notice_number }} của {{ authority }}"
        "{% if due %}, hạn nộp {{ due }}{% endif %}.\n{% if note %}{{ note }}\n{% endif %}"
        "Khoản này nộp vào ngân sách nhà nước theo thông báo, không nộp tại bộ phận một cửa. Thời gian chờ "
        "nộp không tính vào thời hạn giải quyết; khi đã nộp, vui lòng mang chứng từ nộp tiền đến bộ phận "
        "một cửa.\n\nTra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.apology",
        "Xin lỗi và hẹn lại",
        "Xin lỗi ông/bà: hồ sơ {{ code }} chậm so với hẹn. Ngày hẹn mới: {{ new_date }}.",
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ code }}",
        "Kính gửi {{ applicant }},\n\nChúng tôi xin lỗi vì hồ sơ {{ code }} ({{ procedure }}) chưa giải quyết "
        "được đúng hẹn ({{ due_date }}).\nLý do: {{ reason }}\nNgày hẹn trả kết quả mới: {{ new_date }}.\n\n"
        "Tra cứu hồ sơ: {{ tracking_url }}" + SIGN,
    ),
    (
        "dossier.rating",
        "Mời đánh giá",
        "Mời ông/bà đánh giá việc giải quyết hồ sơ {{ code }}: {{ rating_url }}",
        "Mời đánh giá việc giải quyết hồ sơ {{ code }}",
        "Kính gửi {{ applicant }},\n\nÝ kiến của ông/bà giúp chúng tôi phục vụ tốt hơn. Mời ông/bà đánh giá "
        "việc giải quyết hồ sơ {{ code }} ({{ procedure }}) tại:\n{{ rating_url }}" + SIGN,
    ),
    (
        "staff.step_routed",
        "Hồ sơ chuyển đến cơ quan",
        'Hồ sơ {{ code }} ({{ procedure }}) chuyển đến {{ agency }}, bước "{{ step }}", hạn {{ step_due }}.',
        "Hồ sơ {{ code }} chuyển đến {{ agency }}",
        "Hồ sơ {{ code }} ({{ procedure }}) đã được chuyển đến {{ agency }}.\nBước: {{ step }}\n"
        "Hạn xử lý: {{ step_due }}\n\nXem hồ sơ: {{ dossier_url }}" + SIGN,
    ),
    (
        "staff.daily_digest",
        "Tổng hợp hằng ngày của cơ quan",
        "{{ agency }}: {{ due_soon|length }} hồ sơ đến hạn, {{ overdue|length }} hồ sơ quá hạn.",
        "{{ agency }}: {{ due_soon|length }} hồ sơ sắp đến hạn, {{ overdue|length }} quá hạn ({{ date }})",
        "Tổng hợp ngày {{ date }} của {{ agency }}.\n\nĐến hạn trong một ngày làm việc ({{ due_soon|length }}):\n"
        "{% for s in due_soon %}- {{ s.code }}: {{ s.step }}, hạn {{ s.due }}\n{% empty %}(không có)\n{% endfor %}"
        "\nQuá hạn ({{ overdue|length }}):\n"
        "{% for s in overdue %}- {{ s.code }}: {{ s.step }}, hạn {{ s.due }}\n{% empty %}(không có)\n{% endfor %}"
        "\nHộp việc: {{ inbox_url }}" + SIGN,
    ),
    (
        # each manager, each working day: the steps of the agencies under them that fall due within
        # one working day, and the overdue ones (a warning before a step runs late, issue 17 rule 3)
        "staff.manager_digest",
        "Tổng hợp hằng ngày cho lãnh đạo",
        "{{ due_soon|length }} bước xử lý sắp đến hạn, {{ overdue|length }} quá hạn ngày {{ date }}.",
        "{{ due_soon|length }} bước sắp đến hạn, {{ overdue|length }} quá hạn ({{ date }})",
        "Các bước xử lý tại các cơ quan ông/bà phụ trách, ngày {{ date }}.\n\n"
        "Đến hạn trong một ngày làm việc ({{ due_soon|length }}):\n"
        "{% for s in due_soon %}- {{ s.agency }}: {{ s.code }}, {{ s.step }}, hạn {{ s.due }}\n"
        "{% empty %}(không có)\n{% endfor %}"
        "\nQuá hạn ({{ overdue|length }}):\n"
        "{% for s in overdue %}- {{ s.agency }}: {{ s.code }}, {{ s.step }}, hạn {{ s.due }}\n"
        "{% empty %}(không có)\n{% endfor %}" + SIGN,
    ),
    (
        # sent before issue 17 (overdue steps only); kept for the rows administrators may have edited
        "staff.manager_overdue",
        "Hồ sơ quá hạn của các cơ quan",
        "{{ overdue|length }} bước xử lý quá hạn ngày {{ date }}.",
        "{{ overdue|length }} bước xử lý quá hạn ({{ date }})",
        "Các bước xử lý quá hạn ngày {{ date }} tại các cơ quan ông/bà phụ trách:\n\n"
        "{% for s in overdue %}- {{ s.agency }}: {{ s.code }}, {{ s.step }}, hạn {{ s.due }}\n{% endfor %}"
        + SIGN,
    ),
    (
        "account.contact_changed",
        "Thay đổi thông tin liên hệ",
        "{{ field }} của tài khoản {{ account }} đã đổi lúc {{ when }}. Nếu không phải ông/bà, hãy báo ngay.",
        "Thông tin liên hệ của tài khoản đã thay đổi",
        "{{ field }} của tài khoản {{ account }} đã được đổi từ {{ old }} sang {{ new }} lúc {{ when }}.\n"
        "Nếu ông/bà không thực hiện thay đổi này, vui lòng liên hệ ngay với {{ center }}." + SIGN,
    ),
    (
        "account.contact_code",
        "Mã xác nhận số điện thoại, email",
        "Mã xác nhận của ông/bà là {{ code }} (hiệu lực {{ minutes }} phút). Không đưa mã này cho ai.",
        "Mã xác nhận: {{ code }}",
        "Mã xác nhận {{ address }} của ông/bà là {{ code }}, có hiệu lực trong {{ minutes }} phút.\n"
        "Không đưa mã này cho bất kỳ ai. Nếu ông/bà không yêu cầu, hãy bỏ qua thư này." + SIGN,
    ),
    (
        "account.contact_taken",
        "Có người dùng số điện thoại, email đã đăng ký",
        "{{ address }} vừa được dùng để đăng ký tại {{ center }} nhưng đã có tài khoản. "
        "Nếu là ông/bà, hãy đăng nhập.",
        "Có người dùng {{ address }} tại {{ center }}",
        "{{ address }} vừa được dùng để đăng ký hoặc đổi thông tin liên hệ tại {{ center }}, nhưng đã "
        "gắn với một tài khoản nên không có mã xác nhận nào được gửi.\n"
        "Nếu là ông/bà, hãy đăng nhập hoặc lấy lại mật khẩu. Nếu không, ông/bà không cần làm gì." + SIGN,
    ),
]

BY_CODE = {row[0]: row for row in TEMPLATES}


# What a notice's variables look like at their longest usual length, to count a template's SMS parts
# in the admin and in the tests (a code, a tracking link, an office's name and address, ...).
SAMPLE_CONTEXT = {
    "code": "TTPVHCC-261207-0001",
    "procedure": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "applicant": "Nguyễn Thị Minh Khai",
    "center": "Trung tâm Phục vụ Hành chính công tỉnh Sơn Hà",
    "tracking_url": "https://dichvucong.sonha.gov.vn/ho-so/tra-cuu/q/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z/",
    "rating_url": "https://dichvucong.sonha.gov.vn/danh-gia/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z/",
    "track_url": "https://dichvucong.sonha.gov.vn/phan-anh/tra-cuu/",
    "due_date": "21/12/2026",
    "received_date": "07/12/2026",
    "ready_date": "18/12/2026",
    "returned_date": "21/12/2026",
    "closed_date": "10/12/2026",
    "new_date": "28/12/2026",
    "items_text": "Bản vẽ mặt bằng móng; Ảnh hiện trạng",
    "how": "Ông/bà nộp bổ sung trực tuyến tại trang hồ sơ của mình hoặc tại bộ phận một cửa.",
    "reason": "Người nộp không bổ sung hồ sơ theo yêu cầu",
    "where": "Mời ông/bà nhận kết quả tại Trung tâm Phục vụ Hành chính công tỉnh Sơn Hà trong giờ hành chính.",
    "fees_total": "1.234.567 đồng",
    "postal_tracking": "EV123456789VN",
    "agency": "Sở Xây dựng",
    "step": "Thẩm định hồ sơ",
    "step_due": "10:00 10/12/2026",
    "sender": "Nguyễn Văn An",
    "title": "Chậm trả kết quả",
}
