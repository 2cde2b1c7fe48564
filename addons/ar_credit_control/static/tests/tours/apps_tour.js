/** @odoo-module **/
// The three apps of the suite are installed, as the Apps menu shows them (tests/test_tour_apps.py).

import { registry } from "@web/core/registry";

const APPS = ["AR Credit Control", "AR Dunning", "AR Credit Insurance"];

// Odoo 18's apps kanban (base.module_view_kanban) renders the "Activate" button
// (button_immediate_install) only on the card of a module that is not installed.
function installedCard(name) {
    return (
        `.o_kanban_record:contains('${name}')` +
        ":not(:has(button[name='button_immediate_install']))"
    );
}

registry.category("web_tour.tours").add("ar_apps_installed_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Apps menu",
            trigger: ".o_app[data-menu-xmlid='base.menu_management']",
            run: "click",
        },
        {
            content: "Search the suite's apps",
            trigger: ".o_kanban_view .o_searchview_input, .o_searchview_input",
            run: "edit AR ",
        },
        {
            content: "Apply the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The cards are loaded: apps not installed show their Activate button",
            trigger: ".o_kanban_record button[name='button_immediate_install']",
        },
        ...APPS.map((name) => ({
            content: `${name} is installed`,
            trigger: installedCard(name),
        })),
    ],
});
