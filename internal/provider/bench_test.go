package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// BenchmarkProviderRead is the provider's whole read of guance_billing_details: fetch from
// the simulator, decode, total, and write the state Terraform receives. Each iteration uses a
// new client, so nothing is cached.
func BenchmarkProviderRead(b *testing.B) {
	sizes := []struct {
		name    string
		perDay  int
		lastDay string
	}{{"1k", 28, "2023-02-05"}, {"10k", 137, "2023-03-14"}, {"100k", 274, "2023-12-31"}}
	for _, size := range sizes {
		for _, include := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/records=%v", size.name, include), func(b *testing.B) {
				sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: size.perDay})
				defer sim.Close()
				config := configValue(b, detailsConfig{
					StartDate: types.StringValue("2023-01-01"), EndDate: types.StringValue(size.lastDay),
					IncludeRecords: types.BoolValue(include), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set(),
				})
				b.ReportAllocs()
				var stateBytes int
				for b.Loop() {
					client, err := guance.New(guance.Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
					if err != nil {
						b.Fatal(err)
					}
					state, diags := readBillingDetails(context.Background(), &providerData{client: client}, config)
					if diags.HasError() {
						b.Fatal(diags)
					}
					written, err := state.MsgPack()
					if err != nil {
						b.Fatal(err)
					}
					stateBytes = len(written)
				}
				b.ReportMetric(float64(stateBytes), "state-bytes")
			})
		}
	}
}

// BenchmarkForecastRead is a forecast's read of 2023 at 100k records, as of the year's last
// day: fetch, decode, forecast, and the framework's State.Set of its few attributes. Each
// iteration uses a new client, so nothing is cached.
func BenchmarkForecastRead(b *testing.B) {
	sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: 274})
	defer sim.Close()
	ctx := context.Background()
	period := guance.Period{Start: guance.Date{Year: 2023, Month: 1, Day: 1}, End: guance.Date{Year: 2023, Month: 12, Day: 31}}
	spec := guance.ForecastSpec{Period: period, AsOf: period.End, LookbackDays: defaultLookbackDays}
	schemaResp := &datasource.SchemaResponse{}
	(&billingForecastDataSource{}).Schema(ctx, datasource.SchemaRequest{}, schemaResp)
	b.ReportAllocs()
	for b.Loop() {
		client, err := guance.New(guance.Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
		if err != nil {
			b.Fatal(err)
		}
		details, err := client.BillingDetails(ctx, period)
		if err != nil {
			b.Fatal(err)
		}
		m := billingForecastModel{forecastPeriodModel: forecastPeriodModel{
			StartDate: types.StringValue("2023-01-01"), EndDate: types.StringValue("2023-12-31"), AsOf: types.StringValue("2023-12-31"),
			LookbackDays: types.NumberNull(), TimeZone: types.StringNull(),
		}}
		setForecast(&m, guance.NewForecast(spec, details.Select(guance.Filter{})))
		state := tfsdk.State{Schema: schemaResp.Schema}
		if diags := state.Set(ctx, &m); diags.HasError() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkFrameworkStateSet builds the same state the idiomatic way, State.Set on a model
// of framework values, and marshals it: the work the state writer replaces (the framework's
// own walk over the state after Read comes on top of it).
func BenchmarkFrameworkStateSet(b *testing.B) {
	sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: 274})
	defer sim.Close()
	client, err := guance.New(guance.Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
	if err != nil {
		b.Fatal(err)
	}
	details, err := client.BillingDetails(context.Background(), guance.Period{
		Start: guance.Date{Year: 2023, Month: 1, Day: 1}, End: guance.Date{Year: 2023, Month: 12, Day: 31},
	})
	if err != nil {
		b.Fatal(err)
	}
	cfg := detailsConfig{
		StartDate: types.StringValue("2023-01-01"), EndDate: types.StringValue("2023-12-31"),
		IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set(),
	}
	records := details.Select(guance.Filter{})
	b.Run("100k/framework", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			frameworkState(b, cfg, records, true, details.Billed())
		}
	})
	b.Run("100k/state-writer", func(b *testing.B) {
		q := billingQuery{includeRecords: true}
		if err := configValue(b, cfg).As(&q.config); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			state, err := billingState(q, records, details.Billed())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := state.MsgPack(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTerraformStateNumberFormatting measures what Terraform core spends writing a data
// source's numbers into state (go-cty's JSON encoding, which core runs twice per read while
// planning). Exact decimals arrive as 512-bit numbers, and formatting each of them back to its
// shortest decimal costs far more than an integer or a float64 does; this, not the provider,
// is what a plan over many records spends most of its time on. See BENCHMARKS.md.
func BenchmarkTerraformStateNumberFormatting(b *testing.B) {
	for name, number := range map[string]func(i int) cty.Value{
		"exact-decimal": func(i int) cty.Value { return cty.MustParseNumberVal(fmt.Sprintf("%d.52", i)) },
		"float64":       func(i int) cty.Value { return cty.NumberFloatVal(float64(i) + 0.52) },
		"integer":       func(i int) cty.Value { return cty.NumberIntVal(int64(i)) },
	} {
		b.Run(name, func(b *testing.B) {
			values := make([]cty.Value, 10000)
			for i := range values {
				values[i] = number(i)
			}
			list := cty.ListVal(values)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ctyjson.Marshal(list, list.Type()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(values)), "ns/number")
		})
	}
}
