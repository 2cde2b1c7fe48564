{
    "name": "AR Credit Insurance",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "summary": "Trade-credit insurance: policies, buyer limits, insured receivables, claims",
    "author": "AR Credit Suite",
    "website": "https://github.com/ar-credit-suite/ar-credit-suite",
    "license": "LGPL-3",
    "depends": ["ar_credit_control"],
    "data": [
        "security/ar_insurance_security.xml",
        "security/ir.model.access.csv",
        "views/ar_insurance_policy_views.xml",
        "views/ar_insurance_menus.xml",
    ],
    "demo": [
        "demo/ar_insurance_policy_demo.xml",
    ],
    "application": True,
}
