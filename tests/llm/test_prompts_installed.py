"""Prompt templates live in the top-level `prompts/` folder; a wheel built from the project (`pip install .`)
installs them as `attest.prompts`, and an installed attest finds every one by name, away from the checkout.
The Dockerfile copies the folder for the same reason (a deploy test checks the build context)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_a_fresh_install_finds_the_prompts(tmp_path: Path) -> None:
    shipped = sorted(p.stem for p in (ROOT / "prompts").glob("*.yaml"))
    assert shipped, "the top-level prompts/ folder holds the templates"
    # Built from a copy of what the wheel is made of: setuptools writes build/ and *.egg-info beside its source.
    source = tmp_path / "source"
    for name in ("attest", "eval", "prompts"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path / "wheel"), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("attest-*.whl"))
    # A fresh venv that sees this one's dependencies (so nothing is downloaded) but not its editable attest.
    venv.create(tmp_path / "env", with_pip=True, system_site_packages=False)
    python = tmp_path / "env" / "bin" / "python"
    site = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    env_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    (Path(env_site) / "deps.pth").write_text(site + "\n")  # after the venv's own site-packages
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    probe = ("import attest.extract.llm.prompts as p, attest.prompts as folder; "
             "print(folder.__file__); print(' '.join(sorted(p.prompt_for(k).name for k in "
             "('invoice', 'contract', 'business_license', 'shop_photo'))))")
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    where, names = out.stdout.split("\n")[:2]
    assert str(tmp_path / "env") in where  # the installed copy, not the checkout
    assert len(names.split()) == len(shipped) == 4
