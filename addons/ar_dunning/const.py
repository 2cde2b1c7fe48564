"""Security groups and states of the dunning addon, named once (see ``ar_credit_control.const``)."""

#: Collector: works the worklist, disputes, promises, plans and letters.
GROUP_DUNNING_USER = "ar_dunning.group_ar_dunning_user"
#: Collections manager: policies, levels and the dunning run.
GROUP_DUNNING_MANAGER = "ar_dunning.group_ar_dunning_manager"

#: Communications the run has prepared but not sent yet.
COMMUNICATION_PENDING_STATES = ("draft", "to_send")
#: Communications a customer may see on the portal.
COMMUNICATION_SENT_STATES = ("sent",)
