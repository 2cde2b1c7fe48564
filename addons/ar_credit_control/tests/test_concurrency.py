import threading
import time
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ar_credit_control.models.sale_order import SaleOrder

from .common import ArCommittedDataCase, registry_lock_released


@tagged("post_install", "-at_install")
class TestConcurrentConfirmations(ArCommittedDataCase):
    """Two people confirming orders for one customer at the same moment.

    Each confirmation runs in its own thread, on its own database connection,
    as two HTTP workers would (with Odoo's retry on serialization failures).
    The limit is 1,000 and each order is 600: exactly one may pass.
    """

    def _setup(self, env):
        company = env["res.company"].create(
            {"name": f"AR Concurrency Co {uuid.uuid4().hex[:8]}", "ar_credit_check_mode": "block"}
        )
        customer = env["res.partner"].create({"name": "Contended Customer", "is_company": True})
        customer.with_company(company).credit_limit = 1000
        product = env["product.product"].create({"name": "Contended goods", "list_price": 600})
        orders = env["sale.order"].with_company(company)
        for _i in range(2):
            orders |= orders.create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 600, "tax_id": []})
                    ],
                }
            )
        return company.id, customer.id, product.id, orders.ids

    def _cleanup(self, env, company_id, customer_id, product_id, order_ids):
        orders = env["sale.order"].browse(order_ids).exists()
        orders._action_cancel()
        orders.unlink()
        env["product.product"].browse(product_id).unlink()
        env["res.partner"].browse(customer_id).unlink()
        env["res.company"].browse(company_id).active = False

    def _confirm(self, order_id, barrier, outcomes):
        try:
            with db_connect(self.dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait()
                try:
                    retrying(lambda: env["sale.order"].browse(order_id).action_confirm(), env)
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes[order_id] = "confirmed"
                except UserError as error:
                    cr.rollback()
                    outcomes[order_id] = str(error)
        except Exception as error:  # noqa: BLE001 - reported by the assertion in the test
            outcomes[order_id] = f"unexpected {type(error).__name__}: {error}"

    def test_two_confirmations_cannot_jointly_exceed_the_limit(self):
        ids = self._committed(self._setup)
        company_id, customer_id, product_id, order_ids = ids
        original = SaleOrder._ar_credit_evaluate

        def slow_evaluate(order, *args, **kwargs):
            time.sleep(0.5)  # both transactions are surely in flight at once
            return original(order, *args, **kwargs)

        outcomes = {}
        barrier = threading.Barrier(2)
        try:
            with (
                patch.object(SaleOrder, "_ar_credit_evaluate", slow_evaluate),
                patch.object(SaleOrder, "_ar_record_block", lambda order, *args: None),
            ):
                threads = [
                    threading.Thread(target=self._confirm, args=(order_id, barrier, outcomes))
                    for order_id in order_ids
                ]
                with registry_lock_released(), mute_logger("odoo.sql_db", "odoo.service.model"):
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join(60)
            states = self._committed(lambda env: env["sale.order"].browse(order_ids).mapped("state"))
            refusals = [text for text in outcomes.values() if text != "confirmed"]
            self.assertEqual(len(refusals), 1, outcomes)
            self.assertEqual(sorted(states), ["draft", "sale"])
            self.assertIn("Over the credit limit", refusals[0])
            self.assertIn("1,200.00", refusals[0])
        finally:
            self._committed(lambda env: self._cleanup(env, *ids))
