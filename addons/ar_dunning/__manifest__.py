{
    "name": "AR Dunning",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "summary": "Dunning levels with automated actions, collections worklist, disputes and promises",
    "author": "AR Credit Suite",
    "website": "https://github.com/ar-credit-suite/ar-credit-suite",
    "license": "LGPL-3",
    "depends": ["ar_credit_control", "mail", "portal", "base_automation"],
    "data": [
        "security/ar_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "views/ar_dunning_policy_views.xml",
        "views/res_config_settings_views.xml",
        "views/ar_dunning_menus.xml",
    ],
    "demo": [
        "demo/ar_dunning_policy_demo.xml",
    ],
    "application": True,
}
