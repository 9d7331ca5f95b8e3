package engine

import "unicode/utf8"

// AWS's history events and API results hold at most MaxCauseLength characters of cause and
// MaxErrorLength of error name (ExecutionFailedEventDetails, TaskFailedEventDetails, ...), and
// its task APIs refuse longer ones. A Fail state's Cause or a worker's error message may be of
// any size here, so the engine cuts them to AWS's lengths where a failure leaves a state: in
// the error output a catcher sees, in history events and in the execution's result. A cut
// keeps whole characters. (Without the cut a 2 MB cause, repeated in a result and its log
// event, would not fit in a NATS message.)

// capCause cuts a cause to MaxCauseLength characters.
func capCause(s string) string { return capChars(s, MaxCauseLength) }

// capError cuts an error name to MaxErrorLength characters.
func capError(s string) string { return capChars(s, MaxErrorLength) }

// capChars cuts s to at most n characters (code points), on a character boundary.
func capChars(s string, n int) string {
	if len(s) <= n {
		return s // n bytes hold at most n characters
	}
	i := 0
	for c := 0; c < n && i < len(s); c++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
