"""Bytes over the wire, page by page, read from Chromium's own network events (CDP).

Every document the browser loads opens a new page load; the stylesheet, script, favicon and
fetches that follow belong to it until the next document. The cache is off, so each load
weighs what a first visit on a phone costs.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Resource:
    url: str
    kind: str
    status: int = 0
    bytes: int = 0


@dataclass
class PageLoad:
    number: int
    url: str
    resources: dict = field(default_factory=dict)  # CDP requestId -> Resource
    # The document came from the service worker (the offline journey): its bytes are not a first visit.
    via_service_worker: bool = False

    @property
    def path(self):
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def bytes(self):
        """Everything received for this page: headers and bodies, as encoded on the wire."""
        return sum(r.bytes for r in self.resources.values())

    def as_dict(self):
        return {
            "number": self.number,
            "path": self.path,
            "bytes": self.bytes,
            "via_service_worker": self.via_service_worker,
            "resources": [
                {"url": urlsplit(r.url).path, "kind": r.kind, "status": r.status, "bytes": r.bytes}
                for r in self.resources.values()
            ],
        }


class WireLog:
    """Listens to one page's network through a CDP session and groups it into page loads."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.loads = []
        self._by_loader = {}  # CDP loaderId (one per document) -> PageLoad
        self._by_request = {}  # CDP requestId -> Resource
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    @property
    def current(self):
        return self.loads[-1] if self.loads else None

    def _request(self, event):
        request_id, loader = event["requestId"], event.get("loaderId")
        redirect = event.get("redirectResponse")
        if redirect and request_id in self._by_request:
            # The 302 of a POST-redirect-GET is paid for by the page it leads to.
            resource = self._by_request[request_id]
            resource.bytes += int(redirect.get("encodedDataLength", 0))
            resource.url = event["request"]["url"]
            return
        if event.get("type") == "Document" and loader not in self._by_loader:
            load = PageLoad(len(self.loads) + 1, event["request"]["url"])
            self.loads.append(load)
            self._by_loader[loader] = load
        # Each request names the document that asked for it, so a late favicon or fetch is
        # counted with its own page even when the next page has begun to load.
        load = self._by_loader.get(loader) or self.current
        if load is None:
            return
        resource = Resource(event["request"]["url"], event.get("type", "Other"))
        load.resources[request_id] = resource
        self._by_request[request_id] = resource

    def _response(self, event):
        resource = self._by_request.get(event["requestId"])
        if resource is None:
            return
        resource.status = event["response"]["status"]
        resource.url = event["response"]["url"]
        load = self._by_loader.get(event.get("loaderId"))
        if event.get("type") == "Document" and load is not None and load.resources.get(event["requestId"]) is resource:
            load.url = resource.url  # where the redirects ended
            load.via_service_worker = bool(event["response"].get("fromServiceWorker"))

    def _finished(self, event):
        resource = self._by_request.get(event["requestId"])
        if resource is not None:
            resource.bytes += int(event.get("encodedDataLength", 0))
