"""The suite models of ar_dunning that take input, with the bounds of ``ar.input.bounds.mixin``.

Listed here (not in each model's file) so that one glance shows what is covered;
model-specific rules (promise horizon and amount, level days) stay with their model.
"""

from odoo import models


class ArBalanceConfirmation(models.Model):
    _name = "ar.balance.confirmation"
    _inherit = ["ar.balance.confirmation", "ar.input.bounds.mixin"]


class ArCollectionLog(models.Model):
    _name = "ar.collection.log"
    _inherit = ["ar.collection.log", "ar.input.bounds.mixin"]


class ArDispute(models.Model):
    _name = "ar.dispute"
    _inherit = ["ar.dispute", "ar.input.bounds.mixin"]


class ArDunningCommunication(models.Model):
    _name = "ar.dunning.communication"
    _inherit = ["ar.dunning.communication", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("error",)


class ArDunningLevel(models.Model):
    _name = "ar.dunning.level"
    _inherit = ["ar.dunning.level", "ar.input.bounds.mixin"]


class ArDunningPolicy(models.Model):
    _name = "ar.dunning.policy"
    _inherit = ["ar.dunning.policy", "ar.input.bounds.mixin"]


class ArDunningRun(models.Model):
    _name = "ar.dunning.run"
    _inherit = ["ar.dunning.run", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("log",)


class ArPaymentPlan(models.Model):
    _name = "ar.payment.plan"
    _inherit = ["ar.payment.plan", "ar.input.bounds.mixin"]


class ArPaymentPlanInstallment(models.Model):
    _name = "ar.payment.plan.installment"
    _inherit = ["ar.payment.plan.installment", "ar.input.bounds.mixin"]


class ArPaymentPromise(models.Model):
    _name = "ar.payment.promise"
    _inherit = ["ar.payment.promise", "ar.input.bounds.mixin"]
