"""The suite models of ar_credit_control that take input, with the bounds of ``ar.input.bounds.mixin``.

Listed here (not in each model's file) so that one glance shows what is covered;
model-specific rules stay with their model.
"""

from odoo import models


class ArCreditAssessment(models.Model):
    _name = "ar.credit.assessment"
    _inherit = ["ar.credit.assessment", "ar.input.bounds.mixin"]


class ArCreditGrade(models.Model):
    _name = "ar.credit.grade"
    _inherit = ["ar.credit.grade", "ar.input.bounds.mixin"]


class ArCreditRelease(models.Model):
    _name = "ar.credit.release"
    _inherit = ["ar.credit.release", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("reason_blocked",)


class ArInsolvencyCase(models.Model):
    _name = "ar.insolvency.case"
    _inherit = ["ar.insolvency.case", "ar.input.bounds.mixin"]


class ArProvisionMatrix(models.Model):
    _name = "ar.provision.matrix"
    _inherit = ["ar.provision.matrix", "ar.input.bounds.mixin"]


class ArProvisionMatrixLine(models.Model):
    _name = "ar.provision.matrix.line"
    _inherit = ["ar.provision.matrix.line", "ar.input.bounds.mixin"]


class ArProvisionRun(models.Model):
    _name = "ar.provision.run"
    _inherit = ["ar.provision.run", "ar.input.bounds.mixin"]


class ArProvisionLine(models.Model):
    _name = "ar.provision.line"
    _inherit = ["ar.provision.line", "ar.input.bounds.mixin"]


class ArWriteOff(models.Model):
    _name = "ar.write.off"
    _inherit = ["ar.write.off", "ar.input.bounds.mixin"]


class ArWriteOffLine(models.Model):
    _name = "ar.write.off.line"
    _inherit = ["ar.write.off.line", "ar.input.bounds.mixin"]


class ArWriteOffRecovery(models.Model):
    _name = "ar.write.off.recovery"
    _inherit = ["ar.write.off.recovery", "ar.input.bounds.mixin"]


class ArPaymentRiskModel(models.Model):
    _name = "ar.payment.risk.model"
    _inherit = ["ar.payment.risk.model", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("model_data",)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "ar.input.bounds.mixin"]
