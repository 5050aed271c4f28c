package guance

import "strings"

// minLeak is the shortest piece of the token that the scrubber hides: a server that echoes
// part of the key still must not get it printed, and 8 characters of a random key are as
// good as unique, so ordinary text is not mangled.
const minLeak = 8

// scrubber hides the access token in text that came from the server. Every such string — the
// envelope's message, errorCode and traceId, an HTML title, a body excerpt, a value a decode
// error quotes, a record's text — passes through it as it is read, before it can reach an
// error, a diagnostic, a log line or the state. It replaces the token, and any piece of it of
// minLeak characters or more, with "***".
type scrubber struct {
	token string
	// grams holds every minLeak-byte piece of the token, packed, so that text can be checked
	// at each position with one lookup.
	grams map[uint64]struct{}
}

func newScrubber(token string) *scrubber {
	s := &scrubber{token: token, grams: map[uint64]struct{}{}}
	for i := 0; i+minLeak <= len(token); i++ {
		s.grams[pack(token[i:])] = struct{}{}
	}
	return s
}

// pack reads the first minLeak bytes of s as one number.
func pack(s string) uint64 {
	var v uint64
	for i := range minLeak {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// String returns s with every piece of the token of minLeak bytes or more replaced by "***".
// Text without one is returned as it is, without allocating.
func (s *scrubber) String(text string) string {
	if s == nil || s.token == "" {
		return text
	}
	if len(s.token) < minLeak {
		return strings.ReplaceAll(text, s.token, "***")
	}
	var out strings.Builder
	copied := 0 // text[:copied] is in out, or needs no copy while out is empty
	for i := 0; i+minLeak <= len(text); {
		if _, hit := s.grams[pack(text[i:])]; !hit {
			i++
			continue
		}
		// Extend the piece as far as it stays a piece of the token, so that no tail of it of
		// minLeak bytes or more is left behind.
		end := i + minLeak
		for end < len(text) && strings.Contains(s.token, text[i:end+1]) {
			end++
		}
		out.WriteString(text[copied:i])
		out.WriteString("***")
		copied, i = end, end
	}
	if copied == 0 {
		return text
	}
	out.WriteString(text[copied:])
	return out.String()
}
