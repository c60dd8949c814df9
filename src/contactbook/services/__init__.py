"""Services: one async function per use case, `(uow, ctx, input) -> domain model`.

They decide (validation, rules, which counter answers a total) and never know which API called
them. They never commit: the caller's unit of work does.
"""
