package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/tfstate"
)

// billingQuery is a validated configuration of the data source.
type billingQuery struct {
	period         guance.Period
	includeRecords bool
	filter         guance.Filter
	// config holds the configured attributes, written back to state as they came.
	config map[string]tftypes.Value
}

// readBillingDetails reads the configured period and returns the data source's state.
func readBillingDetails(ctx context.Context, data *providerData, config tftypes.Value) (tfstate.Value, diag.Diagnostics) {
	client, diags := data.readyClient()
	if diags.HasError() {
		return tfstate.Null(), diags
	}
	q, diags := parseBillingQuery(config)
	if diags.HasError() {
		return tfstate.Null(), diags
	}
	details, readDiags := data.readPeriod(ctx, client, q.period)
	if diags.Append(readDiags...); readDiags.HasError() {
		return tfstate.Null(), diags
	}
	billed := details.Billed()
	diags.Append(unmatchedFilterWarnings(q, billed)...)
	records := details.Select(q.filter)
	state, err := billingState(q, records, billed)
	if err != nil {
		diags.AddError("Could not build the state", "Writing the billing state failed: "+err.Error()+". This is a bug in the provider; please report it.")
	}
	return state, diags
}

// parseBillingQuery takes the period, include_records and filters from the configuration,
// which the schema's validators have checked already.
func parseBillingQuery(config tftypes.Value) (billingQuery, diag.Diagnostics) {
	var diags diag.Diagnostics
	q := billingQuery{includeRecords: true}
	start, end, err := readConfig(config, &q)
	if err != nil {
		diags.AddError("Could not read the configuration", "The data source's configuration did not have the shape of its "+
			"schema: "+err.Error()+". This is a bug in the provider; please report it.")
		return q, diags
	}
	if q.period, err = periodOf(start, end); err != nil {
		diags.Append(periodDiagnostic(start, err))
	}
	return q, diags
}

// readConfig fills q's configuration, include_records and filters, and returns the dates.
func readConfig(config tftypes.Value, q *billingQuery) (start, end string, err error) {
	if err := config.As(&q.config); err != nil {
		return "", "", err
	}
	var include *bool
	if err := q.config["start_date"].As(&start); err != nil {
		return "", "", err
	}
	if err := q.config["end_date"].As(&end); err != nil {
		return "", "", err
	}
	if err := q.config["include_records"].As(&include); err != nil {
		return "", "", err
	}
	if include != nil {
		q.includeRecords = *include
	}
	for attr, set := range map[string]*map[string]bool{
		"product_details": &q.filter.ProductDetails, "measurements": &q.filter.Measurements, "workspace_uuids": &q.filter.WorkspaceUUIDs,
	} {
		if *set, err = stringSet(q.config[attr]); err != nil {
			return "", "", fmt.Errorf("%s: %w", attr, err)
		}
	}
	return start, end, nil
}

func stringSet(v tftypes.Value) (map[string]bool, error) {
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(elems))
	for _, e := range elems {
		var s string
		if err := e.As(&s); err != nil {
			return nil, err
		}
		set[s] = true
	}
	return set, nil
}

// computedValues make each computed attribute of the state, one per row of the tables in
// records.go.
var computedValues = func() map[string]func(*billingRead) tfstate.Value {
	values := map[string]func(*billingRead) tfstate.Value{
		"records": func(b *billingRead) tfstate.Value {
			if !b.q.includeRecords {
				return tfstate.Null()
			}
			return recordsValue(b.records)
		},
		"product_totals": func(b *billingRead) tfstate.Value {
			products := map[string]tfstate.Value{}
			for name, sums := range guance.SumBy(b.records, productTotalsKey, productSumAmounts...) {
				attrs := make(map[string]tfstate.Value, len(productSums))
				for i, p := range productSums {
					attrs[p.field] = decimalState(sums[i])
				}
				products[name] = tfstate.Attributes(attrs)
			}
			return tfstate.Attributes(products)
		},
	}
	for _, t := range periodTotals {
		amount := recordFieldNamed(t.field).number
		values[t.name] = func(b *billingRead) tfstate.Value { return decimalState(guance.Total(b.records, amount)) }
	}
	for _, g := range groupedTotals {
		values[g.name] = func(b *billingRead) tfstate.Value {
			sums := guance.BillingResultBy(b.records, g.key)
			attrs := make(map[string]tfstate.Value, len(sums))
			for k, d := range sums {
				attrs[k] = decimalState(d)
			}
			return tfstate.Attributes(attrs)
		}
	}
	for _, l := range billedLists {
		values[l.name] = func(b *billingRead) tfstate.Value {
			billed := l.values(b.billed)
			elems := make([]tfstate.Value, len(billed))
			for i, v := range billed {
				elems[i] = tfstate.String(v)
			}
			return tfstate.List(elems)
		}
	}
	return values
}()

// billingRead is what a read of the data source computed: its query, the records kept and
// what the period billed.
type billingRead struct {
	q       billingQuery
	records []*guance.BillingRecord
	billed  guance.Billed
}

// configurable is every attribute of the details schema a configuration sets; the state
// keeps them as they came.
var configurable = func() map[string]bool {
	out := map[string]bool{}
	for name, a := range billingDetailsSchema().Attributes {
		if a.IsOptional() || a.IsRequired() {
			out[name] = true
		}
	}
	return out
}()

// billingState is the whole state object. An attribute that is neither configurable nor has
// a row is an error: its value would otherwise be the configuration's null.
func billingState(q billingQuery, records []*guance.BillingRecord, billed guance.Billed) (tfstate.Value, error) {
	read := &billingRead{q: q, records: records, billed: billed}
	attrs := make(map[string]tfstate.Value, len(q.config))
	for name, configured := range q.config {
		if value, ok := computedValues[name]; ok {
			attrs[name] = value(read)
			continue
		}
		if !configurable[name] {
			return tfstate.Null(), fmt.Errorf("the computed attribute %s has no row, hence no value", name)
		}
		attrs[name] = tfstate.Given(configured)
	}
	return tfstate.Attributes(attrs), nil
}

// recordColumns are recordFields as the columns of the records list.
var recordColumns = func() []func([]*guance.BillingRecord) tfstate.Column {
	columns := make([]func([]*guance.BillingRecord) tfstate.Column, len(recordFields))
	for i, f := range recordFields {
		columns[i] = func(records []*guance.BillingRecord) tfstate.Column {
			if f.number != nil {
				return tfstate.Column{Name: f.name, Cell: func(i int) tfstate.Value { return decimalState(f.number(records[i])) }}
			}
			return tfstate.Column{Name: f.name, Cell: func(i int) tfstate.Value { return textState(f.text(records[i])) }}
		}
	}
	return columns
}()

// recordsValue is the records list, its values made as they are written.
func recordsValue(records []*guance.BillingRecord) tfstate.Value {
	rows := &tfstate.Rows{Len: len(records), Columns: make([]tfstate.Column, len(recordColumns))}
	for i, column := range recordColumns {
		rows.Columns[i] = column(records)
	}
	return tfstate.RowList(rows)
}

// textState is a text field, null when the API sent none.
func textState(t guance.Text) tfstate.Value {
	if t.IsNull() {
		return tfstate.Null()
	}
	return tfstate.String(t.Value())
}

// decimalState is an amount, null when the API sent none.
func decimalState(d guance.Decimal) tfstate.Value {
	if d.IsNull() {
		return tfstate.Null()
	}
	return tfstate.Number(d.String())
}
