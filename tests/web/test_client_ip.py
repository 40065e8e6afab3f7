from web.client_ip import client_ip


def test_client_ip_behind_proxies(settings, rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 2  # the load balancer and the compose proxy
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_ip(request) == "10.0.0.5"
