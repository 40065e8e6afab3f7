"""The protocol's signature and amounts, as the published integration guides define them."""

import hashlib
import hmac

from payments import protocol


def test_the_signature_is_hmac_sha512_over_the_sorted_url_encoded_parameters():
    params = {
        "vnp_TxnRef": "A1",
        "vnp_Amount": "7500000",
        "vnp_OrderInfo": "Thanh toan ho so X-1",
        "vnp_Empty": "",
    }
    data = "vnp_Amount=7500000&vnp_OrderInfo=Thanh+toan+ho+so+X-1&vnp_TxnRef=A1"
    assert protocol.canonical(params) == data
    expected = hmac.new(b"k", data.encode(), hashlib.sha512).hexdigest()
    assert protocol.sign(params, "k") == expected
    signed = protocol.signed(params, "k")
    assert protocol.verify(signed, "k")
    assert protocol.verify({**signed, "vnp_SecureHashType": "HmacSHA512"}, "k")
    assert not protocol.verify({**signed, "vnp_Amount": "7500100"}, "k")
    assert not protocol.verify(signed, "other")
    assert not protocol.verify(params, "k")


def test_amounts_are_dong_times_100():
    assert protocol.amount_to_gateway(75_000) == "7500000"
    assert protocol.amount_from_gateway("7500000") == 75_000
    for bad in ("7500050", "-100", "1e5", "", None, "75000.00"):
        assert protocol.amount_from_gateway(bad) is None
