package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// Two plans on one machine with the same key (two provider processes: each plan here has a
// provider instance and a client of its own) read the same period and balance: the second is
// served the first one's answers with no request, and its state is the same exact bill.
func TestTwoPlansOnOneMachineShareOneAnswerOfEachRead(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	config := fmt.Sprintf(`
provider "guance" {
  endpoint        = %q
  access_token    = %q
  shared_read_ttl = "60s"
}

data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  include_records = false
}

data "guance_billing_balance" "test" {}
`, sim.URL(), guancesim.DefaultToken)
	for plan := range 2 {
		readsAs(t, config,
			statecheck.ExpectKnownValue("data.guance_billing_details.test", tfjsonpath.New("total_billing_result"),
				knownvalue.NumberExact(num("80527.10"))),
			statecheck.ExpectKnownValue("data.guance_billing_balance.test", tfjsonpath.New("total_balance"),
				knownvalue.NumberExact(num("15373.9"))))
		if sim.Requests() != 1 || sim.RequestsTo(guancesim.PathBalance) != 1 {
			t.Errorf("after plan %d: %d billing and %d balance requests, want 1 of each", plan+1,
				sim.Requests(), sim.RequestsTo(guancesim.PathBalance))
		}
	}
}
