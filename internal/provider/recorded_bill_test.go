package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// recordBill saves what the simulator answers for the period, and its balance beside it, as
// the guide's curl commands do, and returns the bill's path.
func recordBill(t *testing.T, sim *guancesim.Server, start, end string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bill.json")
	for file, url := range map[string]string{
		path:                             sim.URL() + guance.BillingDetailsPath + "?startDate=" + start + "&endDate=" + end,
		guance.RecordedBalancePath(path): sim.URL() + guance.BalancePath,
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(guance.TokenHeader, guancesim.DefaultToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("recording %s: HTTP %d, %v", url, resp.StatusCode, err)
		}
		if err := os.WriteFile(file, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// recordedProvider is a provider block that reads the recorded bill at path.
func recordedProvider(path string) string {
	return fmt.Sprintf("provider \"guance\" {\n  recorded_bill = %q\n}\n", path)
}

// everyRead reads details, a forecast and the balance, so that a comparison covers them all.
const everyRead = `
data "guance_billing_details" "test" {
  start_date = "2024-03-05"
  end_date   = "2024-03-20"
}
data "guance_billing_forecast" "test" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
}
data "guance_billing_balance" "test" {}
`

// stateValues keeps every attribute of every data source of the state it sees, in values,
// and when want is set, fails unless those equal want's.
type stateValues struct {
	values map[string]map[string]any
	want   *stateValues
}

func (s *stateValues) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	s.values = map[string]map[string]any{}
	for _, r := range req.State.Values.RootModule.Resources {
		s.values[r.Address] = r.AttributeValues
	}
	switch {
	case len(s.values) != 3:
		resp.Error = fmt.Errorf("the state holds %d data sources, want 3", len(s.values))
	case s.want != nil && !reflect.DeepEqual(s.values, s.want.values):
		for addr, got := range s.values {
			for name, v := range got {
				if want := s.want.values[addr][name]; !reflect.DeepEqual(v, want) {
					resp.Error = fmt.Errorf("%s.%s is %v from the recorded bill, %v from the simulator", addr, name, v, want)
					return
				}
			}
		}
		resp.Error = fmt.Errorf("the states differ: %v and %v", s.values, s.want.values)
	}
}

// A bill recorded from the simulator, read through recorded_bill, gives the state the
// simulator's own answers give, for a part of its days: records, totals, forecast, balance.
func TestARecordedBillGivesTheStateTheAPIGives(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	bill := recordBill(t, sim, "20240301", "20240331")
	fromSim := &stateValues{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: simProvider(sim) + everyRead, ConfigStateChecks: []statecheck.StateCheck{fromSim}},
			{Config: recordedProvider(bill) + everyRead, ConfigStateChecks: []statecheck.StateCheck{&stateValues{want: fromSim}}},
		},
	})
}

// A recorded bill that is missing, a link, malformed, ambiguous, or short of the days a read
// asks for is refused with the error its fault gets from the API, naming the file; a read it
// covers still works after.
func TestARecordedBillThatCannotServeAReadIsRefusedNamingTheFile(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	bill := recordBill(t, sim, "20240301", "20240331")
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(bill, link); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(bill)
	duplicated := strings.Replace(string(good), `"billingResult":`, `"billingResult": "0", "billingResult":`, 1)
	// Only the bill: its balance sibling is not recorded.
	noBalance := write("nobalance.json", string(good))
	cases := []struct {
		config string
		want   []string
	}{
		{billingConfig(recordedProvider(filepath.Join(dir, "missing.json")), "2024-03-01", "2024-03-02"),
			[]string{"the recorded bill cannot serve it", "missing.json does not exist"}},
		{billingConfig(recordedProvider(link), "2024-03-01", "2024-03-02"),
			[]string{"link.json is a symbolic link, which the provider does not follow"}},
		{billingConfig(recordedProvider(write("malformed.json", `{"code": 200, "content": [`)), "2024-03-01", "2024-03-02"),
			[]string{"unusable answer", "malformed.json", "truncated answer"}},
		{billingConfig(recordedProvider(write("duplicated.json", duplicated)), "2024-03-01", "2024-03-02"),
			[]string{"unusable answer", "duplicated.json", `"billingResult" is given twice`}},
		{billingConfig(recordedProvider(bill), "2024-02-28", "2024-03-02"),
			[]string{"covers 2024-03-01 to 2024-03-31", "this read asks for 2024-02-28 to 2024-03-02"}},
		{recordedProvider(noBalance) + `data "guance_billing_balance" "test" {}`,
			[]string{"Could not read the Guance account balance", "nobalance.balance.json does not exist"}},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, ExpectError: errorLike(c.want...)})
	}
	steps = append(steps, resource.TestStep{
		Config:            billingConfig(recordedProvider(bill), "2024-03-31", "2024-03-31"),
		ConfigStateChecks: []statecheck.StateCheck{expect(at("total_billing_result"), knownvalue.NotNull())},
	})
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}
