"""The OAuth 2.0 token endpoint of union systems (client credentials), answered by Authlib."""

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from flask import current_app, request

from learnhub.api import unions
from learnhub.extensions import db

_KEY = "learnhub_oauth"


class ClientCredentials(grants.ClientCredentialsGrant):
    """The grant of RFC 6749 §4.4; the secret in HTTP Basic or in the form."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def init_server(app):
    """Authlib's authorization server for this app: it finds clients and keeps token hashes through `unions`."""
    server = AuthorizationServer(app, query_client=unions.query_client, save_token=unions.save_token)
    server.register_grant(ClientCredentials)
    app.extensions[_KEY] = server


def token():
    """POST grant_type=client_credentials (and scope) with the client's id and secret: a bearer token for an hour."""
    response = current_app.extensions[_KEY].create_token_response(request)
    db.session.commit()
    return response


def client_key():
    """The token endpoint's rate limit counts per client id and address."""
    from flask_limiter.util import get_remote_address

    auth = request.authorization
    client_id = auth.username if auth and auth.username else request.form.get("client_id", "")
    return f"oauth:{str(client_id)[:48]}:{get_remote_address()}"
