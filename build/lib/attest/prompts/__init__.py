"""Prompt templates, one versioned YAML file per prompt (`attest/extract/llm/prompts.py` reads them).

This top-level folder is installed as the package `attest.prompts` (pyproject's `package-dir`), so a wheel
or an editable install finds the same files."""
