package intrinsics_test

import (
	"fmt"

	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

func Example() {
	call, err := intrinsics.Parse("States.Format('Hello, {}! You have {} items: {}', $.name, States.ArrayLength($.items), $.items)")
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := call.Eval(&jsonpath.Env{Input: []byte(`{"name":"Arnav","items":[1.0,"two",{"n":3}]}`)})
	fmt.Println(string(out), err)

	_, err = intrinsics.Parse(`States.Format('say \"hi\"')`)
	fmt.Println(err)
	// Output:
	// "Hello, Arnav! You have 3 items: [1.0, two, {n=3}]" <nil>
	// invalid intrinsic function call "States.Format('say \\\"hi\\\"')": invalid escape sequence '\"' in string literal (only \' \{ \} and \\ are allowed) at character 20
}
