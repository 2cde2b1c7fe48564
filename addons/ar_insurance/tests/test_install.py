from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs its models, groups and its menu under Invoicing."""

    def test_models_groups_menus(self):
        for model in (
            "ar.insurance.policy",
            "ar.insurance.limit",
            "ar.insurance.receivable",
            "ar.insurance.exposure",
            "ar.insurance.notification",
            "ar.insurance.claim",
            "ar.insurance.recovery",
            "ar.insurance.declaration",
            "ar.insurance.declaration.line",
        ):
            self.assertIn(model, self.env)
        manager = self.env.ref("ar_insurance.group_ar_insurance_manager")
        self.assertIn(self.env.ref("ar_insurance.group_ar_insurance_user"), manager.implied_ids)
        root = self.env.ref("ar_insurance.menu_ar_insurance_root")
        self.assertEqual(root.parent_id, self.env.ref("account.menu_finance"))
        policies = self.env.ref("ar_insurance.menu_ar_insurance_policies")
        self.assertEqual(policies.action.res_model, "ar.insurance.policy")
        menus = {
            "menu_ar_insurance_limits": "ar.insurance.limit",
            "menu_ar_insurance_receivables": "ar.insurance.receivable",
            "menu_ar_insurance_exposure": "ar.insurance.exposure",
            "menu_ar_insurance_notifications": "ar.insurance.notification",
            "menu_ar_insurance_claims": "ar.insurance.claim",
            "menu_ar_insurance_declarations": "ar.insurance.declaration",
        }
        for xmlid, model in menus.items():
            menu = self.env.ref(f"ar_insurance.{xmlid}")
            self.assertEqual((menu.parent_id, menu.action.res_model), (root, model))
            for view_type in menu.action.view_mode.split(","):
                self.assertTrue(self.env[model].get_views([(False, view_type)])["views"][view_type]["arch"])
        module = self.env["ir.module.module"].search([("name", "=", "ar_insurance")])
        self.assertEqual((module.state, module.application), ("installed", True))
