import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains(Tour Card Seller)";

registry.category("web_tour.tours").add("sales_assessment_reward_approve_card", {
    url: "/odoo/action-sales_assessment_reward.sales_assessment_reward_action_to_approve",
    steps: () => [
        {
            content: "The approvals open as cards on a phone",
            trigger: ".o_kanban_view " + CARD,
        },
        {
            content: "The card shows the amount with its currency, inside the screen",
            trigger: `${CARD} .o_field_widget[name=amount]:visible:contains(275.00)`,
            run() {
                const box = this.anchor.getBoundingClientRect();
                const text = this.anchor.textContent.replace(/[\d\s.,-]/g, "");
                if (!text) {
                    throw new Error(`No currency next to the amount: "${this.anchor.textContent}"`);
                }
                if (box.width === 0 || box.left < 0 || box.right > window.innerWidth) {
                    throw new Error("The amount is outside the card on this screen");
                }
            },
        },
        {
            content: "Approve from the card",
            trigger: `${CARD} button[name=action_approve]:visible`,
            run: "click",
        },
        {
            content: "The card no longer offers the approval",
            trigger: `.o_kanban_view:not(:has(${CARD} button[name=action_approve]))`,
        },
    ],
});
