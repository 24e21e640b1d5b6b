"""attest: read a merchant's evidence, check it, and turn what is verified into a credit decision."""

__version__ = "0.1.0"
