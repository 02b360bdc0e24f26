"""Requests carrying a NUL character are refused at the door, with a page saying what to do.

PostgreSQL cannot hold or even compare text with a NUL (0x00) in it: any lookup with such a value
(a child's id in the address, a username, a choice in a form) fails inside the database. No page
of Oversight has a use for one, and a browser sends one only when text copied out of another
program carries it, so the request stops here with a 400 before any view or form sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"


def where_nul(request: HttpRequest) -> str | None:
    """The part of the request holding a NUL character, in words, or None."""
    if NUL in request.path or NUL in unquote(request.META.get("QUERY_STRING", "")):
        return "The web address"
    if request.method == "POST" and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return "What you entered"
    return None


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = where_nul(request)
        if where is not None and request.path.startswith("/api/"):
            # Other systems read the REST API's own error shape (oversight/api/errors.py).
            message = f"{where} holds a NUL character: remove it and send the request again"
            return JsonResponse(
                {"status": 400, "errors": [{"field": None, "message": message}]}, status=400
            )
        if where is not None:
            return render(request, "400.html", {"where": where}, status=HTTPStatus.BAD_REQUEST)
        return self.get_response(request)
