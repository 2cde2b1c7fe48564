{
    "name": "AR Credit Control",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "summary": "Credit grades, limits, holds and exposure; block risky sale orders",
    "author": "AR Credit Suite",
    "website": "https://github.com/ar-credit-suite/ar-credit-suite",
    "license": "LGPL-3",
    "depends": ["sale_management", "account", "mail"],
    "external_dependencies": {"python": ["python-stdnum", "xlsxwriter"]},
    "data": [
        "security/ar_credit_control_security.xml",
        "security/ir.model.access.csv",
        "views/ar_credit_grade_views.xml",
        "views/res_partner_views.xml",
        "views/ar_credit_control_menus.xml",
    ],
    "demo": [
        "demo/ar_credit_grade_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/ar_credit_receivables_demo.xml",
    ],
    "application": True,
}
