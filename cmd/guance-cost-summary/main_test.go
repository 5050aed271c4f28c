package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPrintsTheSummaryOfAFileOrStandardInput(t *testing.T) {
	t.Parallel()
	plan := filepath.Join("..", "..", "internal", "costsummary", "testdata", "check_warning.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-format", "text", plan}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "internal", "costsummary", "testdata", "check_warning.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != string(want) {
		t.Errorf("got:\n%s", stdout.String())
	}

	f, err := os.Open(plan)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdout.Reset()
	if code := run(nil, f, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "## Guance billing") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// -currency states the currency a plan without a currency variable does not.
func TestRunPrintsAmountsInTheCurrencyOfTheFlag(t *testing.T) {
	t.Parallel()
	plan := filepath.Join("..", "..", "internal", "costsummary", "testdata", "one_read.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-format", "text", "-currency", "USD", plan}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"35096.28 USD", "amounts in USD as Terraform holds them"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout.String())
		}
	}
}

// Nothing is half-rendered: on any error standard output stays empty.
func TestRunPrintsNothingButTheReasonOnBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	budgets := filepath.Join(dir, "budgets.json")
	if err := os.WriteFile(budgets, []byte(`{"guance_budgets": {"monthly": -5}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join("..", "..", "internal", "costsummary", "testdata", "unknown_values.json")
	for name, c := range map[string]struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		"not JSON":          {nil, "Plan: 1 to add", 1, "standard input: the input is not the JSON"},
		"deferred read":     {[]string{unknown}, "", 1, "only during the apply"},
		"unknown format":    {[]string{"-format", "html", unknown}, "", 1, `-format is "html"`},
		"no product listed": {[]string{"-top", "0", unknown}, "", 1, "-top is 0"},
		"bad budgets":       {[]string{"-budgets", budgets, unknown}, "", 1, "monthly is -5"},
		"bad currency":      {[]string{"-currency", "rmb", unknown}, "", 1, `-currency is "rmb"; a currency is an ISO 4217 code`},
		"missing file":      {[]string{filepath.Join(dir, "nope.json")}, "", 1, "no such file"},
		"two files":         {[]string{unknown, unknown}, "", 1, "one input at a time"},
		"bad flag":          {[]string{"-colour"}, "", 2, "flag provided but not defined"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(c.args, strings.NewReader(c.stdin), &stdout, &stderr)
			if code != c.code || stdout.Len() != 0 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, c.code, stdout.String(), stderr.String(), c.want)
			}
		})
	}
}
