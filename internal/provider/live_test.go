package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// TestAccBillingDetailsLive reads last month's bill from the real API. It runs only with
// TF_ACC and GUANCE_ACCESS_TOKEN set (GUANCE_REGION or GUANCE_ENDPOINT pick the site).
func TestAccBillingDetailsLive(t *testing.T) {
	t.Parallel()
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			if liveEnv[EnvAccessToken] == "" {
				t.Skip("GUANCE_ACCESS_TOKEN is not set; the live test reads the real Guance API")
			}
		},
		ProtoV6ProviderFactories: testProvider{env: liveEnv}.factories(),
		Steps: []resource.TestStep{{
			Config: billingConfig(`provider "guance" {}`, lastMonth().Start.String(), lastMonth().End.String()),
			ConfigStateChecks: []statecheck.StateCheck{
				expect(at("total_billing_result"), knownvalue.NotNull()),
				expect(at("records"), knownvalue.NotNull()),
			},
		}},
	})
}

func lastMonth() guance.Period {
	firstOfThisMonth := guance.DateOf(time.Now().UTC())
	firstOfThisMonth.Day = 1
	end := firstOfThisMonth.AddDays(-1)
	return guance.Period{Start: guance.Date{Year: end.Year, Month: end.Month, Day: 1}, End: end}
}
