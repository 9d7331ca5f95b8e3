package jsonata

// Every result this package's tests see marked canonical must be: the next phase indexes it
// without checking.
func init() { CheckCanonicalMarks(true) }
