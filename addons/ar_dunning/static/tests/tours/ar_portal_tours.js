/** @odoo-module **/
// Tour of the customer portal statement, driven by tests/test_statement_portal.py (which creates the data).

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_portal_confirm_and_dispute", {
    steps: () => [
        {
            content: "The statement shows the balance",
            trigger: ".o_ar_balance",
        },
        {
            content: "Write a note for the confirmation",
            trigger: ".o_ar_confirm_form input[name='note']",
            run: "edit Balance agreed",
        },
        {
            content: "Confirm the balance",
            trigger: ".o_ar_confirm_balance",
            run: "click",
        },
        {
            content: "The confirmation is recorded",
            trigger: ".o_ar_confirmed",
        },
        {
            content: "Give the reason of the dispute",
            trigger: ".o_ar_dispute_form input[name='reason']",
            run: "edit Goods damaged on delivery",
        },
        {
            content: "Dispute the invoice",
            trigger: ".o_ar_dispute",
            run: "click",
        },
        {
            content: "The dispute is recorded",
            trigger: ".o_ar_disputed",
        },
        {
            content: "The invoice is marked as disputed instead of offering a second dispute",
            trigger: ".o_ar_disputed_badge",
        },
    ],
});

registry.category("web_tour.tours").add("ar_portal_disagree_with_a_difference", {
    steps: () => [
        {
            content: "The statement asks to confirm the balance",
            trigger: ".o_ar_confirmation_request",
        },
        {
            content: "Type the balance in the customer's books",
            trigger: ".o_ar_disagree_form input[name='customer_balance']",
            run: "edit 450.00",
        },
        {
            content: "Say what differs",
            trigger: ".o_ar_disagree_form input[name='note']",
            run: "edit Paid 50 on Friday",
        },
        {
            content: "Disagree",
            trigger: ".o_ar_disagree",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_ar_disagreed",
        },
    ],
});
