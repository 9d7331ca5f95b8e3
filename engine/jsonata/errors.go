package jsonata

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/stepjet/stepjet/engine/failure"
)

// ErrorSentence is the cause AWS gives when an expression fails: field is the ASL field the
// expression sits in, with "/" per object key and "[i]" per array index (e.g.
// "Output/FunctionResult", "Arguments/items[0]"), and cause is the Cause of the error Eval
// returned (e.g. "T1006: Attempted to invoke a non-function"). The interpreter puts AWS's
// "An error occurred while executing the state ..." prefix in front.
func ErrorSentence(expr, field, cause string) string {
	return "The JSONata expression '" + expr + "' specified for the field '" + field +
		"' threw an error during evaluation. " + cause
}

// UndefinedSentence is the cause AWS gives when an expression in a field produced nothing:
// the state fails with States.QueryEvaluationError.
func UndefinedSentence(expr, field string) string {
	return "The JSONata expression '" + expr + "' specified for the field '" + field +
		"' returned nothing (undefined)."
}

// queryError builds the error Eval and Compile return.
func queryError(code, message string) *failure.Error {
	if code == "" {
		return &failure.Error{Name: failure.QueryEvaluationError, Cause: message}
	}
	return &failure.Error{Name: failure.QueryEvaluationError, Cause: code + ": " + message}
}

// messages are JSONata 2.0.6's error texts by code. "{{x}}" stands for JSON.stringify of the
// error's field x, as jsonata-js fills it in.
var messages = map[string]string{
	"S0101": "String literal must be terminated by a matching quote",
	"S0102": "Number out of range: {{token}}",
	"S0103": "Unsupported escape sequence: \\{{token}}",
	"S0104": "The escape sequence \\u must be followed by 4 hex digits",
	"S0105": "Quoted property name must be terminated with a backquote (`)",
	"S0106": "Comment has no closing tag",
	"S0201": "Syntax error: {{token}}",
	"S0202": "Expected {{value}}, got {{token}}",
	"S0203": "Expected {{value}} before end of expression",
	"S0204": "Unknown operator: {{token}}",
	"S0205": "Unexpected token: {{token}}",
	"S0206": "Unknown expression type: {{token}}",
	"S0207": "Unexpected end of expression",
	"S0209": "A predicate cannot follow a grouping expression in a step",
	"S0210": "Each step can only have one grouping expression",
	"S0211": "The symbol {{token}} cannot be used as a unary operator",
	"S0212": "The left side of := must be a variable name (start with $)",
	"S0213": "The literal value {{token}} cannot be used as a step within a path expression",
	"S0214": "The right side of {{token}} must be a variable name (start with $)",
	"S0215": "A context variable binding must precede any predicates on a step",
	"S0216": "A context variable binding must precede the 'order-by' clause on a step",
	"S0217": "The object representing the 'parent' cannot be derived from this expression",
	"S0301": "Empty regular expressions are not allowed",
	"S0302": "No terminating / in regular expression",
	"S0402": "Choice groups containing parameterized types are not supported",
	"S0401": "Type parameters can only be applied to functions and arrays",
	"S0500": "Attempted to evaluate an expression containing syntax error(s)",
	"T0410": "Argument {{index}} of function {{token}} does not match function signature",
	"T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
	"T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
	"D1001": "Number out of range: {{value}}",
	"D1002": "Cannot negate a non-numeric value: {{value}}",
	"D1004": "Regular expression matches zero length string",
	"T1006": "Attempted to invoke a non-function",
	"T1008": "Attempted to partially apply a non-function",
	"T2001": "The left side of the {{token}} operator must evaluate to a number",
	"T2002": "The right side of the {{token}} operator must evaluate to a number",
	"T2003": "The left side of the range operator (..) must evaluate to an integer",
	"T2004": "The right side of the range operator (..) must evaluate to an integer",
	"T2006": "The right side of the function application operator ~> must be a function",
	"T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
	"T2010": "The expressions either side of operator {{token}} must evaluate to numeric or string values",
	"T2013": "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.",
	"D3001": "Attempting to invoke string function on Infinity or NaN",
	"D3010": "Second argument of replace function cannot be an empty string",
	"D3011": "Fourth argument of replace function must evaluate to a positive number",
	"D3012": "Attempted to replace a matched string with a non-string value",
	"D3020": "Third argument of split function must evaluate to a positive number",
	"D3030": "Unable to cast value to a number: {{value}}",
	"D3040": "Third argument of match function must evaluate to a positive number",
	"D3050": "The second argument of reduce function must be a function with at least two arguments",
	"D3070": "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
	"D3080": "The picture string must only contain a maximum of two sub-pictures",
	"D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
	"D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
	"D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
	"D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
	"D3085": "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
	"D3086": "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
	"D3087": "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
	"D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
	"D3089": "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
	"D3090": "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
	"D3091": "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
	"D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
	"D3093": "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
	"D3131": "In a decimal digit pattern, all digits must be from the same decimal group",
	"D3134": "The timezone integer format specifier cannot have more than four digits",
	"D3135": "No matching closing bracket ']' in date/time picture string",
	"D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
	"D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
	"D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
}

var placeholder = regexp.MustCompile(`\{\{(\w+)\}\}`)

// render fills template's placeholders from fields; ok is false when one is missing.
func render(template string, fields map[string]any) (string, bool) {
	ok := true
	out := placeholder.ReplaceAllStringFunc(template, func(m string) string {
		v, found := fields[m[2:len(m)-2]]
		if !found {
			ok = false
			return m
		}
		b, defined := appendJSON(nil, v)
		if !defined {
			return "undefined"
		}
		return string(b)
	})
	return out, ok
}

var (
	// gnata's parser errors are plain strings: `JSONata error S0202 at token "x": message`.
	parseErrRe = regexp.MustCompile(`^JSONata error ([A-Z]\d{4})(?: at token "((?:[^"\\]|\\.)*)")?: (.*)$`)
	// gnata's parser names the token it expected by its internal token number.
	expectedRe = regexp.MustCompile(`^expected token (\d+), got`)
	castRe     = regexp.MustCompile(`unable to cast "((?:[^"\\]|\\.)*)" to a number`)
	// gnata names the function and often the argument in its own messages: "$abs: argument 1 ...".
	funcArgRe = regexp.MustCompile(`^\$(\w+):(?: .*?argument (\d+))?`)
	opRe      = regexp.MustCompile(`the (left|right) operand of the "(.+)" operator`)
)

// translate turns an error from gnata into AWS's States.QueryEvaluationError with the
// JSONata 2.0.6 message for its code where gnata gives enough to write it, and gnata's own
// message otherwise.
func translate(err error) *failure.Error {
	var fe *failure.Error
	if errors.As(err, &fe) {
		return fe
	}
	code, token, value, msg, ok := jsonataFields(err)
	if !ok {
		if m := parseErrRe.FindStringSubmatch(err.Error()); m != nil {
			code, token, msg = m[1], strings.ReplaceAll(m[2], `\"`, `"`), m[3]
		} else {
			return queryError("", err.Error())
		}
	}
	fields := map[string]any{}
	if token != "" {
		fields["token"] = token
	}
	if value != nil {
		fields["value"] = value
	}
	switch code {
	case "T0410", "T0411", "T0412":
		if m := funcArgRe.FindStringSubmatch(msg); m != nil {
			fields["token"] = m[1]
			fields["index"] = 1
			if m[2] != "" {
				fields["index"] = json2int(m[2])
			}
		}
	case "T2001", "T2002":
		if m := opRe.FindStringSubmatch(msg); m != nil {
			code = "T2001"
			if m[1] == "right" {
				code = "T2002"
			}
			fields["token"] = m[2]
		}
	case "T2010":
		if m := regexp.MustCompile(`"(.+)" operator`).FindStringSubmatch(msg); m != nil {
			fields["token"] = m[1]
		}
	case "S0201":
		if token == "EOF" { // nothing follows an operator
			code = "S0207"
		}
	case "S0202":
		if m := expectedRe.FindStringSubmatch(msg); m != nil {
			if want := tokenText(json2int(m[1])); want != "" {
				fields["value"] = want
				if token == "EOF" || token == "" {
					code = "S0203"
				}
			}
		}
	case "D3030":
		if m := castRe.FindStringSubmatch(msg); m != nil {
			fields["value"] = strings.ReplaceAll(m[1], `\"`, `"`)
		}
	case "D3141", "D3137":
		// $assert and $error: the user's own message, unchanged.
		return queryError(code, msg)
	}
	if tmpl, known := messages[code]; known {
		if text, filled := render(tmpl, fields); filled {
			return queryError(code, text)
		}
	}
	if msg == "" {
		msg = code
	}
	return queryError(code, msg)
}

// gnataTokens are the texts of gnata's lexer token types, by number.
var gnataTokens = []string{
	"(end)", "", "", "", "", "", "",
	".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|",
	"=", "<", ">", "^", "&", "!", "~",
	"**", "..", ":=", "!=", "<=", ">=", "~>", "?:", "??",
	"and", "or", "in",
}

func tokenText(n int) string {
	if n < 0 || n >= len(gnataTokens) {
		return ""
	}
	return gnataTokens[n]
}

func json2int(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// jsonataFields reads gnata's internal *JSONataError (Code, Token, Value, Message) anywhere in
// err's chain, through reflection since the type is not exported.
func jsonataFields(err error) (code, token string, value any, msg string, ok bool) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		rv := reflect.ValueOf(e)
		if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
			continue
		}
		s := rv.Elem()
		if s.Type().Name() != "JSONataError" {
			continue
		}
		str := func(name string) string {
			if f := s.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
				return f.String()
			}
			return ""
		}
		if f := s.FieldByName("Value"); f.IsValid() && f.CanInterface() {
			value = f.Interface()
		}
		return str("Code"), str("Token"), value, str("Message"), true
	}
	return "", "", nil, "", false
}
