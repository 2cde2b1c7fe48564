"""The server fields of this addon's documents: the enumerating test of ar_credit_control, on them."""

from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests import test_server_fields


@tagged("post_install", "-at_install")
class TestDunningServerFields(test_server_fields.TestServerFields):
    """Every model of ar_dunning using ``ar.server.fields.mixin`` (read from the registry)."""

    modules = ("ar_dunning",)
