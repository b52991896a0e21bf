"""Every command documents itself with a help text and an example (house style 14)."""

from __future__ import annotations

from typing import Any

import typer.main

from ecomops.cli.main import app


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if hasattr(cmd, "commands"):
            out.extend(_commands(cmd, prefix + name + " "))
    return out


def test_every_command_has_help_with_an_example() -> None:
    group = typer.main.get_command(app)
    commands = _commands(group)
    assert commands
    missing = [
        name for name, cmd in commands
        if not hasattr(cmd, "commands") and "Example" not in (cmd.help or "")
    ]
    assert not missing, f"commands without an example in their help: {missing}"
