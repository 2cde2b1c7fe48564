from . import ar_insurance_policy
