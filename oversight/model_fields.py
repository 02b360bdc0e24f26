"""One of a model's own fields, looked up by name, for its label, choices or length limit.

`Model._meta.get_field` also finds the far end of a relation (a `ForeignObjectRel`, which has no
verbose name, choices or maximum length). Code that shows a field's label or checks its limit
means one of the model's own fields, and says so by asking here.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def own_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is the far end of a relation, not a field")
    return field
