"""How passwords are hashed: Argon2id at OWASP's recommended cost.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes a hash, so a burst of fifty people signing
in at nine o'clock took seconds and 100 MB a worker. OWASP's Password Storage Cheat Sheet
recommends Argon2id with m=19 MiB, t=2, p=1 as the baseline, which is what this uses.

The algorithm name is still `argon2` and each hash carries its own parameters, so hashes made with
the old parameters still verify; Django sees that they differ from these and rehashes the password
when its owner next signs in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB: 19 MiB
    parallelism = 1
