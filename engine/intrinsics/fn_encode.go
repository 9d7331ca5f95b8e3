package intrinsics

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// maxEncodeChars is AWS's limit on the input of States.Base64Encode, States.Base64Decode and
// States.Hash, counted in Java characters.
const maxEncodeChars = 10000

// States.Base64Encode(string) encodes the string's UTF-8 bytes in standard, padded Base64.
func statesBase64Encode(c *callNode, args []gjson.Result) ([]byte, error) {
	s, err := c.wantString(args, 0)
	if err != nil {
		return nil, err
	}
	if n := javaLength(s); n > maxEncodeChars {
		return nil, c.fail("the input string has %d characters, more than the %d allowed", n, maxEncodeChars)
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(s))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, []byte(s))
	return append(out, '"'), nil
}

// States.Base64Decode(string) decodes standard Base64 (padding optional, as Java's decoder
// accepts) and reads the bytes as UTF-8, replacing malformed sequences with U+FFFD as Java's
// String constructor does.
func statesBase64Decode(c *callNode, args []gjson.Result) ([]byte, error) {
	s, err := c.wantString(args, 0)
	if err != nil {
		return nil, err
	}
	if n := javaLength(s); n > maxEncodeChars {
		return nil, c.fail("the input string has %d characters, more than the %d allowed", n, maxEncodeChars)
	}
	if strings.ContainsAny(s, "\r\n") { // Go's decoder skips line breaks; Java's basic one refuses them
		return nil, c.fail("the input is not valid Base64: %s", abbreviate(s))
	}
	enc := base64.StdEncoding
	if !strings.HasSuffix(s, "=") && len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	raw, err := enc.DecodeString(s)
	if err != nil {
		return nil, c.fail("the input is not valid Base64: %s", abbreviate(s))
	}
	text := string(raw)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return appendJSONString(nil, text), nil
}

// hashAlgorithms are the algorithms States.Hash accepts, by the names AWS uses.
var hashAlgorithms = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// States.Hash(string, algorithm) returns the lower-case hex digest of the string's UTF-8 bytes.
func statesHash(c *callNode, args []gjson.Result) ([]byte, error) {
	s, err := c.wantString(args, 0)
	if err != nil {
		return nil, err
	}
	alg, err := c.wantString(args, 1)
	if err != nil {
		return nil, err
	}
	newHash := hashAlgorithms[alg]
	if newHash == nil {
		return nil, c.fail("unsupported hash algorithm %q; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", alg)
	}
	if n := javaLength(s); n > maxEncodeChars {
		return nil, c.fail("the input string has %d characters, more than the %d allowed", n, maxEncodeChars)
	}
	h := newHash()
	h.Write([]byte(s))
	var sum [64]byte
	digest := h.Sum(sum[:0])
	out := make([]byte, 0, hex.EncodedLen(len(digest))+2)
	out = append(out, '"')
	out = hex.AppendEncode(out, digest)
	return append(out, '"'), nil
}
