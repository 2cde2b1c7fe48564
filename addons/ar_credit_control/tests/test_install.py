from odoo import models
from odoo.tests import TransactionCase, tagged

SUITE_ADDONS = {"ar_credit_control", "ar_dunning", "ar_insurance"}


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs its models, groups, menus and settings UI."""

    def test_models_exist(self):
        for model in ("ar.credit.grade",):
            self.assertIn(model, self.env, f"model {model} missing")
        partner_fields = self.env["res.partner"]._fields
        for name in (
            "credit_grade_id",
            "credit_score",
            "credit_hold",
            "credit_hold_reason",
            "credit_review_date",
            "credit_limit_temp",
            "credit_limit_temp_until",
        ):
            self.assertIn(name, partner_fields)
            self.assertTrue(partner_fields[name].company_dependent, f"{name} must be company dependent")

    def test_groups_and_menus(self):
        manager = self.env.ref("ar_credit_control.group_ar_credit_manager")
        user = self.env.ref("ar_credit_control.group_ar_credit_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.users)
        root = self.env.ref("ar_credit_control.menu_ar_credit_root")
        self.assertEqual(root.groups_id, user)
        self.assertTrue(root.web_icon.startswith("ar_credit_control,"))
        grades_menu = self.env.ref("ar_credit_control.menu_ar_credit_grades")
        self.assertEqual(grades_menu.action.res_model, "ar.credit.grade")

    def test_app_listed(self):
        module = self.env["ir.module.module"].search([("name", "=", "ar_credit_control")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.application)
        self.assertEqual(module.license, "LGPL-3")

    def test_views_render(self):
        for model, view_type in (
            ("ar.credit.grade", "form"),
            ("ar.credit.grade", "list"),
            ("res.partner", "form"),
        ):
            arch = self.env[model].get_view(view_type=view_type)["arch"]
            self.assertTrue(arch)
        partner_form = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="ar_credit"', partner_form)

    def test_every_screen_has_a_display_name(self):
        """No suite model shows "model,id" in a breadcrumb: each has a name field or computes a title.

        Enumerated from the registry, so a new report, dashboard or wizard is covered without
        editing this test.
        """
        base_compute = models.BaseModel._compute_display_name
        missing = []
        for name in sorted(self.env.registry):
            model = self.env[name]
            if model._abstract or model._original_module not in SUITE_ADDONS:
                continue
            has_name = model._rec_name and model._rec_name in model._fields and model._rec_name != "id"
            if not has_name and type(model)._compute_display_name is base_compute:
                missing.append(name)
        self.assertFalse(missing, "give these a name field, a _rec_name or inherit ar.screen.mixin")
        kpi = self.env["ar.credit.kpi"].create({})
        self.assertTrue(kpi.display_name.startswith("Receivables KPIs: "), kpi.display_name)
        self.assertNotIn("ar.credit.kpi,", kpi.display_name)
        action = self.env["ar.credit.kpi"].action_open_kpis()
        self.assertTrue(action["res_id"], "the menu opens the KPIs computed, not a blank form")
        wizard = self.env["ar.write.off.wizard"].new({})
        self.assertEqual(wizard.display_name, "Write Off Receivables")
