package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The API field each row of recordFields names is the one the client decodes into that row's
// value: an answer carrying a distinct value in every named field (and the older name in a
// second record) reads back as those values, field by field.
func TestRecordFieldsNameTheAPIFieldsTheClientDecodes(t *testing.T) {
	t.Parallel()
	const day = "2024-03-01"
	want := map[string]string{}
	newer, older := map[string]any{}, map[string]any{}
	for i, f := range recordFields {
		value := "text of " + f.apiField
		switch {
		case f.name == "date":
			value = day
		case f.number != nil:
			value = strconv.Itoa(i+1) + ".25"
		}
		want[f.name] = value
		newer[f.apiField] = value
		if f.olderAPIField != "" {
			older[f.olderAPIField] = value
		} else {
			older[f.apiField] = value
		}
	}
	body, err := json.Marshal(map[string]any{"code": 200, "content": []any{newer, older}, "errorCode": "", "message": "", "success": true, "traceId": "t"})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(server.Close)
	client, err := guance.New(guance.Config{BaseURL: server.URL, Token: guancesim.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	march := guance.DateOf(time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC))
	details, err := client.BillingDetails(context.Background(), guance.Period{Start: march, End: march})
	if err != nil {
		t.Fatal(err)
	}
	records := details.Select(guance.Filter{})
	if len(records) != 2 {
		t.Fatalf("%d records, want 2", len(records))
	}
	for which, r := range map[string]*guance.BillingRecord{"current names": records[0], "older names": records[1]} {
		for _, f := range recordFields {
			got := f.text
			if f.number != nil {
				got = func(r *guance.BillingRecord) guance.Text { return guance.TextOf(f.number(r).String()) }
			}
			if got(r).Value() != want[f.name] {
				t.Errorf("%s: %s (API field %s) reads %q, want %q", which, f.name, f.apiField, got(r).Value(), want[f.name])
			}
		}
	}
}
