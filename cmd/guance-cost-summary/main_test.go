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
	if code := run([]string{"-format", "text", "-currency", "CNY", plan}, nil, &stdout, &stderr); code != 0 {
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
	if code := run(nil, f, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "<!-- guance-cost-summary -->\n### ⚠️ Guance billing") {
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
	for _, want := range []string{"12,647.97", "highest 3,291.58 USD", "amounts in USD rounded to 2 decimals"} {
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
	notAPlan := filepath.Join(dir, "tfplan")
	if err := os.WriteFile(notAPlan, []byte("PK\x03\x04 not a plan"), 0o600); err != nil {
		t.Fatal(err)
	}
	budgetsOK := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(budgetsOK, []byte(`{"guance_budgets": {"monthly": 5}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		"not JSON":             {nil, "Plan: 1 to add", 1, "standard input: the input is not the JSON"},
		"plan file on stdin":   {nil, "PK\x03\x04", 1, "binary plan file; pass it as a file argument"},
		"unreadable plan file": {[]string{"-terraform", "false", notAPlan}, "", 1, "false show -json " + notAPlan + ": exit status 1; run it in the directory where the plan was made"},
		"no room":              {[]string{"-max-chars", "100", unknown}, "", 1, "over the limit of 100: raise -max-chars"},
		"no max-chars":         {[]string{"-max-chars", "0", unknown}, "", 1, "-max-chars is 0"},
		"unknown format":       {[]string{"-format", "html", unknown}, "", 1, `-format is "html"`},
		"no product listed":    {[]string{"-top", "0", unknown}, "", 1, "-top is 0"},
		"bad budgets":          {[]string{"-budgets", budgets, unknown}, "", 1, "monthly is -5"},
		"bad currency":         {[]string{"-currency", "rmb", unknown}, "", 1, `-currency is "rmb"; a currency is an ISO 4217 code`},
		"missing file":         {[]string{filepath.Join(dir, "nope.json")}, "", 1, "no such file"},
		"two files":            {[]string{unknown, unknown}, "", 1, "one input at a time"},
		"bad flag":             {[]string{"-colour"}, "", 2, "flag provided but not defined"},
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

// A saved plan file is read through terraform show -json, by the binary -terraform names.
func TestRunReadsASavedPlanFileThroughTerraformShow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plan := filepath.Join(dir, "tfplan")
	if err := os.WriteFile(plan, []byte("PK\x03\x04 a saved plan"), 0o600); err != nil {
		t.Fatal(err)
	}
	fixture, err := filepath.Abs(filepath.Join("..", "..", "internal", "costsummary", "testdata", "check_warning.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A stand-in for terraform that checks its arguments and prints the plan's JSON.
	fake := filepath.Join(dir, "terraform")
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"show -json -no-color " + plan + "\" ] || { echo \"unexpected: $*\" >&2; exit 3; }\ncat '" + fixture + "'\n"
	if err := os.WriteFile(fake, []byte(script), 0o700); err != nil { //nolint:gosec // an executable test script
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-terraform", fake, "-format", "text", "-currency", "CNY", plan}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "internal", "costsummary", "testdata", "check_warning.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != string(want) {
		t.Errorf("got:\n%s", stdout.String())
	}
}
