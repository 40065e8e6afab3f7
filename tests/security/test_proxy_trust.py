"""Proxy trust (issue 22): the example settings never trust more proxies than docker-compose.yml
puts in front of the portal, and check --deploy warns when the two disagree."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_trusts_no_more_proxies_than_docker_compose_has():
    compose = (ROOT / "docker-compose.yml").read_text()
    proxies = len(re.findall(r"^\s+image: nginx", compose, flags=re.M))
    assert proxies == 1
    assert "DEPLOYED_PROXY_COUNT: ${DEPLOYED_PROXY_COUNT:-1}" in compose
    example = (ROOT / ".env.example").read_text()
    trusted = int(re.search(r"^TRUSTED_PROXY_COUNT=(\d+)", example, flags=re.M).group(1))
    assert trusted <= proxies


@pytest.mark.parametrize(
    "trusted, deployed, warns", [(2, 1, True), (0, 1, True), (1, 1, False), (2, None, False)]
)
def test_check_deploy_warns_when_trust_and_deployment_disagree(settings, trusted, deployed, warns):
    settings.TRUSTED_PROXY_COUNT = trusted
    settings.DEPLOYED_PROXY_COUNT = deployed
    from web.client_ip import proxy_count_matches_deployment

    assert [w.id for w in proxy_count_matches_deployment(None)] == (["hcc.W002"] if warns else [])
    if warns:
        with pytest.raises(SystemCheckError, match="hcc.W002"):
            call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
