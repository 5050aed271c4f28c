package guance

import (
	"slices"
	"testing"
)

var billedProducts = []string{"APM Trace", "Data Forward", "Log", "Metric", "RUM PV", "Security Check", "Session Replay", "Synthetic Test"}

func TestNearestSuggestsTheBilledValuesATypoMeant(t *testing.T) {
	cases := map[string][]string{
		"Logs":           {"Log"},
		"log":            {"Log"},
		"Metrics":        {"Metric"},
		"Session replay": {"Session Replay"},
		"RUM":            {"RUM PV"},
		"Replay":         {"Session Replay"},
		"Sesion Replay":  {"Session Replay"},
		"Kubernetes":     {},
		"":               {},
	}
	for value, want := range cases {
		if got := Nearest(value, billedProducts); !slices.Equal(got, want) {
			t.Errorf("Nearest(%q) = %q, want %q", value, got, want)
		}
	}
}

func TestNearestGivesAtMostThreeNearestFirst(t *testing.T) {
	got := Nearest("ab", []string{"abcd", "abc", "xab", "ab", "a", "zzzz"})
	if want := []string{"a", "abc", "xab"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEditDistanceCountsRunes(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"log", "log", 0}, {"logs", "log", 1}, {"kitten", "sitting", 3}, {"生产环境", "生产", 2}, {"", "abc", 3}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
