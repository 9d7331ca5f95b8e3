package jsonata

// scanResult is what a lexical pass over an expression tells us before gnata evaluates it:
// which $variables it names (so Eval decodes only those bindings), which parts of $states it
// reads, and whether it uses an operator JSONata 2.0.6 (the version AWS runs) does not have.
type scanResult struct {
	vars        []string        // distinct variable names, without "$", in order of appearance
	statesAll   bool            // $states used other than as "$states.<field>"
	statesField map[string]bool // fields read as "$states.<field>"
	syntaxErr   *syntaxError    // first construct JSONata 2.0.6 rejects that gnata accepts
}

type syntaxError struct {
	code  string
	token string
}

type tokKind int

const (
	tokOp tokKind = iota
	tokOperand
	tokVar
)

type token struct {
	kind tokKind
	text string // operator text, or variable name (without "$")
	pos  int    // a variable's offset in the source
}

// scan tokenizes src just far enough to find variables and operators. It never fails: text it
// cannot make sense of is left for gnata's parser to report.
func scan(src string) scanResult {
	toks := tokenize(src)
	res := scanResult{}
	seen := map[string]bool{}
	sig := signatures(toks)
	for i, t := range toks {
		switch t.kind {
		case tokVar:
			if t.text == "" || t.text == "$" {
				continue
			}
			if !seen[t.text] {
				seen[t.text] = true
				res.vars = append(res.vars, t.text)
			}
			if t.text == "states" {
				if i+2 < len(toks) && toks[i+1].kind == tokOp && toks[i+1].text == "." && toks[i+2].kind == tokOperand && toks[i+2].text != "" {
					if res.statesField == nil {
						res.statesField = map[string]bool{}
					}
					res.statesField[toks[i+2].text] = true
				} else {
					res.statesAll = true
				}
			}
		case tokOp:
			// JSONata 2.0.6 has no "?:" (Elvis) or "??" (coalescing) operator: after "?" its
			// parser reads a new expression, and "?" or ":" cannot start one.
			// A function signature such as <nn?:n> is not an expression: its "?" and ":" are
			// no operator.
			if t.text == "?" && res.syntaxErr == nil && (sig == nil || !sig[i]) && i+1 < len(toks) && toks[i+1].kind == tokOp {
				if n := toks[i+1].text; n == "?" || n == ":" {
					res.syntaxErr = &syntaxError{code: "S0211", token: n}
				}
			}
		}
	}
	return res
}

// signatures marks (nil: none) the tokens of function signatures: the "<...>" right after the parameter
// list of "function(...)" or "λ(...)", nested angle brackets included.
func signatures(toks []token) []bool {
	var in []bool
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind != tokOperand || (toks[i].text != "function" && toks[i].text != "λ") ||
			toks[i+1].kind != tokOp || toks[i+1].text != "(" {
			continue
		}
		j := closing(toks, i+1, "(", ")")
		if j < 0 || j+1 >= len(toks) || toks[j+1].kind != tokOp || toks[j+1].text != "<" {
			continue
		}
		k := closing(toks, j+1, "<", ">")
		if k < 0 {
			continue
		}
		if in == nil {
			in = make([]bool, len(toks))
		}
		for x := j + 1; x <= k; x++ {
			in[x] = true
		}
		i = k
	}
	return in // nil when there is no signature
}

// closing returns the index of the operator that closes the open one at toks[at], or -1.
func closing(toks []token, at int, open, close string) int {
	depth := 0
	for i := at; i < len(toks); i++ {
		if toks[i].kind != tokOp {
			continue
		}
		switch toks[i].text {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// tokenize splits src as scan and substitute read it (Tokenize with the zero options):
// operators, operands and variables, where an operand carries its text only for a name (a
// number is a name here) and a variable its offset.
func tokenize(src string) []token {
	ts := Tokenize(src, TokenizeOptions{})
	toks := make([]token, len(ts))
	for i, t := range ts {
		switch t.Kind {
		case Operator:
			toks[i] = token{kind: tokOp, text: t.Text}
		case Variable:
			toks[i] = token{kind: tokVar, text: t.Text, pos: t.Pos}
		case Name:
			toks[i] = token{kind: tokOperand, text: t.Text}
		default: // a string or regular expression
			toks[i] = token{kind: tokOperand}
		}
	}
	return toks
}
