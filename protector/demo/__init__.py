"""protector-demo: a two-site DR drill on one machine (see cli.py)."""
