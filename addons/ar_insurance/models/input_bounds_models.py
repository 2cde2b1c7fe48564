"""The suite models of ar_insurance that take input, with the bounds of ``ar.input.bounds.mixin``.

Listed here (not in each model's file) so that one glance shows what is covered;
model-specific rules (a claim within its invoices and cover) stay with their model.
"""

from odoo import models


class ArInsuranceClaim(models.Model):
    _name = "ar.insurance.claim"
    _inherit = ["ar.insurance.claim", "ar.input.bounds.mixin"]


class ArInsuranceDeclaration(models.Model):
    _name = "ar.insurance.declaration"
    _inherit = ["ar.insurance.declaration", "ar.input.bounds.mixin"]


class ArInsuranceDeclarationLine(models.Model):
    _name = "ar.insurance.declaration.line"
    _inherit = ["ar.insurance.declaration.line", "ar.input.bounds.mixin"]


class ArInsuranceLimit(models.Model):
    _name = "ar.insurance.limit"
    _inherit = ["ar.insurance.limit", "ar.input.bounds.mixin"]


class ArInsuranceNotification(models.Model):
    _name = "ar.insurance.notification"
    _inherit = ["ar.insurance.notification", "ar.input.bounds.mixin"]


class ArInsurancePolicy(models.Model):
    _name = "ar.insurance.policy"
    _inherit = ["ar.insurance.policy", "ar.input.bounds.mixin"]


class ArInsuranceRecovery(models.Model):
    _name = "ar.insurance.recovery"
    _inherit = ["ar.insurance.recovery", "ar.input.bounds.mixin"]
