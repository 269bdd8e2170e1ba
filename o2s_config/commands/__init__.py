"""Click commands grouped by theme; ``o2s_config.cli`` registers them."""
