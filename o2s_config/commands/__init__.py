"""Click commands grouped by theme; ``o2s_config.cli`` registers them."""

# The organisation file every command reads when none is named.
DEFAULT_FILE = "organisation.yaml"
