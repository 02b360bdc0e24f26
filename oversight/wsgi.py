"""The WSGI application, warmed before it serves.

gunicorn loads it once, before it forks its workers (`preload_app` in `gunicorn.conf.py`), so the
work each process would otherwise do on its first requests is done once: importing every view
(the URL configuration, about 0.5 s) and compiling every template. Without it, each worker's first
pages after a restart took a second longer, and at nine o'clock those are everyone's first pages.
Nothing here touches the database: connections are each worker's own.

Then everything made so far (modules, templates, settings: alive as long as the process) is moved
out of the garbage collector's sight with `gc.freeze()`, as Python's documentation advises before
forking: the collector no longer walks it on every full collection (5 % of a worker's time on My
work, 1 % after), nor writes to its pages, which the workers then share with the parent.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
application = get_wsgi_application()


def warm() -> None:
    from django.template import engines
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("login")  # imports every view and builds the table `reverse` reads
    for folder in engines["django"].template_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            get_template(template.relative_to(folder).as_posix())


warm()
gc.freeze()
