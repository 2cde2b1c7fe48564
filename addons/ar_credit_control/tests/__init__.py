from . import test_install
from . import test_credit_grade
from . import test_partner_credit_settings
