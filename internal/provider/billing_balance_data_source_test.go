package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

const balanceAddr = "data.guance_billing_balance.test"

// balanceConfig reads the balance through the provider block given.
func balanceConfig(providerBlock string) string {
	return providerBlock + `
data "guance_billing_balance" "test" {}
`
}

func expectBalance(cash, coupon, storedCard knownvalue.Check, total string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(balanceAddr, at("cash_balance"), cash),
		statecheck.ExpectKnownValue(balanceAddr, at("coupon_balance"), coupon),
		statecheck.ExpectKnownValue(balanceAddr, at("stored_card_balance"), storedCard),
		statecheck.ExpectKnownValue(balanceAddr, at("total_balance"), knownvalue.NumberExact(num(total))),
	}
}

// The simulator's balance: 12873.40 + 500 + 2000.5 is exactly 15373.9.
func TestBillingBalanceReadsExactBalancesAndTotal(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: balanceConfig(simProvider(sim)),
			ConfigStateChecks: expectBalance(
				knownvalue.NumberExact(num("12873.40")), knownvalue.NumberExact(num("500")),
				knownvalue.NumberExact(num("2000.5")), "15373.9"),
		}},
	})
}

// "None" is null, and the total counts it as 0 while staying exact where float64 is not
// (0.1 + 0.2 is 0.30000000000000004 in float64).
func TestBillingBalanceNoneIsNullAndTheTotalStaysExact(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.SetBalance(guancesim.Balance{Cash: "0.1", Coupon: "None", StoredCard: "0.2"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: balanceConfig(simProvider(sim)),
			ConfigStateChecks: expectBalance(
				knownvalue.NumberExact(num("0.1")), knownvalue.Null(), knownvalue.NumberExact(num("0.2")), "0.3"),
		}},
	})
}

// However many blocks read the balance, each Terraform command asks the API once.
func TestBillingBalanceIsReadOncePerRun(t *testing.T) {
	t.Parallel()
	requests := func(blocks string) int {
		sim := newSim(t, guancesim.Options{})
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: simProvider(sim) + blocks, PlanOnly: true}},
		})
		return sim.RequestsTo(guancesim.PathBalance)
	}
	one := requests(`data "guance_billing_balance" "a" {}`)
	three := requests(`
data "guance_billing_balance" "a" {}
data "guance_billing_balance" "b" {}
data "guance_billing_balance" "c" {}
`)
	if one == 0 || three != one {
		t.Errorf("%d balance requests for one block, %d for three", one, three)
	}
}

// Nothing of an unusable answer reaches the plan; the error names the field and the value.
func TestBillingBalanceFailsOnUnusableAnswers(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	cases := map[guancesim.FaultKind][]string{
		guancesim.FaultNonNumericAmount: {"Could not read the Guance account balance: unusable answer", "GET " + sim.URL() + guancesim.PathBalance,
			`cashBalance is "12,50 CNY", which is not a number`, "traceId TRACE-"},
		guancesim.FaultContentNotList: {"unusable answer", "content has none of cashBalance, couponBalance, storedCardBalance"},
	}
	for fault, want := range cases {
		t.Run(string(fault), func(t *testing.T) {
			sim.InjectFault(fault, 1)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: balanceConfig(simProvider(sim)), ExpectError: errorLike(want...)}},
			})
		})
	}
}

func TestBillingBalanceRejectedTokenSaysUseTheSecret(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	failsWith(t, balanceConfig(`
provider "guance" {
  endpoint     = "`+sim.URL()+`"
  access_token = "the-key-id-not-the-secret"
}`), "Guance rejected the access token", "GET "+sim.URL()+guancesim.PathBalance, "HTTP 403", "ft.InvalidAPIKey", "traceId TRACE-", "Use the API Key *secret*")
	if n := sim.RequestsTo(guancesim.PathBalance); n != 1 {
		t.Errorf("a rejected token was retried: %d requests", n)
	}
}

func TestBillingBalanceRidesOutTransientFaults(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.InjectFault(guancesim.FaultRateLimitKey, 1)
	sim.InjectFault(guancesim.FaultBadGatewayHTML, 1)
	sim.InjectFault(guancesim.FaultTruncatedJSON, 1)
	readsAs(t, balanceConfig(simProvider(sim)),
		statecheck.ExpectKnownValue(balanceAddr, at("total_balance"), knownvalue.NumberExact(num("15373.9"))),
	)
	faults := sim.FaultsServed()
	if faults[guancesim.FaultRateLimitKey] != 1 || faults[guancesim.FaultBadGatewayHTML] != 1 || faults[guancesim.FaultTruncatedJSON] != 1 {
		t.Errorf("faults served: %v", faults)
	}
}

// balanceExampleTest runs step on the documentation's balance example, read from a simulator
// holding balance.
func balanceExampleTest(t *testing.T, balance guancesim.Balance, step resource.TestStep) {
	t.Helper()
	sim := newSim(t, guancesim.Options{})
	sim.SetBalance(balance)
	step.Config = exampleConfig(t, sim, "data-sources/guance_billing_balance/data-source.tf")
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: []resource.TestStep{step}})
}

func TestBillingBalanceExamplePlansAtTheFloor(t *testing.T) {
	t.Parallel()
	balanceExampleTest(t, guancesim.Balance{Cash: "900", Coupon: "None", StoredCard: "100"}, resource.TestStep{
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("total_balance", knownvalue.NumberExact(num("1000"))),
			statecheck.ExpectKnownOutputValue("coupon_balance", knownvalue.NumberExact(num("0"))),
		},
	})
}

func TestBillingBalanceExampleGuardBlocksThePlanBelowTheFloor(t *testing.T) {
	t.Parallel()
	balanceExampleTest(t, guancesim.Balance{Cash: "899.99", Coupon: "None", StoredCard: "100"}, resource.TestStep{
		PlanOnly:    true,
		ExpectError: errorLike("Resource postcondition failed", "The Guance balance is 999.99 CNY, below the floor of 1000.00 CNY: top up the account before applying."),
	})
}
