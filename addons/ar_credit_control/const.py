"""Names the three addons share: security groups and the states that other rules test.

One place for each name, as Odoo's own addons keep theirs (``payment/const.py``),
so a renamed group or state is changed once and a typo fails at import.
"""

#: Credit analyst: reads exposure, assessments and the credit screens.
GROUP_CREDIT_USER = "ar_credit_control.group_ar_credit_user"
#: Credit manager: grades, limits, releases, write-offs, insolvency cases.
GROUP_CREDIT_MANAGER = "ar_credit_control.group_ar_credit_manager"
#: Core groups the suite's rules refer to.
GROUP_INVOICE = "account.group_account_invoice"
GROUP_ACCOUNT_READONLY = "account.group_account_readonly"
GROUP_ACCOUNT_MANAGER = "account.group_account_manager"
GROUP_SALESMAN = "sales_team.group_sale_salesman"

#: Groups that may read a customer's receivables and invoices (statement, letters, exposure).
RECEIVABLE_READER_GROUPS = (GROUP_INVOICE, GROUP_ACCOUNT_READONLY, GROUP_CREDIT_USER)

#: Insolvency cases that stop deliveries, dunning and new credit.
INSOLVENCY_ACTIVE_STATES = ("open", "claim_filed")
