package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// parseArgs parses flags that may stand before, between or after positional arguments
// ("stepjet run sm.json --input in.json"), which the flag package alone does not allow.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseCommandArgs is parseArgs for a command's run function: ok false means the command is done
// and exits with code (exitOK after --help, exitUsage on a bad flag, which fs has reported).
func parseCommandArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, exitUsage, false
	}
	return pos, exitOK, true
}

// readInput reads a file, or standard input for "-".
func readInput(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

// inputUsage is the --input flag's usage line, shared by run, start and sync.
const inputUsage = "execution input: JSON text, a JSON file, or - for standard input (default {})"

// executionInput resolves an --input value, by one rule for every command:
//   - "" is the input {}; "-" reads standard input;
//   - a value naming an existing file reads that file (a file wins over JSON text it could be);
//   - otherwise a value that starts with {, [ or " or is a JSON value (42, true, null) is the
//     input itself, as typed: '{"orderId":"1001"}';
//   - anything else is taken as a file name, and not finding it is an error.
//
// The input is not checked here: the API refuses input that is not JSON with
// InvalidExecutionInput, and run says so itself.
func executionInput(v string) ([]byte, error) {
	switch v {
	case "":
		return []byte("{}"), nil
	case "-":
		return io.ReadAll(os.Stdin)
	}
	if st, err := os.Stat(v); err == nil && !st.IsDir() {
		return os.ReadFile(v)
	}
	if t := strings.TrimSpace(v); t != "" && (strings.ContainsAny(t[:1], `{["`) || json.Valid([]byte(t))) {
		return []byte(v), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, fmt.Errorf("--input %q is neither JSON text nor a readable file (%w); --input takes JSON text, a file, or - for standard input", v, err)
	}
	return b, nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// newFlagSet returns a FlagSet whose usage prints the given text and the flags.
func newFlagSet(name, text string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), strings.TrimSpace(text))
		fmt.Fprintln(fs.Output(), "\nOptions:")
		fs.PrintDefaults()
	}
	return fs
}
