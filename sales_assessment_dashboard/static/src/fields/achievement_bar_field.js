import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/views/fields/formatters";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A KPI's achievement as a bar: full and green from 100 % (target met, and
 * beyond it), blue below; a muted "No target" badge in place of the bar
 * when the KPI has no target (the record's ``has_target`` is false).
 */
export class AchievementBarField extends Component {
    static template = "sales_assessment_dashboard.AchievementBarField";
    static props = { ...standardFieldProps };

    get hasTarget() {
        return this.props.record.data.has_target !== false;
    }

    get value() {
        return this.props.record.data[this.props.name] || 0;
    }

    get isMet() {
        return this.value >= 100;
    }

    get width() {
        return Math.max(0, Math.min(this.value, 100));
    }

    get formattedValue() {
        return `${formatFloat(this.value, { digits: [16, 1] })} %`;
    }
}

export const achievementBarField = {
    component: AchievementBarField,
    displayName: _t("Achievement bar"),
    supportedTypes: ["float", "integer"],
    fieldDependencies: [{ name: "has_target", type: "boolean" }],
};

registry.category("fields").add("sa_achievement_bar", achievementBarField);
