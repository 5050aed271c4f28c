package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

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
				t := &testing.T{}
				config := configValue(t, frameworkModel{
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
					stateBytes = len(state)
				}
				b.ReportMetric(float64(stateBytes), "state-bytes")
			})
		}
	}
}
