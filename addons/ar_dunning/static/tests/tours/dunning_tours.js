/** @odoo-module **/
// Tour of the dunning worklist, driven by tests/test_tours.py (which creates the data).

import { registry } from "@web/core/registry";

const CUSTOMERS_MENU = ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']";

registry.category("web_tour.tours").add("ar_dunning_worklist_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open Invoicing > Customers",
            trigger: CUSTOMERS_MENU,
            run: "click",
        },
        {
            content: "Open Dunning > Runs",
            trigger: ".dropdown-menu [data-menu-xmlid='ar_dunning.menu_ar_dunning_runs']",
            run: "click",
        },
        {
            content: "The list of dunning runs is shown",
            trigger: ".o_breadcrumb:contains('Dunning Runs'), .o_breadcrumb:contains('Runs')",
        },
        {
            content: "Open Invoicing > Customers again",
            trigger: CUSTOMERS_MENU,
            run: "click",
        },
        {
            content: "Start a dunning run",
            trigger: ".dropdown-menu [data-menu-xmlid='ar_dunning.menu_ar_dunning_run_wizard']",
            run: "click",
        },
        {
            content: "Run it",
            trigger: ".modal button[name='action_run']",
            run: "click",
        },
        {
            content: "The run left one communication to review",
            trigger: ".o_form_view .o_field_widget[name='review_count']:contains('1')",
        },
        {
            content: "Open Invoicing > Customers once more",
            trigger: CUSTOMERS_MENU,
            run: "click",
        },
        {
            content: "Open the communications to review",
            trigger: ".dropdown-menu [data-menu-xmlid='ar_dunning.menu_ar_dunning_review']",
            run: "click",
        },
        {
            // the run's form, still on screen until the menu's list replaces it, lists the same row
            content: "The list of communications to review is shown",
            trigger: ".o_breadcrumb:not(:contains('Dunning run')):contains('Communications to Review')",
        },
        {
            content: "Send the reminder of the tour debtor",
            trigger: ".o_data_row:contains('Tour Debtor') button[name='action_execute']",
            run: "click",
        },
        {
            content: "Nothing is left to review",
            trigger: ".o_view_nocontent, .o_list_view:not(:has(.o_data_row:contains('Tour Debtor')))",
        },
    ],
});
