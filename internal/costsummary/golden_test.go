package costsummary

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// goldenCase is a summary compared with testdata/NAME.md and NAME.txt, or a refused input's
// error with NAME.err. Its input is testdata/FIXTURE.json (FIXTURE defaults to NAME), a real
// plan made by scripts/summary-fixtures.sh, changed by edit when set.
type goldenCase struct {
	name, fixture string
	opts          Options
	edit          func(t *testing.T, raw []byte) []byte
	input         func(t *testing.T) []byte
}

var goldenCases = []goldenCase{
	{name: "one_read"},
	// The guard called as a module with literal budgets: each budget is found.
	{name: "modules", opts: Options{Currency: "CNY"}},
	{name: "forecast"},
	// A blocked plan: a postcondition failed, Terraform saved the plan marked errored.
	{name: "postcondition_failed", opts: Options{Currency: "CNY"}},
	{name: "check_warning", opts: Options{Currency: "CNY"}},
	{name: "empty_period"},
	{name: "state"},
	// A forecast read deferred to the apply (timestamp()) and a balance read that depends on a
	// resource not yet created: both shown as unknown, never left out.
	{name: "unknown_values"},
	{name: "no_reads"},
	// A year's details beside the month's guard: the year has no budget and no percentage.
	{name: "year_and_month"},
	// Planned on the 1st: no day elapsed, no forecast, no run rate.
	{name: "first_of_month"},
	// The CI recipe on a pull request from a fork: the step summary says why there is no comment.
	{name: "fork", fixture: "check_warning", opts: Options{Currency: "CNY", Note: forkNote}},
	{name: "exact", fixture: "check_warning", opts: Options{Currency: "CNY", Exact: true}},
	{name: "hostile_names", fixture: "one_read", edit: hostile, opts: Options{TopProducts: 8}},
	{name: "thousand_products", input: thousandProducts},
}

// forkNote is what examples/ci/cost-guard.yml passes with -note on a pull request from a fork.
const forkNote = "This pull request comes from a fork, which gets no secrets and no write token: the summary is on the job's page only, not in a comment."

func TestGoldenSummaries(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var raw []byte
			if c.input != nil {
				raw = c.input(t)
			} else {
				raw = readFixture(t, cmpOr(c.fixture, c.name))
			}
			if c.edit != nil {
				raw = c.edit(t, raw)
			}
			s, err := Parse(raw)
			if err != nil {
				compareGolden(t, c.name+".err", err.Error()+"\n")
				for _, ext := range []string{".md", ".txt"} {
					if _, statErr := os.Stat(filepath.Join("testdata", c.name+ext)); statErr == nil {
						t.Errorf("%s was refused, but testdata/%s%s exists", c.name, c.name, ext)
					}
				}
				return
			}
			md, err := Markdown(s, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if Length(md) > GitHubCommentLimit {
				t.Errorf("the Markdown takes %d characters, over GitHub's limit", Length(md))
			}
			compareGolden(t, c.name+".md", md)
			compareGolden(t, c.name+".txt", Text(s, c.opts))
		})
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// parseFixture parses testdata/name.json, a plan's JSON.
func parseFixture(t *testing.T, name string) (*Summary, error) {
	t.Helper()
	return Parse(readFixture(t, name))
}

func compareGolden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from the output; got:\n%s", path, got)
	}
}

// hostileNames are product names, an address and a date that try every way text can act in
// Markdown, HTML, Mermaid and a terminal.
var hostileNames = map[string]string{
	`"Log"`:            "Log | forged | cell",
	`"APM Trace"`:      "`code` ``fence`` <img src=x onerror=alert(1)>",
	`"RUM PV"`:         "[click](http://evil.example/x) ![i](http://evil.example/i.png)",
	`"Session Replay"`: "%%{init: {\"theme\": \"dark\"}}%%\nxychart-beta",
	`"Data Forward"`:   "line\nbreak \x1b[31mred\x1b[0m \u202etxt.exe",
	`"Metric"`:         "https://evil.example www.evil.example @someone #123 a@b.example",
	`"Security Check"`: "A product name far longer than any column of a table should hold",
	`"Synthetic Test"`: "观测云日志存储与索引与备份与转发与数据访问与其他计费项目",
}

func hostile(t *testing.T, raw []byte) []byte {
	t.Helper()
	for from, to := range hostileNames {
		text, err := json.Marshal(to)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(raw, []byte(from)) {
			t.Fatalf("the fixture has no %s to replace", from)
		}
		raw = bytes.ReplaceAll(raw, []byte(from), text)
	}
	for from, to := range map[string]string{
		`"data.guance_billing_details.march"`: `"data.guance_billing_details.march[\"|<b>x</b>` + "`" + `@all\\n\"]"`,
		`"start_date": "2024-03-01"`:          `"start_date": "2024-03-01\u001b]8;;http://evil.example\u0007"`,
	} {
		if !bytes.Contains(raw, []byte(from)) {
			t.Fatalf("the fixture has no %s to replace", from)
		}
		raw = bytes.ReplaceAll(raw, []byte(from), []byte(to))
	}
	return raw
}

// thousandProducts is a plan of 20 budget reads and 20 details reads of 1,000 products each,
// every budget over on 50 products: far more than a comment can hold.
func thousandProducts(t *testing.T) []byte {
	t.Helper()
	var resources []map[string]any
	for b := range 20 {
		byProduct := map[string]any{}
		totals := map[string]any{}
		var findings []any
		for p := range 1000 {
			name := fmt.Sprintf("Product %04d", p)
			actual := json.Number(fmt.Sprintf("%d.%02d", 1000+p, p%100))
			totals[name] = actual
			status := "ok"
			if p < 50 {
				status = "block"
				findings = append(findings, map[string]any{
					"action": "block", "basis": "actual", "scope": name, "value": actual, "limit": json.Number("1000"),
					"percent": json.Number("100"), "message": fmt.Sprintf("%s has cost %s, over its budget of 1000.00.", name, actual),
				})
			}
			byProduct[name] = map[string]any{
				"actual": actual, "forecast": actual, "amount": json.Number("1000"), "actual_percent": json.Number("100.5"),
				"forecast_percent": json.Number("100.5"), "previous": nil, "status": status,
			}
		}
		dates := map[string]any{}
		for d := 1; d <= 31; d++ {
			dates[fmt.Sprintf("2024-03-%02d", d)] = json.Number(fmt.Sprintf("%d", 1000*d+b))
		}
		resources = append(resources,
			map[string]any{
				"address": fmt.Sprintf("data.guance_billing_budget.team[\"team-%02d\"]", b), "mode": "data", "type": TypeBudget,
				"values": map[string]any{
					"name": fmt.Sprintf("team %02d", b), "start_date": "2024-03-01", "end_date": "2024-03-31", "as_of": "2024-03-31",
					"amount": json.Number("100000"), "totals_by_date": dates, "actual_billing_result": json.Number("1549500"), "forecast_billing_result": json.Number("1549500"),
					"actual_percent": json.Number("1549.5"), "forecast_percent": json.Number("1549.5"),
					"previous_billing_result": json.Number("1400000"), "change_percent": json.Number("10.678571"),
					"by_product": byProduct, "balance": nil, "runway_days": nil, "findings": findings, "status": "block",
				},
			},
			map[string]any{
				"address": fmt.Sprintf("data.guance_billing_details.team[\"team-%02d\"]", b), "mode": "data", "type": TypeDetails,
				"values": map[string]any{
					"start_date": "2024-03-01", "end_date": "2024-03-31", "total_billing_result": json.Number("1549500"),
					"totals_by_product": totals, "totals_by_date": dates, "totals_by_month": map[string]any{"2024-03": json.Number("1549500")},
				},
			})
	}
	plan := map[string]any{
		"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": map[string]any{},
		"prior_state": map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": resources}}},
		"errored":     true,
	}
	raw, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestEveryGoldenSummaryIsTested(t *testing.T) {
	t.Parallel()
	named := map[string]bool{}
	for _, c := range goldenCases {
		named[c.name] = true
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		if name != "README" && !named[name] {
			t.Errorf("%s is no golden case's: remove it or add the case", f)
		}
	}
}
