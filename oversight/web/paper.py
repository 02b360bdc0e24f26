"""Records on paper (issue 10, part 5): a page's template rendered to a tagged PDF by WeasyPrint.

Nothing is fetched while a PDF is made. The stylesheet is read from the installed static files
(`oversight/paper.css`), the fonts are the system's (Liberation Sans stands in for Arial), and the
URL fetcher refuses every address that is not one of the installed static files: a link or image
in a record's text can never make the server reach out to anywhere.

The PDF is PDF/UA-1: tagged (headings, tables and lists in its structure tree), with the document's
title and its language (en-GB), so a screen reader reads it as it reads the page.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

STYLESHEET = "oversight/paper.css"
PDF = "application/pdf"
# WeasyPrint says which addresses it was refused and which CSS it skipped; neither is news here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def _static_file(url: str, site: str) -> Path | None:
    """The installed static file that an address on this site names (`site` is the service's own
    address, the document's base), or None for any other address."""
    if not url.startswith(site):
        return None
    path = urlsplit(url).path
    static = str(settings.STATIC_URL)
    if not path.startswith(static):
        return None
    try:
        found = finders.find(unquote(path[len(static) :]))
    except SuspiciousFileOperation:  # ../ out of the static folders
        return None
    return Path(str(found)) if found else None


def _fetcher(site: str) -> Any:
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class LocalOnly(URLFetcher):
        """Serves the installed static files; refuses every other address, near or far."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = _static_file(url, site)
            if path is None:
                raise ValueError(f"Records on paper fetch nothing: refused {url[:80]}")
            return URLFetcherResponse(url, body=path.read_bytes())

    return LocalOnly(allow_redirects=False)


def stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(f"The stylesheet for records on paper, {STYLESHEET}, is missing.")
    return Path(str(found))


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest) -> bytes:
    """The template (a whole HTML document, `lang` and `<title>` set) as a tagged PDF. Links in
    it point at the service (the request's own address), so they work from the paper's PDF."""
    from weasyprint import CSS, HTML

    site = request.build_absolute_uri("/")
    fetcher = _fetcher(site)
    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=site, url_fetcher=fetcher)
    css = CSS(filename=str(stylesheet_path()), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], pdf_variant="pdf/ua-1")
    return pdf


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    """The PDF as a download named after what it is (`name`, made safe for a file name)."""
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "record"}.pdf"'
    return response
