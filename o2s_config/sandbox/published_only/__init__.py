"""The published-only face of the sandbox (``sandbox serve --api published``, ``sandbox+published:PATH``).

It serves exactly what Harvest publishes, with the published field names: no ``/ext``, no
``ext`` object, no login, no sandbox-only header. The tenant behind it is the same SQLite file
the full sandbox serves (the mode is a serving option): see docs/sandbox.md and the assumptions
in docs/real-tenant.md.
"""
