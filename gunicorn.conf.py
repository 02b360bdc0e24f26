"""How gunicorn serves Oversight on 2 cores; `gunicorn oversight.wsgi` reads this file from the
folder it starts in. Set `WEB_CONCURRENCY` for another number of workers (about cores + 1).

- gthread workers with 4 threads: a request mostly waits on the database, so threads serve others
  meanwhile.
- 3 workers: one more than the cores keeps both busy while a worker hashes a password (Argon2id,
  19 MiB and a few tens of ms each), without holding 12 copies of the process.
- preload_app: the application is loaded and warmed (oversight/wsgi.py) once, before the workers
  are forked, so no one's first page after a restart waits for the views to be imported and the
  templates compiled.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 10
preload_app = True
