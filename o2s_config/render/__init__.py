"""Plan renderers, one module per output format; all show secrets as ``(sensitive)``."""
