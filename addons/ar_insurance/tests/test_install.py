from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs its models, groups and its menu under Invoicing."""

    def test_models_groups_menus(self):
        self.assertIn("ar.insurance.policy", self.env)
        manager = self.env.ref("ar_insurance.group_ar_insurance_manager")
        self.assertIn(self.env.ref("ar_insurance.group_ar_insurance_user"), manager.implied_ids)
        root = self.env.ref("ar_insurance.menu_ar_insurance_root")
        self.assertEqual(root.parent_id, self.env.ref("account.menu_finance"))
        policies = self.env.ref("ar_insurance.menu_ar_insurance_policies")
        self.assertEqual(policies.action.res_model, "ar.insurance.policy")
        module = self.env["ir.module.module"].search([("name", "=", "ar_insurance")])
        self.assertEqual((module.state, module.application), ("installed", True))
