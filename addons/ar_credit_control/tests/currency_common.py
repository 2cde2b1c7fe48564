"""A test company whose currency is not rounded to cents (JPY: no decimals, KWD: three)."""


class CompanyCurrencyMixin:
    """Mixed into an ``AccountTestInvoicingCommon`` case: its company (chart of accounts
    included) keeps its books in ``currency_code``, so every amount the suite computes is
    rounded to that currency's precision."""

    currency_code = None

    @classmethod
    def setup_independent_company(cls, **kwargs):
        currency = cls._enable_currency(cls.currency_code)
        return super().setup_independent_company(currency_id=currency.id, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.company.currency_id.name == cls.currency_code, cls.company.currency_id.name
        # as such a company sets Odoo up: unit prices (invoice lines, e.g. a late fee) keep the
        # currency's decimals (Odoo's "Product Price" precision is two digits by default)
        price = cls.env.ref("product.decimal_price")
        price.digits = max(price.digits, cls.company.currency_id.decimal_places)
