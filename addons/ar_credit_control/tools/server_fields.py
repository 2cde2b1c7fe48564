"""Which stored values of a core document only the server computes, and the refusal of forged ones.

Used by the credit check on ``sale.order`` and ``sale.order.line`` (core models
that cannot take ``ar.server.fields.mixin``): totals, taxes, rates and invoiced
quantities are read by the check and the exposure, so a client may never send them.
"""

from odoo.exceptions import AccessError


def server_computed_fields(model):
    """Stored fields of ``model`` the server computes and no client may send.

    Totals, taxes, rates and invoiced quantities: the credit check and the
    exposure read them, so a forged value would let an order pass. Derived
    from the field definitions (computed, stored, read-only, no inverse), so
    a new such field is protected without a list to maintain.
    """
    return frozenset(
        name
        for name, field in model._fields.items()
        if field.store and field.compute and field.readonly and not field.inverse and not field.related
    ) - {"currency_id"}  # follows the pricelist; a real choice of the order's currency, not a figure


def refuse_server_values(model, vals_list, extra=()):
    """Refuse values of server-computed fields (and ``extra``) sent by a client (not the superuser)."""
    if model.env.su:
        return
    protected = server_computed_fields(model) | set(extra)
    for vals in vals_list:
        forged = sorted(protected.intersection(vals))
        if forged:
            raise AccessError(
                model.env._(
                    "These fields are computed by the server and cannot be set: %(fields)s.",
                    fields=", ".join(forged),
                )
            )
