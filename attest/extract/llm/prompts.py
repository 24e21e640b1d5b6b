"""Versioned prompt files (the top-level `prompts/*.yaml`, installed as `attest.prompts`): name, version, kind,
output schema, template."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

import yaml
from pydantic import BaseModel

from attest.extract.llm.schemas import SCHEMAS
from attest.kinds import kinds


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    kind: str
    schema: type[BaseModel]
    system: str
    user: Template


@dataclass(frozen=True)
class Rendered:
    system: str
    user: str
    ref: str  # name@version#sha256 of what was sent, images included


@cache
def prompt_for(kind: str) -> Prompt:
    """The prompt the kind's registry row names; a malformed file is a packaging error and raises `ValueError`."""
    name = kinds()[kind].prompt
    if name is None:
        raise ValueError(f"kind {kind} is not read by a model: it has no prompt")
    text = resources.files("attest.prompts").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    missing = {"name", "version", "kind", "schema", "system", "user"} - set(data)
    if missing or data["schema"] not in SCHEMAS:
        raise ValueError(f"prompt {name}: missing {sorted(missing)} or unknown schema {data.get('schema')!r}")
    return Prompt(name=data["name"], version=int(data["version"]), kind=data["kind"], schema=SCHEMAS[data["schema"]],
                  system=data["system"], user=Template(data["user"]))


def render(prompt: Prompt, *, lines: str, images: tuple[bytes, ...] = ()) -> Rendered:
    user = prompt.user.substitute(lines=lines)
    digest = hashlib.sha256(f"{prompt.system}\n\n{user}".encode())
    for image in images:
        digest.update(hashlib.sha256(image).digest())
    return Rendered(system=prompt.system, user=user, ref=f"{prompt.name}@{prompt.version}#{digest.hexdigest()}")
