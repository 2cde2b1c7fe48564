from . import ar_credit_grade
from . import res_partner
