"""Backends: how o2s-config reaches a tenant (one HTTP client for every target)."""
