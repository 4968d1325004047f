"""The fit check: which development relationship the answers point to (filled in phase 2)."""
