package guance

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxSuggestions bounds how many near values Nearest returns.
const maxSuggestions = 3

// Nearest returns the candidates closest to value, for a "did you mean" hint: those that
// differ only in letter case, contain it or are contained in it, or are within an edit
// distance of a third of its length (at least 2), nearest first, at most three. It returns
// none when nothing is near, since a far-fetched hint misleads more than none.
func Nearest(value string, candidates []string) []string {
	type scored struct {
		name     string
		distance int
	}
	lower := strings.ToLower(value)
	limit := max(2, utf8.RuneCountInString(value)/3)
	var near []scored
	for _, c := range candidates {
		if c == value {
			continue
		}
		lc := strings.ToLower(c)
		d := editDistance(lower, lc)
		if d <= limit || (lower != "" && (strings.Contains(lc, lower) || strings.Contains(lower, lc))) {
			near = append(near, scored{c, d})
		}
	}
	slices.SortFunc(near, func(a, b scored) int {
		if a.distance != b.distance {
			return a.distance - b.distance
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, min(len(near), maxSuggestions))
	for _, s := range near[:min(len(near), maxSuggestions)] {
		out = append(out, s.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
