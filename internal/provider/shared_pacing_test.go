package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// retrySignal closes retried when a client logs its first retry: by then the attempt before
// it has settled with the pacer, and the hold a limit answer made is in the pacing book.
type retrySignal struct {
	once    sync.Once
	retried chan struct{}
}

func (l *retrySignal) Debug(_ context.Context, msg string, _ map[string]any) {
	if msg == "Guance API attempt failed, retrying" {
		l.once.Do(func() { close(l.retried) })
	}
}

func (*retrySignal) Trace(context.Context, string, map[string]any) {}

// The crash of issue 19, as it happened: plan A (max_retry_wait 3m), same user, key and
// endpoint, is refused once by the API's limit and holds every process on the key for 5 to
// 10 s; plan B, with max_retry_wait = "2s", gives up at once with an error that says another
// process was refused and until when the key is held, and what to do; not with a crash. Let
// wait 30 s, it reads once the hold is over.
func TestAPlanHeldByAnotherPlansLimitAnswerSaysSoInsteadOfCrashing(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	signal := &retrySignal{retried: make(chan struct{})}
	planA, err := guance.New(guance.Config{
		BaseURL: sim.URL(), Token: guancesim.DefaultToken, SharedPacing: true, MaxRetryWait: 3 * time.Minute, Logger: signal,
	})
	if err != nil {
		t.Fatal(err)
	}
	sim.InjectFault(guancesim.FaultRateLimitKey, 1)
	done := make(chan error, 1)
	go func() {
		d := guance.Date{Year: 2024, Month: time.March, Day: 1}
		_, err := planA.BillingDetails(context.Background(), guance.Period{Start: d, End: d})
		done <- err
	}()
	<-signal.retried
	planB := func(wait string) string {
		return billingConfig(fmt.Sprintf(`
provider "guance" {
  endpoint       = %q
  access_token   = %q
  max_retry_wait = %q
}
`, sim.URL(), guancesim.DefaultToken, wait), "2024-03-01", "2024-03-01")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: planB("2s"), ExpectError: errorLike(
				"Could not read Guance billing for 2024-03-01 to 2024-03-01: the key's rate limit is held by another process",
				"another process on this machine using the same key and endpoint was refused by the API's rate limit",
				"held since", "longer than this read's max_retry_wait of 2s; nothing was sent",
				"Raise max_retry_wait above the hold")},
			{Config: planB("30s"), ConfigStateChecks: []statecheck.StateCheck{
				expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
			}},
		},
	})
	if err := <-done; err != nil {
		t.Errorf("plan A: %v", err)
	}
}
