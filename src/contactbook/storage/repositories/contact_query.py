"""Compile a domain `ContactQuery` into SQL that runs on PostgreSQL and SQLite alike."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, exists, false, func, not_, or_, true
from sqlalchemy.sql.elements import UnaryExpression

from contactbook.domain.fields import FieldDefinition, FieldType
from contactbook.domain.queries import (
    ATTRIBUTES,
    All,
    AnyOf,
    ChannelIdentity,
    Condition,
    ContactQuery,
    CustomField,
    Expr,
    Not,
    Op,
    SortKey,
    Visibility,
)
from contactbook.storage.counters import resolved
from contactbook.storage.tables import (
    contact_inboxes,
    contact_tags,
    contacts,
    inboxes,
    list_members,
    tags,
)

_TEXT_OPS = (Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTS_WITH)


class QueryCompiler:
    """Builds WHERE and ORDER BY clauses for one account on one database."""

    def __init__(self, account_id: int, dialect: str) -> None:
        self.account_id = account_id
        self.sqlite = dialect == "sqlite"

    # --- where --------------------------------------------------------------------------------

    def where(self, query: ContactQuery) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = [contacts.c.account_id == self.account_id]
        if query.visibility is Visibility.WITH_PHONE:
            clauses.append(contacts.c.phone.is_not(None))
        elif query.visibility is Visibility.RESOLVED:
            clauses.append(resolved(contacts))
        if query.where is not None:
            clauses.append(self.expr(query.where))
        return clauses

    def expr(self, node: Expr) -> ColumnElement[bool]:
        if isinstance(node, Condition):
            return self.condition(node)
        if isinstance(node, All):
            return and_(true(), *(self.expr(item) for item in node.items))
        if isinstance(node, AnyOf):
            return or_(false(), *(self.expr(item) for item in node.items))
        if isinstance(node, Not):
            return not_(self.expr(node.item))
        raise TypeError(f"not a condition: {node!r}")

    def condition(self, cond: Condition) -> ColumnElement[bool]:
        target = cond.target
        if isinstance(target, CustomField):
            assert target.definition is not None, "custom fields are resolved by the service"
            return self._custom(target.definition, cond)
        if isinstance(target, ChannelIdentity):
            return self._identity(target.channel, cond)
        kind = ATTRIBUTES[target]
        if kind == "tag":
            return self._tags(cond)
        if kind == "list":
            return self._lists(cond)
        column: Any = contacts.c[target]
        if target == "email" and isinstance(cond.value, str):
            # Stored lower-cased: compare as is so the unique index serves equality.
            cond = Condition(target, cond.op, cond.value.lower(), ci=cond.op in _TEXT_OPS)
        return self._compare(column, cond, textual=kind == "text")

    def _compare(self, column: Any, cond: Condition, *, textual: bool) -> ColumnElement[bool]:
        op, value, ci = cond.op, cond.value, cond.ci and textual
        if op is Op.PRESENT:
            return and_(column.is_not(None), column != "") if textual else column.is_not(None)
        if op is Op.ABSENT:
            return or_(column.is_(None), column == "") if textual else column.is_(None)
        if op is Op.IN:
            values = list(value) if isinstance(value, list | tuple) else [value]
            if ci:
                return func.lower(column).in_([str(v).lower() for v in values])
            return column.in_(values)  # type: ignore[no-any-return]
        if op in (Op.CONTAINS, Op.NOT_CONTAINS):
            values = list(value) if isinstance(value, list | tuple) else [value]
            hits = or_(false(), *(self._contains(column, str(v), ci) for v in values))
            if op is Op.CONTAINS:
                return hits
            return or_(column.is_(None), not_(hits))
        if op is Op.STARTS_WITH:
            if ci:
                return func.lower(column).startswith(str(value).lower(), autoescape=True)
            return column.startswith(str(value), autoescape=True)  # type: ignore[no-any-return]
        left = func.lower(column) if ci else column
        right = str(value).lower() if ci else value
        if op is Op.EQ:
            return left == right
        if op is Op.NE:
            return or_(column.is_(None), left != right)
        return _ORDERED[op](left, right)  # type: ignore[no-any-return]

    def _contains(self, column: Any, text: str, ci: bool) -> ColumnElement[bool]:
        if ci:
            return column.icontains(text, autoescape=True)  # type: ignore[no-any-return]
        if self.sqlite:
            # SQLite's LIKE ignores ASCII case; instr() does not.
            return func.instr(column, text) > 0
        return column.contains(text, autoescape=True)  # type: ignore[no-any-return]

    def _custom(self, definition: FieldDefinition, cond: Condition) -> ColumnElement[bool]:
        element = contacts.c.custom[str(definition.id)]
        kind = definition.type
        present = self._has_key(str(definition.id))
        if cond.op is Op.PRESENT:
            return present
        if cond.op is Op.ABSENT:
            return not_(present)
        # Text operators (contains, starts with) read any value as text: `seats contains 3`
        # must not put LIKE on a float, which PostgreSQL refuses.
        text_op = cond.op in _TEXT_OPS
        if kind.is_numeric and not text_op:
            column: Any = element.as_float()
        elif kind is FieldType.BOOLEAN and not text_op:
            column = element.as_boolean()
        else:
            column = element.as_string()
        if kind is FieldType.DATE and isinstance(cond.value, str) and len(cond.value) == 10:
            return self._date_day(column, cond)
        result = self._compare(column, cond, textual=kind.is_textual)
        if cond.op in (Op.NE, Op.NOT_CONTAINS):
            return or_(not_(present), result)
        return result

    def _date_day(self, column: Any, cond: Condition) -> ColumnElement[bool]:
        # Stored dates are ISO text: a bare day compares as the whole day.
        day = str(cond.value)
        following = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        same_day = and_(column >= day, column < following)
        ranges: dict[Op, ColumnElement[bool]] = {
            Op.EQ: same_day,
            Op.NE: or_(column.is_(None), not_(same_day)),
            Op.GT: column >= following,
            Op.GTE: column >= day,
            Op.LT: column < day,
            Op.LTE: column < following,
        }
        return ranges[cond.op]

    def _has_key(self, key: str) -> ColumnElement[bool]:
        if self.sqlite:
            return func.json_type(contacts.c.custom, f'$."{key}"').is_not(None)
        return contacts.c.custom.op("?", return_type=Boolean)(key)

    def _tags(self, cond: Condition) -> ColumnElement[bool]:
        link = (contact_tags.c.account_id == contacts.c.account_id) & (
            contact_tags.c.contact_id == contacts.c.id
        )
        if cond.op in (Op.PRESENT, Op.ABSENT):
            found = exists().where(link)
            return found if cond.op is Op.PRESENT else not_(found)
        names = cond.value if isinstance(cond.value, list | tuple) else [cond.value]
        found = exists().where(
            link,
            tags.c.account_id == contact_tags.c.account_id,
            tags.c.id == contact_tags.c.tag_id,
            tags.c.name_folded.in_([str(name).casefold() for name in names]),
        )
        return not_(found) if cond.op is Op.NE else found

    def _identity(self, channel: str, cond: Condition) -> ColumnElement[bool]:
        link = [
            contact_inboxes.c.account_id == contacts.c.account_id,
            contact_inboxes.c.contact_id == contacts.c.id,
            inboxes.c.account_id == contact_inboxes.c.account_id,
            inboxes.c.id == contact_inboxes.c.inbox_id,
            inboxes.c.channel_type == channel,
        ]
        if cond.op in (Op.PRESENT, Op.ABSENT):
            found = exists().where(*link)
            return found if cond.op is Op.PRESENT else not_(found)
        negative = {Op.NE: Op.EQ, Op.NOT_CONTAINS: Op.CONTAINS}
        positive = Condition(cond.target, negative.get(cond.op, cond.op), cond.value, cond.ci)
        found = exists().where(
            *link, self._compare(contact_inboxes.c.source_id, positive, textual=True)
        )
        return not_(found) if cond.op in negative else found

    def _lists(self, cond: Condition) -> ColumnElement[bool]:
        link = (list_members.c.account_id == contacts.c.account_id) & (
            list_members.c.contact_id == contacts.c.id
        )
        if cond.op in (Op.PRESENT, Op.ABSENT):
            found = exists().where(link)
            return found if cond.op is Op.PRESENT else not_(found)
        ids = cond.value if isinstance(cond.value, list | tuple) else [cond.value]
        found = exists().where(link, list_members.c.list_id.in_([int(str(i)) for i in ids]))
        return not_(found) if cond.op is Op.NE else found

    # --- order and keyset ---------------------------------------------------------------------

    def sort_columns(self, sort: tuple[SortKey, ...]) -> list[tuple[Any, SortKey]]:
        columns: list[tuple[Any, SortKey]] = []
        for key in sort:
            if isinstance(key.target, CustomField):
                assert key.target.definition is not None
                element = contacts.c.custom[str(key.target.definition.id)]
                column: Any = (
                    element.as_float() if key.target.definition.type.is_numeric
                    else element.as_string()
                )  # fmt: skip
            else:
                column = contacts.c[key.target]
            if key.ci:
                column = func.lower(column)
            columns.append((column, key))
        return columns

    def order_by(self, sort: tuple[SortKey, ...]) -> list[UnaryExpression[Any]]:
        order: list[UnaryExpression[Any]] = []
        for column, key in self.sort_columns(sort):
            clause = column.desc() if key.descending else column.asc()
            if key.nulls_last is True:
                clause = clause.nulls_last()
            elif key.nulls_last is False:
                clause = clause.nulls_first()
            order.append(clause)
        if not any(key.target == "id" for key in sort):
            # A unique tiebreaker makes pages stable.
            order.append(contacts.c.id.asc())
        return order

    def after(self, sort: tuple[SortKey, ...], position: tuple[object, ...]) -> ColumnElement[bool]:
        """Rows strictly after `position` in `sort` order (keys must be non-null)."""
        keys = list(self.sort_columns(sort))
        if not any(key.target == "id" for key in sort):
            keys.append((contacts.c.id, SortKey("id")))
        clause: ColumnElement[bool] = false()
        for index in range(len(keys) - 1, -1, -1):
            column, key = keys[index]
            value = position[index]
            beyond = column < value if key.descending else column > value
            clause = or_(beyond, and_(column == value, clause)) if index < len(keys) - 1 else beyond
        return clause


_ORDERED: dict[Op, Any] = {
    Op.GT: lambda left, right: left > right,
    Op.GTE: lambda left, right: left >= right,
    Op.LT: lambda left, right: left < right,
    Op.LTE: lambda left, right: left <= right,
}
