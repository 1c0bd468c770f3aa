"""protector's version, one place for the package, the CLI and the API."""

__version__ = "0.1.0"
