from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAppsTour(HttpCase):
    """The admin finds the suite's three apps installed in the Apps menu."""

    def test_apps_installed_tour(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ("ar_credit_control", "ar_dunning", "ar_insurance"))]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.start_tour("/odoo", "ar_apps_installed_tour", login="admin")
