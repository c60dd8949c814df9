"""How a command fails: one line on stderr, exit status 2, for every mistake of the caller's
and every database that cannot be opened, whichever command met it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from contactbook.domain.errors import AccountNotFound, DomainError, InvalidInput
from contactbook.storage.engine import masked_url
from contactbook.storage.unreachable import as_unreachable, check_openable


def fail(message: str, code: int = 2) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code)


@contextmanager
def reported(database_url: str, *, read_only: bool = False) -> Iterator[None]:
    """Run the block against `database_url`; what goes wrong in it becomes one error line.

    A `read_only` command refuses an SQLite file that does not exist: opening one would
    create an empty database at a mistyped path and report that it holds nothing.
    """
    try:
        check_openable(database_url, create=not read_only)
        yield
    except typer.Exit:
        raise
    except AccountNotFound as exc:
        fail(f"No account {exc.resource_id} in {masked_url(database_url)}.")
    except InvalidInput as exc:
        fail("; ".join(f"{p.field}: {p.message}" for p in exc.problems) or exc.message)
    except DomainError as exc:
        fail(exc.message)
    except ValueError as exc:
        fail(str(exc))
    except Exception as exc:
        unreachable = as_unreachable(database_url, exc)
        if unreachable is None:
            raise
        fail(str(unreachable))
