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
