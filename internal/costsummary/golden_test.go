package costsummary

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// Each case is testdata/NAME.json, the output of terraform show -json (see testdata/README.md
// for how each was made). A summary is compared with NAME.md and NAME.txt; a refused input's
// error with NAME.err.
var goldenCases = []string{
	"one_read",
	"modules",
	"forecast",
	"postcondition_failed",
	"check_warning",
	"empty_period",
	"state",
	"long_name",
	"non_utf8",
	"unknown_values",
	"no_reads",
}

func TestGoldenSummaries(t *testing.T) {
	t.Parallel()
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := parseFixture(t, name)
			if err != nil {
				compareGolden(t, name+".err", err.Error()+"\n")
				for _, ext := range []string{".md", ".txt"} {
					if _, statErr := os.Stat(filepath.Join("testdata", name+ext)); statErr == nil {
						t.Errorf("%s was refused, but testdata/%s%s exists", name, name, ext)
					}
				}
				return
			}
			compareGolden(t, name+".md", Markdown(s, Options{}))
			compareGolden(t, name+".txt", Text(s, Options{}))
		})
	}
}

// parseFixture parses testdata/name.json, a plan's JSON.
func parseFixture(t *testing.T, name string) (*Summary, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f)
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
