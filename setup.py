"""The packages of the wheel: `attest` and `eval` as found, plus the top-level `prompts/` folder installed as
`attest.prompts` (prompt templates are files a reviewer of prompts edits without reading code). Everything else
is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["attest*", "eval*"]), "attest.prompts"],
      package_dir={"attest.prompts": "prompts"})
