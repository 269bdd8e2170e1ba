"""o2s-config: configuration as code for O2S organisations."""

__version__ = "0.1.0"
