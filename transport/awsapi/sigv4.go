package awsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// maxSkew is how far a request's X-Amz-Date may be from the server's clock, as in AWS.
const maxSkew = 15 * time.Minute

// requiredSigned are the headers a signature must cover: without host and x-amz-date a captured
// signature could be replayed to another host or at another time; without x-amz-target a
// signature for one operation could be replayed as another (ListStateMachines as
// DeleteStateMachine); without content-type a body could be reinterpreted. The SDKs and the aws
// CLI sign them all.
var requiredSigned = []struct{ header, display string }{
	{"host", "Host"}, {"x-amz-date", "X-Amz-Date"}, {"x-amz-target", "X-Amz-Target"}, {"content-type", "Content-Type"},
}

// sigV4 is a request's Authorization header, parsed and checked as far as it can be without the
// body.
type sigV4 struct {
	secret  string
	amzDate string
	scope   []string
	signed  []string
	sig     string
}

// checkSigV4Headers checks everything in an AWS Signature Version 4 Authorization header that
// does not need the body: its form, the access key (credentials maps key ids to secrets), the
// date (±15 minutes, as AWS) and the signed header list. It runs before the body is read, so
// an unauthenticated client cannot make the server read (or wait for) a body. The region and
// service in the credential scope are taken as the client sent them: stepjet answers for any
// region.
func checkSigV4Headers(r *http.Request, creds map[string]string, now time.Time) (*sigV4, *Error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, &Error{Status: http.StatusBadRequest, Name: "MissingAuthenticationTokenException", Message: "Missing Authentication Token"}
	}
	algo, rest, _ := strings.Cut(auth, " ")
	if algo != "AWS4-HMAC-SHA256" {
		return nil, incomplete("Unsupported authorization algorithm: " + algo)
	}
	fields := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok {
			fields[k] = v
		}
	}
	cred, signed, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || signed == "" || sig == "" {
		return nil, incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, incomplete("Credential should be scoped to a valid region, service and 'aws4_request'")
	}
	secret, ok := creds[scope[0]]
	if !ok {
		return nil, &Error{Status: http.StatusBadRequest, Name: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")
	}
	if e := checkSkew(t, now); e != nil {
		return nil, e
	}
	if scope[1] != amzDate[:8] {
		return nil, &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException", Message: "Credential should be scoped to a valid date: " + amzDate[:8]}
	}
	list := strings.Split(signed, ";")
	for _, h := range requiredSigned {
		if !slices.Contains(list, h.header) {
			return nil, incomplete("'" + h.display + "' must be a 'SignedHeader' in the AWS Authorization.")
		}
	}
	return &sigV4{secret: secret, amzDate: amzDate, scope: scope, signed: list, sig: sig}, nil
}

const amzDateFormat = "20060102T150405Z"

// checkSkew refuses a request dated more than 15 minutes from now, with AWS's messages.
func checkSkew(t, now time.Time) *Error {
	now = now.UTC()
	f := func(t time.Time) string { return t.UTC().Format(amzDateFormat) }
	switch {
	case t.Before(now.Add(-maxSkew)):
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "Signature expired: " + f(t) + " is now earlier than " + f(now.Add(-maxSkew)) + " (" + f(now) + " - 15 min.)"}
	case t.After(now.Add(maxSkew)):
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "Signature not yet current: " + f(t) + " is still later than " + f(now.Add(maxSkew)) + " (" + f(now) + " + 15 min.)"}
	}
	return nil
}

// verify checks the signature over the request and its body. The body is hashed here: a client's
// X-Amz-Content-Sha256, when sent, must be that hash, never a substitute for it (else a captured
// signature would stay valid for any body).
func (a *sigV4) verify(r *http.Request, body []byte) *Error {
	payload := hexSHA256(body)
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != payload {
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	}
	want := signature(r, payload, a.secret, a.amzDate, a.scope, a.signed)
	if !hmac.Equal([]byte(want), []byte(a.sig)) {
		return &Error{Status: http.StatusBadRequest, Name: "InvalidSignatureException",
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return nil
}

func incomplete(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Name: "IncompleteSignatureException", Message: msg}
}

// signature computes the hex SigV4 signature of r as the client must have.
// payload is the hex SHA-256 of the body.
func signature(r *http.Request, payload, secret, amzDate string, scope []string, signed []string) string {
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canon.WriteString(path + "\n")
	canon.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			v = strings.Join(r.Header.Values(h), ",")
		}
		canon.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	canon.WriteString("\n" + strings.Join(signed, ";") + "\n")
	canon.WriteString(payload)

	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope[1:], "/") + "\n" + hexSHA256([]byte(canon.String()))
	k := hmacSHA256([]byte("AWS4"+secret), scope[1])
	for _, part := range scope[2:] {
		k = hmacSHA256(k, part)
	}
	return hex.EncodeToString(hmacSHA256(k, toSign))
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape percent-encodes everything but the unreserved characters, as SigV4 requires.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
