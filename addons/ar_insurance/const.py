"""Security groups and states of the credit insurance addon, named once (see ``ar_credit_control.const``)."""

#: Insurance user: reads policies, buyer limits, insured receivables.
GROUP_INSURANCE_USER = "ar_insurance.group_ar_insurance_user"
#: Insurance manager: policies, limits, notifications, claims, declarations.
GROUP_INSURANCE_MANAGER = "ar_insurance.group_ar_insurance_manager"

#: Buyer-limit decisions that grant cover.
LIMIT_GRANTED_STATES = frozenset({"approved", "partly_approved", "reduced"})
#: Buyer-limit decisions that give no cover.
LIMIT_NO_COVER_STATES = frozenset({"refused", "cancelled"})
#: Notifications still open (an insolvency case waits for them).
NOTIFICATION_OPEN_STATES = ("to_notify", "notified")
