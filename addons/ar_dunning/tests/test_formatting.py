from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import format_date, formatLang, get_lang

from ..tools.formatting import Formatter


@tagged("post_install", "-at_install")
class TestFormatting(TransactionCase):
    """The reminder's one-lookup formatter gives exactly Odoo's own text."""

    def test_same_text_as_odoo_in_english_and_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", ("USD", "EUR", "JPY", "KWD", "CNY"))])
        )
        self.assertEqual(len(currencies), 5)
        amounts = (0.0, -0.005, 0.125, 1234567.891, -98765.4321, 1e12)
        dates = (date(2026, 1, 31), date(1999, 12, 1), date(2030, 7, 4))
        for code in ("en_US", "zh_CN"):
            env = self.env(context=dict(self.env.context, lang=code))
            fmt = Formatter(env["res.lang"].browse(get_lang(env).id))
            for currency in currencies:
                for amount in amounts:
                    with self.subTest(lang=code, currency=currency.name, amount=amount):
                        expected = formatLang(env, amount, currency_obj=currency)
                        self.assertEqual(fmt.money(amount, currency), expected)
            for value in dates:
                with self.subTest(lang=code, date=value):
                    self.assertEqual(fmt.date(value), format_date(env, value))
            self.assertEqual(fmt.date(False), format_date(env, False))
