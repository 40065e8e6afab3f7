"""The OpenAPI description of machine clients' authentication (drf-spectacular extension): an
OAuth2 client-credentials scheme, and on each operation the one scope it needs."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.settings import spectacular_settings

from accounts.machine_clients import scope_for


class MachineClientScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.machine_clients.MachineClientAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        scope = scope_for(auto_schema.path, auto_schema.method)
        return {self.name: [scope] if scope else []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "Client credentials of a machine client (its service account's rights).",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": spectacular_settings.OAUTH2_TOKEN_URL,
                    "scopes": spectacular_settings.OAUTH2_SCOPES,
                }
            },
        }


def document_error_answers(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation also declares the errors any call may
    get, so that generated clients parse them instead of returning nothing — 403 (not signed in,
    or no right or scope), 404 on addresses naming an object, 400 on writes — each with the
    ``Detail`` shape (a ``detail`` message) unless the view documented its own; and titles that
    are no identifiers are moved to descriptions."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Detail",
        {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    )
    detail = {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}
    errors = {
        "400": "Dữ liệu không hợp lệ: không có gì thay đổi.",
        "403": "Chưa đăng nhập, hoặc không có quyền, phạm vi (scope) cho thao tác này.",
        "404": "Không có, hoặc không được xem.",
    }
    _identifier_titles(result)
    schemes = result["components"].setdefault("securitySchemes", {})
    if "cookieAuth" in schemes:
        schemes["csrfToken"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-CSRFToken",
            "description": "Session clients: the CSRF token of the signed-in session, on every write "
            "(POST). Not needed with an OAuth2 Bearer token.",
        }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                operation["security"] = [
                    {**requirement, "csrfToken": []} if "cookieAuth" in requirement else requirement
                    for requirement in operation.get("security", [])
                ]
            responses = operation.setdefault("responses", {})
            wanted = ["403"]
            if "{" in path:
                wanted.append("404")
            if method in ("post", "put", "patch"):
                wanted.append("400")
            for code in wanted:
                responses.setdefault(code, {"description": errors[code], "content": detail})
    return result


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_ ]*")


def _identifier_titles(node) -> None:
    """Titles become class names in generated clients: a Vietnamese field label ("Cấp thực hiện")
    is kept as the description instead, and the generator names the type from the field."""
    if isinstance(node, dict):
        title = node.get("title")
        if isinstance(title, str) and not _IDENTIFIER.fullmatch(title):
            node.setdefault("description", title)
            del node["title"]
        for value in node.values():
            _identifier_titles(value)
    elif isinstance(node, list):
        for value in node:
            _identifier_titles(value)
