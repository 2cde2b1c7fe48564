"""Server-side checks of the methods that change data: the caller's group and the records' companies.

A button hidden by ``groups=`` in a view is no guard: any logged-in user can call
the method over RPC, often on records of another company. Methods that act in
``sudo`` (or on other models than their own) call these first.

Superuser mode passes: it is server code (crons, the portal once it has checked
the customer) and cannot be asked for by a client. ``sudo()`` keeps the user, so
``has_group`` still reads the caller's groups.
"""

from odoo.exceptions import AccessError

from ..const import RECEIVABLE_READER_GROUPS


def check_group(env, *groups):
    """Raise AccessError unless the user belongs to one of ``groups`` (XML ids)."""
    if env.su or any(env.user.has_group(group) for group in groups):
        return
    names = ", ".join(env.ref(group).sudo().full_name for group in groups)
    raise AccessError(env._("This action is reserved to: %(groups)s.", groups=names))


def check_rights(records, *groups, operation="write"):
    """``check_group``, then the user's ``operation`` access to ``records`` (ACL and company rules)."""
    check_group(records.env, *groups)
    records.check_access(operation)


def check_receivable_access(partners):
    """Raise AccessError unless the user may read the receivables of ``partners``.

    A portal user reads only its own commercial entity; an internal user needs
    accounting or credit rights, and the customers must be readable in its
    companies (a customer restricted to another company is not).
    """
    env = partners.env
    if env.su or not partners:
        return
    user = env.user
    if not user._is_internal():
        own = user.partner_id.commercial_partner_id
        if partners.sudo().commercial_partner_id - own:
            raise AccessError(env._("You can only see the statement of your own company."))
        return
    check_group(env, *RECEIVABLE_READER_GROUPS)
    partners.check_access("read")
    partners.commercial_partner_id.check_access("read")
