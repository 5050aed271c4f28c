package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// Every diagnostic builder is total: whatever error or value it is given, a nil one, a zero
// value or one with nil fields, it builds a diagnostic with a summary and a detail, and never
// panics. A panic here would be a plugin crash in front of the user.
func TestEveryDiagnosticBuilderIsTotal(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"nil":                                 nil,
		"plain":                               errors.New("x"),
		"APIError zero":                       &guance.APIError{},
		"APIError nil":                        (*guance.APIError)(nil),
		"APIError rate limit":                 &guance.APIError{HTTPStatus: 429},
		"DecodeError zero":                    &guance.DecodeError{},
		"DecodeError nil":                     (*guance.DecodeError)(nil),
		"AttemptsError zero":                  &guance.AttemptsError{},
		"AttemptsError nil":                   (*guance.AttemptsError)(nil),
		"AttemptsError with a nil Last":       &guance.AttemptsError{Attempts: 3, Reason: "r"},
		"AttemptsError with a nil APIError":   &guance.AttemptsError{Last: (*guance.APIError)(nil)},
		"AttemptsError with a zero APIError":  &guance.AttemptsError{Last: &guance.APIError{}},
		"TooSlowError zero":                   &guance.TooSlowError{},
		"TooSlowError nil":                    (*guance.TooSlowError)(nil),
		"TooSlowError with a nil DecodeError": &guance.TooSlowError{Last: (*guance.DecodeError)(nil)},
		"HeldByOtherProcessError zero":        &guance.HeldByOtherProcessError{},
		"HeldByOtherProcessError nil":         (*guance.HeldByOtherProcessError)(nil),
		"RedirectError zero":                  &guance.RedirectError{},
		"RedirectError nil":                   (*guance.RedirectError)(nil),
		"RecordingError zero":                 &guance.RecordingError{},
		"RecordingError nil":                  (*guance.RecordingError)(nil),
		"wrapped nil AttemptsError":           fmt.Errorf("w: %w", (*guance.AttemptsError)(nil)),
		"cancelled":                           context.Canceled,
		"deadline in AttemptsError":           &guance.AttemptsError{Last: context.DeadlineExceeded},
	}
	for name, err := range errs {
		t.Run("clientErrorDiagnostic/"+name, func(t *testing.T) {
			t.Parallel()
			checkDiagnostic(t, clientErrorDiagnostic("Could not read", err))
			data := &providerData{}
			checkDiagnostic(t, data.readError("Could not read", err))
			checkDiagnostic(t, data.readError("Could not read", err)) // said once: the second points to the first
			checkDiagnostic(t, (*providerData)(nil).readError("Could not read", err))
		})
	}
	t.Run("periodDiagnostic", func(t *testing.T) {
		t.Parallel()
		checkDiagnostic(t, periodDiagnostic("", nil))
		checkDiagnostic(t, periodDiagnostic("2024-13-01", errors.New("x")))
	})
	t.Run("readyClient", func(t *testing.T) {
		t.Parallel()
		for _, d := range []*providerData{nil, {}, {missingToken: true}, {unknownConfig: "endpoint"}} {
			if _, diags := d.readyClient(); d == nil || d.missingToken || d.unknownConfig != "" {
				checkDiagnostic(t, diags[0])
			}
		}
	})
	t.Run("configuredData", func(t *testing.T) {
		t.Parallel()
		var diags diag.Diagnostics
		configuredData(42, &diags)
		checkDiagnostic(t, diags[0])
		if configuredData(nil, &diags) != nil {
			t.Error("no provider data gave data")
		}
	})
	t.Run("pacingDiagnostics", func(t *testing.T) {
		t.Parallel()
		for _, p := range []guance.Pacing{{}, {Waited: time.Hour}, {Waited: time.Hour, Window: time.Minute}} {
			for _, d := range pacingDiagnostics(context.Background(), "", p) {
				checkDiagnostic(t, d)
			}
		}
	})
	t.Run("unmatchedFilterWarnings", func(t *testing.T) {
		t.Parallel()
		q := billingQuery{filter: guance.Filter{ProductDetails: map[string]bool{"": true}}}
		for _, d := range unmatchedFilterWarnings(q, guance.Billed{}) {
			checkDiagnostic(t, d)
		}
	})
	t.Run("unbilledKeyWarnings", func(t *testing.T) {
		t.Parallel()
		spec := guance.BudgetSpec{ProductAmounts: map[string]guance.Decimal{"": {}}, DailyLimits: map[string]guance.Decimal{"x": {}}}
		for _, d := range unbilledKeyWarnings(guance.Period{}, nil, spec) {
			checkDiagnostic(t, d)
		}
		_ = unbilledKeyWarnings(guance.Period{}, nil, guance.BudgetSpec{})
	})
}

func checkDiagnostic(t *testing.T, d diag.Diagnostic) {
	t.Helper()
	if d == nil || d.Summary() == "" || d.Detail() == "" {
		t.Errorf("diagnostic %#v lacks a summary or a detail", d)
	}
}

// After a provider process is killed with kill -9 mid-request, the next plan waits for the
// slot it left (2m54s at requests_per_minute = 1); the warning names that cause and does not
// tell the plan to read fewer periods. TestAReadWaitingForTheSlotOfAKilledProcessNamesIt
// shows the client's Pacing for a real killed process.
func TestAWaitForTheSlotOfAKilledProcessBlamesItNotThePlan(t *testing.T) {
	t.Parallel()
	killed := guance.Pacing{Waited: 2*time.Minute + 54*time.Second, Requests: 1, Limit: 1, Window: time.Minute,
		Orphaned: 1, OrphanPIDs: []int{4242}}
	diags := pacingDiagnostics(context.Background(), "billing for 2024-03-01 to 2024-03-01", killed)
	if len(diags) != 1 || diags[0].Summary() != "Guance reads waited for a slot of a process that died" {
		t.Fatalf("diagnostics %v, want one warning that a process died", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{
		"Reading billing for 2024-03-01 to 2024-03-01 waited 2m54s for a request slot because 1 slot in use on this key was " +
			"booked by another provider process (pid 4242) that never recorded the answer",
		"killed while its request is in flight (kill -9",
		"stays taken for a minute plus the request timeout after its booking",
		"The wait was not caused by this plan's reads, and it ends by itself.",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("the warning lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "read fewer") {
		t.Errorf("the warning blames the plan's reads:\n%s", detail)
	}
	busy := killed
	busy.Orphaned, busy.OrphanPIDs = 0, nil
	if d := pacingDiagnostics(context.Background(), "x", busy); len(d) != 1 || !strings.Contains(d[0].Detail(), "To read fewer") {
		t.Errorf("a wait for the plan's own reads no longer says how to read fewer: %v", d)
	}
}
