"""``python -m o2s_config`` runs the command line."""

from o2s_config.cli import main

main()
