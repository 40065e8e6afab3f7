"""The national portal's messages as JSON schemas, written from the published shapes (see
``national.messages``). Plain data, no Django: the loopback portal (``national.portal_server``)
validates every request against them, and our tests validate what we build.

Dates are ``yyyyMMddHHmmss`` (Asia/Ho_Chi_Minh) or "" when unknown; codes and numbers travel as
strings, as the portal's adapter expects them.
"""

# --- the shapes, as JSON schemas -------------------------------------------------------------

_STAMP = {"type": "string", "pattern": r"^(\d{14})?$"}
_TEXT = {"type": "string"}
_CODE = {"type": "string", "enum": [str(n) for n in range(1, 11)]}


def _list_of(properties: dict, required: list[str]) -> dict:
    return {
        "type": "array",
        "items": {"type": "object", "properties": properties, "required": required},
    }


DOSSIER_ITEM = {
    "type": "object",
    "properties": {
        "MaHoSo": {"type": "string", "minLength": 1, "maxLength": 50},
        "MaTTHC": {"type": "string", "minLength": 1},
        "TenTTHC": {"type": "string", "minLength": 1},
        "MaLinhVuc": {"type": "string", "minLength": 1},
        "TenLinhVuc": _TEXT,
        "ChuHoSo": {"type": "string", "minLength": 1},
        "LoaiDoiTuong": {"type": "string", "enum": ["1", "2"]},
        "MaDoiTuong": _TEXT,
        "Email": _TEXT,
        "SoDienThoai": _TEXT,
        "TrichYeuHoSo": _TEXT,
        "NgayTiepNhan": _STAMP,
        "NgayHenTra": _STAMP,
        "TrangThaiHoSo": _CODE,
        "NgayTra": _STAMP,
        "HinhThuc": {"type": "string", "enum": ["0", "1"]},
        "NgayKetThucXuLy": _STAMP,
        "DonViXuLy": {"type": "string", "minLength": 1},
        "GhiChu": _TEXT,
        "DanhSachLePhi": _list_of(
            {"TenPhiLePhi": _TEXT, "MaPhiLePhi": _TEXT, "Gia": {"type": "string", "pattern": r"^\d+$"}},
            ["TenPhiLePhi", "Gia"],
        ),
        "DanhSachHoSoBoSung": _list_of(
            {
                "HoSoBoSungId": _TEXT,
                "NoiDungBoSung": _TEXT,
                "NgayBoSung": _STAMP,
                "NgayTiepNhanBoSung": _STAMP,
            },
            ["HoSoBoSungId", "NgayBoSung"],
        ),
        "DanhSachGiayToKetQua": _list_of({"TenGiayTo": _TEXT, "GiayToId": _TEXT}, ["TenGiayTo"]),
    },
    "required": [
        "MaHoSo",
        "MaTTHC",
        "TenTTHC",
        "MaLinhVuc",
        "TenLinhVuc",
        "ChuHoSo",
        "LoaiDoiTuong",
        "NgayTiepNhan",
        "NgayHenTra",
        "TrangThaiHoSo",
        "HinhThuc",
        "DonViXuLy",
    ],
}

PROGRESS_ITEM = {
    "type": "object",
    "properties": {
        "MaHoSo": {"type": "string", "minLength": 1, "maxLength": 50},
        "NguoiXuLy": {"type": "string", "minLength": 1},
        "ChucDanh": _TEXT,
        "ThoiDiemXuLy": {"type": "string", "pattern": r"^\d{14}$"},
        "PhongBanXuLy": _TEXT,
        "NoiDungXuLy": {"type": "string", "minLength": 1},
        "TrangThai": _CODE,
        "NgayBatDau": _STAMP,
        "NgayKetThucTheoQuyDinh": _STAMP,
    },
    "required": ["MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai"],
}

_ENVELOPE = {
    "session": {"type": "string", "minLength": 1},
    "madonvi": {"type": "string", "minLength": 1},
}

SCHEMAS = {
    "auth": {
        "type": "object",
        "properties": {"username": {"type": "string", "minLength": 1}, "password": {"type": "string"}},
        "required": ["username", "password"],
    },
    "DongBoHoSoMC": {
        "type": "object",
        "properties": {
            **_ENVELOPE,
            "service": {"const": "DongBoHoSoMC"},
            "isUpdating": {"type": "string", "enum": ["True", "False"]},
            "data": {"type": "array", "items": DOSSIER_ITEM, "minItems": 1},
        },
        "required": ["session", "madonvi", "service", "isUpdating", "data"],
    },
    "CapNhatTienDoHoSoMC": {
        "type": "object",
        "properties": {
            **_ENVELOPE,
            "service": {"const": "CapNhatTienDoHoSoMC"},
            "data": {"type": "array", "items": PROGRESS_ITEM, "minItems": 1},
        },
        "required": ["session", "madonvi", "service", "data"],
    },
    "LayDanhSachTTHC": {
        "type": "object",
        "properties": {**_ENVELOPE, "service": {"const": "LayDanhSachTTHC"}},
        "required": ["session", "madonvi", "service"],
    },
    "LayThuTuc": {
        "type": "object",
        "properties": {
            **_ENVELOPE,
            "service": {"const": "LayThuTuc"},
            "maTTHC": {"type": "string", "minLength": 1},
        },
        "required": ["session", "madonvi", "service", "maTTHC"],
    },
    "TraCuuHoSo": {
        "type": "object",
        "properties": {**_ENVELOPE, "service": {"const": "TraCuuHoSo"}, "mahoso": {"type": "string"}},
        "required": ["session", "madonvi", "service", "mahoso"],
    },
}
