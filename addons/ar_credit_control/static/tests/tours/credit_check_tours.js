/** @odoo-module **/
// Tours of the credit check, driven by tests/test_tours.py (which creates the data).

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_credit_rep_blocked", {
    steps: () => [
        {
            content: "The banner warns the rep before confirming",
            trigger: ".alert-danger:contains('blocked until a credit manager releases it')",
        },
        {
            content: "The banner shows the figures",
            trigger: ".alert-danger:contains('limit')",
        },
        {
            content: "The rep asks for a credit review",
            trigger: ".o_form_view button[name='action_request_credit_review']",
            run: "click",
        },
        {
            content: "The rep is told who will decide",
            trigger: ".o_notification:contains('has been asked for a credit decision')",
        },
        {
            content: "The banner now says the order waits for that decision",
            trigger: ".alert-warning:contains('Waiting for the credit decision of')",
        },
        {
            content: "The rep tries to confirm",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The confirmation is refused with the reasons",
            trigger: ".modal:contains('Over the credit limit')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The order is still a quotation",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_credit_manager_release", {
    steps: () => [
        {
            content: "Open the credit decision",
            trigger: ".o_form_view button[name='action_open_credit_release']",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Deposit of 50% received by wire",
        },
        {
            content: "Release the order",
            trigger: ".modal button[name='action_decide']",
            run: "click",
        },
        {
            content: "The banner now says the order is released",
            trigger: ".alert-info:contains('Released by')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_credit_rep_confirms_released", {
    steps: () => [
        {
            content: "The rep confirms the released order",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
