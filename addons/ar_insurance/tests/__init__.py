from . import test_install
from . import test_insurance_policy
from . import test_insurance_rules
from . import test_insured_receivables
from . import test_notifications
from . import test_claims
from . import test_declaration
from . import test_security
