package guance

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// didYouMean is ` (did you mean "a" or "b"?)` for the candidates Nearest finds near value, or
// "" when none is: the hint goes right after the quoted value in an error.
func didYouMean(value string, candidates []string) string {
	near := Nearest(value, candidates)
	if len(near) == 0 {
		return ""
	}
	quoted := make([]string, len(near))
	for i, n := range near {
		quoted[i] = strconv.Quote(n)
	}
	list := quoted[0]
	if len(quoted) > 1 {
		list = strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	}
	return " (did you mean " + list + "?)"
}

// offsetHint is ` (did you mean "+08:00"?)` for an offset written another common way: +8,
// +8:00, +0800, UTC+8, GMT+08:00. "" when s is none of them.
func offsetHint(s string) string {
	rest := s
	for _, prefix := range []string{"UTC", "GMT", "utc", "gmt"} {
		rest = strings.TrimPrefix(rest, prefix)
	}
	if rest == "" || (rest[0] != '+' && rest[0] != '-') {
		return ""
	}
	sign, digits := rest[:1], strings.ReplaceAll(rest[1:], ":", "")
	if !allDigits(digits) {
		return ""
	}
	var hours, minutes string
	switch len(digits) {
	case 1, 2:
		hours, minutes = digits, "00"
	case 3, 4:
		hours, minutes = digits[:len(digits)-2], digits[len(digits)-2:]
	default:
		return ""
	}
	canonical := sign + strings.Repeat("0", 2-len(hours)) + hours + ":" + minutes
	if canonical == s {
		return ""
	}
	if _, err := parseOffset(canonical); err != nil {
		return ""
	}
	return " (did you mean " + strconv.Quote(canonical) + "?)"
}

// zoneNames lists the IANA zone names of this machine's time zone database, for hints only:
// where there is none (Windows), a misspelt zone gets no hint, and its error is the same.
var zoneNames = sync.OnceValue(func() []string {
	dir := os.Getenv("ZONEINFO")
	if info, err := os.Stat(dir); dir == "" || err != nil || !info.IsDir() {
		dir = "/usr/share/zoneinfo"
	}
	var names []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fs.SkipDir
		}
		name, _ := filepath.Rel(dir, path)
		name = filepath.ToSlash(name)
		switch {
		case d.IsDir() && (name == "posix" || name == "right"):
			return fs.SkipDir
		case d.IsDir() || name == "" || !unicode.IsUpper(rune(name[0])) || strings.Contains(name, "."):
			return nil
		}
		names = append(names, name)
		return nil
	})
	return names
})
