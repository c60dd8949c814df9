"""Accounts, API keys and verified numbers (operator work, and authentication)."""

from __future__ import annotations

from dataclasses import dataclass

from contactbook.domain.accounts import (
    ACCOUNT_NAME_MAX_LENGTH,
    Account,
    ApiKey,
    IssuedKey,
    clean_key_name,
    hash_key,
    new_key_secret,
    parse_key,
)
from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    ProblemCode,
    Unauthenticated,
)
from contactbook.domain.phones import is_supported_region, normalise_phone
from contactbook.domain.text import check_text
from contactbook.storage.uow import UnitOfWork

ALL_SCOPES = frozenset(KeyScope)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """An account just created and its first key (shown once)."""

    account: Account
    key: IssuedKey


async def create_account(
    uow: UnitOfWork, name: str, *, test_mode: bool = False, default_region: str | None = None
) -> NewAccount:
    """Create an account with one API key holding every scope.

    Raises: InvalidInput (blank or long name, unknown region).
    """
    clean = check_text(name, "name").strip()
    if not clean or len(clean) > ACCOUNT_NAME_MAX_LENGTH:
        raise InvalidInput.single(
            "name", ProblemCode.INVALID_VALUE, "An account name has 1 to 255 characters.", name
        )
    region = _region(default_region)
    account = await uow.accounts.add(clean, test_mode, region, utcnow())
    key = await issue_key(uow, account.id, ALL_SCOPES, name="initial")
    return NewAccount(account, key)


async def issue_key(
    uow: UnitOfWork, account_id: int, scopes: frozenset[KeyScope], name: str | None = None
) -> IssuedKey:
    """A new API key for the account; its secret is returned once and only its hash is kept.

    Raises: AccountNotFound, InvalidInput (no scopes, a name longer than 255 characters or
    holding NUL).
    """
    if not scopes:
        raise InvalidInput.single("scopes", ProblemCode.REQUIRED, "Give at least one scope.")
    name = clean_key_name(name)
    await uow.accounts.get(account_id)
    key_id = await uow.accounts.new_key_id()
    secret = new_key_secret(account_id)
    key = await uow.accounts.add_key(account_id, key_id, hash_key(secret), scopes, name, utcnow())
    return IssuedKey(key, secret)


async def create_key(
    uow: UnitOfWork, ctx: RequestContext, scopes: frozenset[KeyScope], name: str | None = None
) -> IssuedKey:
    """A new key issued by the caller's key, which must hold the admin scope and every scope
    it grants: a key hands on only what it was given itself.

    Raises: Forbidden, InvalidInput (no scopes).
    """
    ctx.require(KeyScope.ADMIN)
    beyond = scopes - ctx.scopes
    if beyond:
        names = [scope.value for scope in sorted(beyond, key=list(KeyScope).index)]
        raise Forbidden(
            f"This API key cannot grant scopes it does not hold: {', '.join(names)}.",
            scopes=names,
        )
    return await issue_key(uow, ctx.account_id, scopes, name)


async def list_keys(uow: UnitOfWork, ctx: RequestContext) -> list[ApiKey]:
    """Raises: Forbidden without the admin scope."""
    ctx.require(KeyScope.ADMIN)
    return await uow.accounts.list_keys(ctx.account_id)


async def revoke_key(uow: UnitOfWork, ctx: RequestContext, key_id: int) -> None:
    """Raises: Forbidden, NotFound."""
    ctx.require(KeyScope.ADMIN)
    if not await uow.accounts.revoke_key(ctx.account_id, key_id, utcnow()):
        raise NotFound(key_id, "No such API key.")
    await uow.accounts.bump_credentials_revision()


async def credentials_revision(uow: UnitOfWork) -> int:
    """A number that moves whenever a key is revoked or an account's rules change: a process
    that cached verified callers drops them when it moves."""
    return await uow.accounts.credentials_revision()


async def authenticate(uow: UnitOfWork, secret: str) -> RequestContext:
    """The caller a presented API key stands for.

    Raises: Unauthenticated for a malformed, unknown or revoked key.
    """
    parsed = parse_key(secret)
    if parsed is None:
        raise Unauthenticated("Invalid API key.")
    key = await uow.accounts.find_key(parsed.account_id, parsed.digest)
    if key is None:
        raise Unauthenticated("Invalid API key.")
    account = await uow.accounts.get(parsed.account_id)
    return RequestContext(
        account_id=account.id,
        scopes=key.scopes,
        test_mode=account.test_mode,
        default_region=account.default_region,
        key_id=key.id,
    )


async def context_for_key(uow: UnitOfWork, account_id: int, key_id: int) -> RequestContext:
    """Rebuild a caller from a token that names its key (Notificore bearer tokens).

    Raises: Unauthenticated when the key was revoked or the account is gone.
    """
    keys = {key.id: key for key in await uow.accounts.list_keys(account_id)}
    if key_id not in keys:
        raise Unauthenticated("The token's API key is no longer valid.")
    account = await uow.accounts.get(account_id)
    return RequestContext(
        account_id=account.id,
        scopes=keys[key_id].scopes,
        test_mode=account.test_mode,
        default_region=account.default_region,
        key_id=key_id,
    )


async def get_account(uow: UnitOfWork, account_id: int) -> Account:
    """Raises: AccountNotFound."""
    return await uow.accounts.get(account_id)


async def account_exists(uow: UnitOfWork, account_id: int) -> bool:
    """Whether the account exists (to tell an unknown account from someone else's)."""
    return await uow.accounts.exists(account_id)


async def list_accounts(uow: UnitOfWork) -> list[Account]:
    return await uow.accounts.list_all()


async def update_account(
    uow: UnitOfWork,
    account_id: int,
    *,
    name: str | None = None,
    test_mode: bool | None = None,
    default_region: str | None = None,
) -> Account:
    """Raises: AccountNotFound, InvalidInput."""
    await uow.accounts.get(account_id)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = name.strip()
    if test_mode is not None:
        values["test_mode"] = test_mode
    if default_region is not None:
        values["default_region"] = _region(default_region)
    if values:
        await uow.accounts.update(account_id, **values)
        # Cached callers carry the account's test mode and region.
        await uow.accounts.bump_credentials_revision()
    return await uow.accounts.get(account_id)


async def verify_number(uow: UnitOfWork, account_id: int, phone: str) -> str:
    """Mark a phone verified for the account (a test account may only use verified phones);
    return it in E.164.

    Raises: AccountNotFound, InvalidInput (not a phone number).
    """
    account = await uow.accounts.get(account_id)
    number = normalise_phone(phone, account.default_region).e164
    await uow.accounts.add_verified_number(account_id, number, utcnow())
    return number


async def verified_numbers(uow: UnitOfWork, account_id: int) -> list[str]:
    return await uow.accounts.verified_numbers(account_id)


def _region(region: str | None) -> str | None:
    if region is None or not region.strip():
        return None
    code = region.strip().upper()
    if not is_supported_region(code):
        raise InvalidInput.single(
            "default_region",
            ProblemCode.INVALID_VALUE,
            "Use an ISO 3166 alpha-2 country code such as UA or GB.",
            region,
        )
    return code


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """An account with its maintained totals."""

    account: Account
    contacts: int
    contacts_with_phone: int
    contacts_resolved: int
    verified_numbers: list[str]


async def account_summary(uow: UnitOfWork, ctx: RequestContext) -> AccountSummary:
    """The caller's account and its totals (from counters, not counts)."""
    ctx.require(KeyScope.READ)
    account = await uow.accounts.get(ctx.account_id)
    total, with_phone, resolved = await uow.accounts.totals(ctx.account_id)
    numbers = await uow.accounts.verified_numbers(ctx.account_id)
    return AccountSummary(account, total, with_phone, resolved, numbers)
