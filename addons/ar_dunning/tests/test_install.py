from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs its models, groups, menus and templates."""

    def test_models_groups_menus(self):
        for model in (
            "ar.dunning.policy",
            "ar.dunning.level",
            "ar.dunning.run",
            "ar.dunning.communication",
            "ar.dunning.customer",
            "ar.dispute",
            "ar.collection.log",
            "ar.payment.promise",
            "ar.payment.plan",
        ):
            self.assertIn(model, self.env)
        manager = self.env.ref("ar_dunning.group_ar_dunning_manager")
        collector = self.env.ref("ar_dunning.group_ar_dunning_user")
        self.assertIn(collector, manager.implied_ids)
        self.assertIn(self.env.ref("ar_credit_control.group_ar_credit_user"), collector.implied_ids)
        menu = self.env.ref("ar_dunning.menu_ar_dunning_policies")
        self.assertEqual(menu.action.res_model, "ar.dunning.policy")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_configuration"))
        dunning = self.env.ref("ar_dunning.menu_ar_dunning_collections")
        self.assertEqual(dunning.parent_id, self.env.ref("account.menu_finance_receivables"))
        self.assertEqual(
            {menu.action.res_model for menu in dunning.child_id if menu.action},
            {
                "ar.dunning.communication",
                "ar.dunning.run",
                "ar.dunning.run.wizard",
                "ar.dispute",
                "ar.collection.log",
                "ar.payment.promise",
                "ar.payment.plan",
            },
        )
        self.assertFalse(self.env.ref("ar_dunning.menu_ar_dunning_config", raise_if_not_found=False))
        module = self.env["ir.module.module"].search([("name", "=", "ar_dunning")])
        self.assertEqual((module.state, module.application), ("installed", True))
