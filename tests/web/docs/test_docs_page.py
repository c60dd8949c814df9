"""`/docs` works with no internet: every asset it names is served by Contactbook itself."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx

from tests.support.live import LiveServer

# src/href attributes and the url/urls the page hands to Swagger UI.
REFERENCE = re.compile(r"""(?:src|href|url)['"]?\s*[=:]\s*['"]([^'"]+)['"]""")
EXPECTED_TYPES = {"js": "javascript", "css": "text/css", "png": "image/png", "json": "json"}


def test_docs_page_names_only_local_assets_and_each_answers(server: LiveServer) -> None:
    page = httpx.get(server.url + "/docs")
    assert page.status_code == 200
    references = REFERENCE.findall(page.text)
    assert any(ref.endswith(".js") for ref in references), page.text
    assert any(ref.endswith(".css") for ref in references), page.text

    foreign = [ref for ref in references if urlsplit(ref).netloc]
    assert foreign == []
    for ref in references:
        asset = httpx.get(urljoin(server.url + "/docs", ref))
        assert asset.status_code == 200, ref
        path = urlsplit(ref).path
        expected = EXPECTED_TYPES.get(path.rsplit(".", 1)[-1], "text/html")
        assert expected in asset.headers["content-type"], ref
        assert asset.content, ref


SCHEMES = {
    "native": {"type": "http", "scheme": "bearer"},
    "notificore": {"type": "http", "scheme": "bearer"},
    "chatwoot": {"type": "apiKey", "in": "header", "name": "api_access_token"},
    "helpcrunch": {"type": "http", "scheme": "bearer"},
}


def test_each_api_has_its_document_with_its_security_scheme(server: LiveServer) -> None:
    for name, expected in SCHEMES.items():
        document = httpx.get(f"{server.url}/openapi/{name}.json").json()
        (scheme,) = document["components"]["securitySchemes"].values()
        assert expected.items() <= scheme.items(), name
        operations = [op for item in document["paths"].values() for op in item.values()]
        assert len(operations) > 5, name
        # Every operation but Notificore's login asks for the scheme, and documents its errors.
        secured = [op for op in operations if op.get("security")]
        assert len(secured) >= len(operations) - 1, name
        assert all("401" in op["responses"] for op in operations if op.get("security")), name


def test_the_reader_picks_the_document_docs_shows(server: LiveServer) -> None:
    page = httpx.get(server.url + "/docs").text
    for name in SCHEMES:
        assert f"/docs?api={name}" in page or f"/openapi/{name}.json" in page
    assert '"url": "/openapi/native.json"' in page
    chatwoot = httpx.get(server.url + "/docs", params={"api": "chatwoot"}).text
    assert '"url": "/openapi/chatwoot.json"' in chatwoot
