"""Options every command spells the same way, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

DatabaseUrl = Annotated[
    str,
    typer.Option(
        "--database-url",
        envvar="CONTACTBOOK_DATABASE_URL",
        help="sqlite:///PATH or postgresql://user@host:port/db",
        show_default=True,
    ),
]
AccountId = Annotated[int, typer.Option("--account-id", help="The account's id.")]
