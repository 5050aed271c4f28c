package provider

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// frameworkState builds the state the idiomatic way, State.SetAttribute of framework values,
// from the tables that drive the state writer, and marshals it as the framework would send it.
func frameworkState(t testing.TB, cfg detailsConfig, records []*guance.BillingRecord, includeRecords bool, billed guance.Billed) []byte {
	t.Helper()
	ctx := context.Background()
	state := tfsdk.State{Schema: billingDetailsSchema(), Raw: configValue(t, cfg)}
	set := func(name string, v attr.Value) {
		if diags := state.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatal(name, diags)
		}
	}
	attrTypes := map[string]attr.Type{}
	for _, f := range recordFields {
		attrTypes[f.name] = types.StringType
		if f.number != nil {
			attrTypes[f.name] = types.NumberType
		}
	}
	objType := types.ObjectType{AttrTypes: attrTypes}
	set("records", types.ListNull(objType))
	if includeRecords {
		values := make([]attr.Value, len(records))
		for i, r := range records {
			fields := map[string]attr.Value{}
			for _, f := range recordFields {
				if f.number != nil {
					fields[f.name] = decimalValue(f.number(r))
				} else if text := f.text(r); text.IsNull() {
					fields[f.name] = types.StringNull()
				} else {
					fields[f.name] = types.StringValue(text.Value())
				}
			}
			values[i] = types.ObjectValueMust(attrTypes, fields)
		}
		set("records", types.ListValueMust(objType, values))
	}
	for _, total := range periodTotals {
		set(total.name, decimalValue(guance.Total(records, recordFieldNamed(total.field).number)))
	}
	for _, g := range groupedTotals {
		set(g.name, numberMapValue(guance.BillingResultBy(records, g.key)))
	}
	productType := map[string]attr.Type{}
	for _, p := range productSums {
		productType[p.field] = types.NumberType
	}
	products := map[string]attr.Value{}
	for name, sums := range guance.SumBy(records, productTotalsKey, productSumAmounts...) {
		fields := map[string]attr.Value{}
		for i, p := range productSums {
			fields[p.field] = decimalValue(sums[i])
		}
		products[name] = types.ObjectValueMust(productType, fields)
	}
	set("product_totals", types.MapValueMust(types.ObjectType{AttrTypes: productType}, products))
	for _, l := range billedLists {
		values := l.values(billed)
		elems := make([]attr.Value, len(values))
		for i, v := range values {
			elems[i] = types.StringValue(v)
		}
		set(l.name, types.ListValueMust(types.StringType, elems))
	}
	b, err := tfprotov6.NewDynamicValue(state.Schema.Type().TerraformType(ctx), state.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return b.MsgPack
}

func readBoth(t *testing.T, cfg detailsConfig) (written, reference []byte) {
	t.Helper()
	data := simData(t)
	state, diags := readBillingDetails(context.Background(), data, configValue(t, cfg))
	if diags.HasError() {
		t.Fatal(diags)
	}
	written, err := state.MsgPack()
	if err != nil {
		t.Fatal(err)
	}
	q, diags := parseBillingQuery(configValue(t, cfg))
	if diags.HasError() {
		t.Fatal(diags)
	}
	details, err := data.client.BillingDetails(context.Background(), q.period)
	if err != nil {
		t.Fatal(err)
	}
	return written, frameworkState(t, cfg, details.Select(q.filter), q.includeRecords, details.Billed())
}

// With maps of one entry (the framework writes maps in Go's random order) the two states
// are comparable byte for byte.
func TestStateWriterMatchesTheFrameworkByteForByte(t *testing.T) {
	t.Parallel()
	written, reference := readBoth(t, detailsConfig{
		StartDate: types.StringValue("2024-03-01"), EndDate: types.StringValue("20240301"),
		IncludeRecords: types.BoolValue(true), ProductDetails: set("Log"), Measurements: set(), WorkspaceUUIDs: set(guancesim.WorkspaceUUID),
	})
	if !bytes.Equal(written, reference) {
		t.Fatalf("the state writer wrote\n% x\nthe framework writes\n% x", written, reference)
	}
}

// Over a month or two, with many records, None values and multi-entry maps (of numbers and of
// per-product objects), the states are equal values.
func TestStateWriterMatchesTheFrameworkOverAMonth(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]detailsConfig{
		"records": {StartDate: types.StringValue("2023-07-01"), EndDate: types.StringValue("2023-07-31"),
			IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set()},
		"totals only, filtered": {StartDate: types.StringValue("2024-02-01"), EndDate: types.StringValue("2024-02-29"),
			IncludeRecords: types.BoolValue(false), ProductDetails: set("Log", "Metric"), Measurements: set("logging", "time_series", "rum"), WorkspaceUUIDs: set()},
		"totals only, across a year, with filter values that match nothing": {StartDate: types.StringValue("2023-12-01"), EndDate: types.StringValue("2024-01-31"),
			IncludeRecords: types.BoolValue(false), ProductDetails: set("Log", "Logs", "APM Trace"), Measurements: set(), WorkspaceUUIDs: set("wksp_other", guancesim.WorkspaceUUID)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			written, reference := readBoth(t, cfg)
			typ := billingDetailsSchema().Type().TerraformType(context.Background())
			got, err := (&tfprotov6.DynamicValue{MsgPack: written}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&tfprotov6.DynamicValue{MsgPack: reference}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if diffs, err := got.Diff(want); err != nil || len(diffs) > 0 {
				t.Fatalf("states differ (%v): %v", err, diffs)
			}
		})
	}
}

// Every computed attribute of the schema has a row, hence a writer: a new attribute without
// one would otherwise be written as the configuration's null.
func TestEveryComputedAttributeOfTheDetailsSchemaHasAStateWriter(t *testing.T) {
	t.Parallel()
	for name, a := range billingDetailsSchema().Attributes {
		if _, ok := computedValues[name]; a.IsComputed() && !ok {
			t.Errorf("the computed attribute %s has no state writer", name)
		}
		if _, ok := computedValues[name]; ok && !a.IsComputed() {
			t.Errorf("%s has a state writer but is not computed", name)
		}
	}
	if !slices.IsSortedFunc(productSums, func(a, b productSum) int { return strings.Compare(a.field, b.field) }) {
		t.Error("productSums is not in attribute name order, the order the wire form needs")
	}
}

// The writer refuses an attribute it has no row for, rather than writing a null.
func TestStateWriterFailsOnAComputedAttributeWithoutARow(t *testing.T) {
	t.Parallel()
	q, diags := parseBillingQuery(configValue(t, detailsConfig{StartDate: types.StringValue("2024-03-01"), EndDate: types.StringValue("2024-03-01"),
		IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set()}))
	if diags.HasError() {
		t.Fatal(diags)
	}
	q.config["totals_by_nothing"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, nil)
	_, err := billingState(q, nil, guance.Billed{})
	if err == nil || !strings.Contains(err.Error(), "totals_by_nothing has no row") {
		t.Fatalf("writing an attribute without a row: %v, want an error naming it", err)
	}
}
