"""The OpenAPI description of machine clients' authentication (drf-spectacular extension): an
OAuth2 client-credentials scheme, and on each operation the one scope it needs."""

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
