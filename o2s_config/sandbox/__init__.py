"""The sandbox: a reference O2S tenant stored in SQLite and served over HTTP (see docs/api.md)."""

import logging

# silent in-process (the embedded target's client reports problems itself); `sandbox serve` logs to stderr
logging.getLogger("o2s_config.sandbox").addHandler(logging.NullHandler())
