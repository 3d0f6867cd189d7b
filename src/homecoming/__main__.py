"""`python -m homecoming` runs the CLI."""

from homecoming.cli import main

main()
