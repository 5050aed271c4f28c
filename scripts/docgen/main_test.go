package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestFillReplacesOnlyWhatStandsBetweenTheMarkers(t *testing.T) {
	t.Parallel()
	in := "before\n<!-- BEGIN GENERATED sites: make docs -->\nstale\n<!-- END GENERATED sites -->\nafter\n"
	used := map[string]bool{}
	out, err := fill(in, used)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "before\n<!-- BEGIN GENERATED sites: make docs -->\n| `region` |") ||
		!strings.HasSuffix(out, "|\n<!-- END GENERATED sites -->\nafter\n") || strings.Contains(out, "stale") {
		t.Errorf("fill gave:\n%s", out)
	}
	if !used["sites"] {
		t.Error("the sites section is not marked as used")
	}
	again, err := fill(out, used)
	if err != nil || again != out {
		t.Errorf("a second fill changed the text (err %v)", err)
	}
}

func TestFillRefusesBrokenMarkers(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"unknown section": "<!-- BEGIN GENERATED nope: make docs -->\n<!-- END GENERATED nope -->",
		"crossed names":   "<!-- BEGIN GENERATED sites: make docs -->\n<!-- END GENERATED other -->",
		"no end":          "<!-- BEGIN GENERATED sites: make docs -->\ntext",
	} {
		if _, err := fill(in, map[string]bool{}); err == nil {
			t.Errorf("%s: fill succeeded", name)
		}
	}
}

func TestEverySiteStatesWhatIsKnownOfItsBillingDayAndCurrency(t *testing.T) {
	t.Parallel()
	table := sitesTable()
	for _, want := range []string{
		"| `hangzhou` | `cn1` | China 1 (Hangzhou), the default | <https://openapi.guance.com> | `+08:00` (assumed) | CNY (assumed) |",
		"| `frankfurt` | `eu1` | EU1 (Frankfurt) | <https://eu1-openapi.guance.one> | unknown | unknown |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

// Every test the failure table names as a proof exists, so a renamed or deleted test cannot
// leave the table citing nothing.
func TestEveryProofTheFailureTableNamesExists(t *testing.T) {
	t.Parallel()
	defined := map[string]bool{}
	testFunc := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)\w+)\(`)
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		text, err := os.ReadFile(path) //nolint:gosec // the repository's own files
		for _, m := range testFunc.FindAllStringSubmatch(string(text), -1) {
			defined[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		if len(f.tests) == 0 {
			t.Errorf("%q names no test", f.fault)
		}
		for _, name := range f.tests {
			if !defined[name] {
				t.Errorf("%q names %s, which no test file defines", f.fault, name)
			}
		}
	}
}
