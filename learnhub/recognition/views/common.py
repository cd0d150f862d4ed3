"""What the recognition pages share: the public address of a credential."""

from flask import current_app, request


def base_url():
    """The address credentials name: PUBLIC_BASE_URL when set (several hosts), else this request's."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")


def credential_url(credential):
    """The public page of a credential, as a full address (for QR codes and links)."""
    return f"{base_url()}/credentials/{credential.uuid}"
