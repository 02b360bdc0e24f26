"""Every 4xx answer has one shape: {"status": 400, "errors": [{"field": ..., "message": ...}]},
`field` naming the part of the request at fault (null for the request as a whole)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from oversight.import_export.reader import Problem


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    errors = ErrorSerializer(many=True)


def _flatten(data: Any, field: str | None = None) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            return _flatten(data["detail"], field)
        found: list[dict[str, Any]] = []
        for name, value in data.items():
            inner = name if field is None else f"{field}.{name}"
            found += _flatten(value, None if name == "non_field_errors" else inner)
        return found
    if isinstance(data, list):
        return [error for item in data for error in _flatten(item, field)]
    return [{"field": field, "message": str(data)}]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is not None:
        response.data = {"status": response.status_code, "errors": _flatten(response.data)}
    return response


def problems_response(problems: Iterable[Problem | tuple[str | None, str]]) -> Response:
    errors = [
        {"field": p.column, "message": p.message}
        if isinstance(p, Problem)
        else {"field": p[0], "message": p[1]}
        for p in problems
    ]
    return Response({"status": 400, "errors": errors}, status=400)
