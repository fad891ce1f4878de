"""The README documents every command and every option of the `dagbok` command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from archive.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def walk(command: click.Command, path: tuple[str, ...] = ("dagbok",)) -> Iterator[tuple[str, click.Command]]:
    """Every command in the tree as ("dagbok query", command), the group itself first."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def options(command: click.Command) -> list[str]:
    """The command's own options as typed (`--db`, `-v/--verbose`), without --help."""
    help_names = set(cli.context_settings.get("help_option_names", ["--help"]))
    found = []
    for param in command.params:
        if isinstance(param, click.Option) and not set(param.opts) & help_names:
            found.append("/".join(param.opts + param.secondary_opts))
    return found


def mentioned(option: str, text: str) -> bool:
    """`--db` counts when it appears as a whole option (not inside `--db-path`).

    An option with a long name must be documented by it: a short `-q` would also be
    found in `pytest -q`.
    """
    names = option.split("/")
    names = [name for name in names if name.startswith("--")] or names
    return any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in names)


COMMANDS = dict(walk(cli))


@pytest.mark.parametrize("name", list(COMMANDS))
def test_readme_documents_the_command_and_each_of_its_options(name):
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    command = COMMANDS[name]
    missing = [] if name == "dagbok" or name in text else [f"the command itself (`{name}`)"]
    missing += [option for option in options(command) if not mentioned(option, text)]
    assert not missing, f"README.md does not mention, for `{name}`: {', '.join(missing)}"


def test_every_command_is_checked():
    """The walk reaches the subcommands, so a new command cannot escape the test above."""
    assert {"dagbok query", "dagbok stats", "dagbok serve", "dagbok check"} <= set(COMMANDS)
    assert "--min-coverage" in options(COMMANDS["dagbok check"])
