import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";

/**
 * A KPI figure shown by its KPI's unit: money with the currency symbol,
 * counts without decimals, percent and days with their unit.
 */
export function formatKpiValue(value, unit, currencyId) {
    if (value === false || value === undefined) {
        return "";
    }
    switch (unit) {
        case "monetary":
            return formatMonetary(value, { currencyId });
        case "count":
            return formatFloat(value, { digits: [16, 0] });
        case "percent":
            return `${formatFloat(value, { digits: [16, 1] })} %`;
        case "days":
            return _t("%(days)s days", { days: formatFloat(value, { digits: [16, 1] }) });
        default:
            return formatFloat(value, { digits: [16, 2] });
    }
}

export class KpiValueField extends FloatField {
    static props = {
        ...FloatField.props,
        unitField: { type: String, optional: true },
        unit: { type: String, optional: true },
    };

    get formattedValue() {
        const data = this.props.record.data;
        const unit = this.props.unit || data[this.props.unitField || "unit"];
        const currency = data.currency_id;
        return formatKpiValue(this.value, unit, Array.isArray(currency) ? currency[0] : currency);
    }
}

export const kpiValueField = {
    ...floatField,
    component: KpiValueField,
    displayName: _t("KPI value"),
    fieldDependencies: [
        { name: "unit", type: "selection" },
        { name: "currency_id", type: "many2one" },
    ],
    extractProps: (params) => ({
        ...floatField.extractProps(params),
        unitField: params.options.unit_field,
        unit: params.options.unit,
    }),
};

registry.category("fields").add("sa_kpi_value", kpiValueField);

/**
 * A figure already in percent (an achievement of 104.5 is 104.5 %), for the
 * measures of pivots and graphs: ``widget="sa_percent"``.
 */
export function formatPercentValue(value) {
    if (value === false || value === undefined || value === null) {
        return "";
    }
    return `${formatFloat(value, { digits: [16, 1] })} %`;
}

registry.category("formatters").add("sa_percent", formatPercentValue);
